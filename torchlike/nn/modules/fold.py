"""torch.nn.modules.fold (the classes live in conv.py)."""
from __future__ import annotations

from .conv import Fold, Unfold

__all__ = ["Fold", "Unfold"]
