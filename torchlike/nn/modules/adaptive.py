"""torch.nn.modules.adaptive: AdaptiveLogSoftmaxWithLoss (implemented in breadth.py)."""
from .breadth import AdaptiveLogSoftmaxWithLoss, _ASMoutput  # noqa: F401

__all__ = ["AdaptiveLogSoftmaxWithLoss"]
