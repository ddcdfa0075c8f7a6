"""Op-table entries for torch.nn.functional: loss."""
from __future__ import annotations
