"""torchlike.vision: the torchvision API (datasets, transforms, models, utils, io) for torchlike.

`python -m torchlike script.py` maps `import torchvision` to this package.
"""
from __future__ import annotations

import importlib

__version__ = "0.28.0+torchlike"

_image_backend = "PIL"
_video_backend = "pyav"

_SUBMODULES = ("datasets", "transforms", "utils", "io", "models", "ops")


def set_image_backend(backend):
    """Only 'PIL' is available ('accimage' is accepted when that package is installed)."""
    global _image_backend
    if backend not in ["PIL", "accimage"]:
        raise ValueError(f"Invalid backend '{backend}'. Options are 'PIL' and 'accimage'")
    _image_backend = backend


def get_image_backend():
    return _image_backend


def set_video_backend(backend):
    global _video_backend
    _video_backend = backend


def get_video_backend():
    return _video_backend


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'torchvision' has no attribute '{name}'")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
