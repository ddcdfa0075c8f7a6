"""torch.utils.data."""
from __future__ import annotations
