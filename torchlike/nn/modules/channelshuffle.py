"""torch.nn.modules.channelshuffle (the class lives in upsampling.py)."""
from __future__ import annotations

from .upsampling import ChannelShuffle

__all__ = ["ChannelShuffle"]
