"""Op-table entries for torch.nn.functional: pool."""
from __future__ import annotations
