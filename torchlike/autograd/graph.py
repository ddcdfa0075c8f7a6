"""torch.autograd.graph: the Node base class of grad_fn objects."""
from __future__ import annotations

from ._graph import Node  # noqa: F401

__all__ = ["Node"]
