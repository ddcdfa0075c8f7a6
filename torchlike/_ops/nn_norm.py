"""Op-table entries for torch.nn.functional: norm."""
from __future__ import annotations
