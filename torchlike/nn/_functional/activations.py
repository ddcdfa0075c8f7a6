"""nn.functional: activations."""
from __future__ import annotations

__all__: list = []
