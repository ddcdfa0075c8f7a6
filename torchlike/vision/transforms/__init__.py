"""torchvision.transforms for torchlike."""
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _all
from . import functional  # noqa: F401
from .functional import InterpolationMode  # noqa: F401

__all__ = list(_all)
