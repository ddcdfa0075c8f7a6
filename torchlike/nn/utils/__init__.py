"""torch.nn.utils."""
from __future__ import annotations
