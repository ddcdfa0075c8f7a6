"""Whether torchlike.compile is tracing right now (read by the few places whose eager behaviour must change)."""
from __future__ import annotations

current = None        # the active compile trace (torchlike._compile._Trace) or None


def tracing():
    return current is not None
