"""torchvision.ops (the building blocks the models use)."""
from .misc import Conv2dNormActivation, ConvNormActivation, FrozenBatchNorm2d  # noqa: F401
