"""Op-table entries for torch.nn.functional: activation."""
from __future__ import annotations
