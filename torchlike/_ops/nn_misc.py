"""Op-table entries for torch.nn.functional: misc."""
from __future__ import annotations
