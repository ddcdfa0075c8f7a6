"""Op-table entries for torch.nn.functional: rnn."""
from __future__ import annotations
