"""torch.version: the PyTorch release whose API torchlike implements (a CPU build: no CUDA/HIP toolkit)."""
from typing import Optional

__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "xpu"]
__version__ = "2.13.0+torchlike"
debug = False
cuda: Optional[str] = None
git_version = "torchlike"
hip: Optional[str] = None
xpu: Optional[str] = None
