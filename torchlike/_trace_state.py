"""Whether torchlike.compile is tracing right now (read by the few places whose eager behaviour must change)."""
from __future__ import annotations

current = None        # the active compile trace (torchlike._compile._Trace) or None
to_python = None      # torch.jit.trace's hook on tensor -> Python value conversions (jit/_trace.py)
epoch = 0             # bumped by every change of a Module's attributes or registries (nn/modules/_registry.py)


def tracing():
    return current is not None


def grad_event(t, kind):
    """While tracing, remember how the step first touched `t.grad`: "read" (its value or presence mattered) or
    "set" (it was assigned before any read). A program whose trace only ever *set* a parameter's .grad serves
    calls whether that .grad was present beforehand or not (compile's guards use this)."""
    if current is not None:
        current.grad_events.setdefault(id(t), kind)
