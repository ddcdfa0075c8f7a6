"""torch.save / torch.load in PyTorch's file format."""
from __future__ import annotations
