"""torch.nn.modules.pixelshuffle (the classes live in upsampling.py)."""
from __future__ import annotations

from .upsampling import PixelShuffle, PixelUnshuffle

__all__ = ["PixelShuffle", "PixelUnshuffle"]
