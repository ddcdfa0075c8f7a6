"""torch.utils.dlpack: DLPack capsules in and out (zero-copy; see torchlike/_dlpack.py)."""
from __future__ import annotations

from .._dlpack import from_dlpack, to_dlpack

__all__ = ["to_dlpack", "from_dlpack"]

DLDeviceType = type("DLDeviceType", (), {"kDLCPU": 1, "kDLCUDA": 2, "kDLCUDAHost": 3, "kDLROCM": 10,
                                         "kDLMetal": 8, "kDLVulkan": 7, "kDLOneAPI": 14})
