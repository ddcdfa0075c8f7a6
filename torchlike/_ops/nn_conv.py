"""Op-table entries for torch.nn.functional: conv."""
from __future__ import annotations
