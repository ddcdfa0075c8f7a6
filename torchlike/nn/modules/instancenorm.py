"""torch.nn.modules.instancenorm (the classes live in batchnorm.py, next to their _NormBase)."""
from __future__ import annotations

from .batchnorm import (_InstanceNorm, _LazyInstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d,  # noqa: F401
                        LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d)

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]
