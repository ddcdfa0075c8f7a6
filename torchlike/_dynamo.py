"""torch._dynamo: the compile configuration and reset()."""
from __future__ import annotations

from ._compile import config, reset  # noqa: F401
