"""torch.utils.hooks."""
from __future__ import annotations

from ..nn.utils.hooks import BackwardHook, RemovableHandle, unserializable_hook  # noqa: F401
