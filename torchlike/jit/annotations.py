"""torch.jit.annotations: the typing names TorchScript annotations use (plain Python typing here)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple, Union  # noqa: F401

from .._tensor import Tensor  # noqa: F401

BroadcastingList1 = BroadcastingList2 = BroadcastingList3 = List   # torch._jit_internal's list-or-scalar hints


def ann_to_type(ann, loc=None, rcb=None):
    return ann
