"""torch.is_autocast_enabled / get_autocast_dtype and friends: the queries libraries make about autocast.

Mixed-precision autocast regions are not modelled by torchlike (torch.cuda.amp.autocast disables itself as on a build
without CUDA), so no region is ever active: the queries answer exactly what PyTorch answers outside every autocast
region, with PyTorch's per-device default dtypes and its argument errors and deprecation warnings."""
from __future__ import annotations

import warnings

from . import _dtype
from ._device import device as _device

# PyTorch's default autocast dtype per device type (at::autocast::get_autocast_dtype's initial values).
_DEFAULT_DTYPE = {"cpu": "bfloat16", "cuda": "float16", "xpu": "float16", "mps": "float16", "hpu": "bfloat16",
                  "ipu": "float16", "xla": "bfloat16", "privateuseone": "float16", "mtia": "float16",
                  "maia": "float16"}


def _device_type(device_type, fname):
    if not isinstance(device_type, str):
        raise TypeError(f"{fname}(): argument 'device_type' (position 1) must be str, not {type(device_type).__name__}")
    return _device(device_type).type       # PyTorch's error for an unknown device string


def is_autocast_enabled(device_type=None):
    """Whether an autocast region is active for the device type ('cuda' when omitted): never, here."""
    if device_type is not None:
        _device_type(device_type, "is_autocast_enabled")
    return False


def get_autocast_dtype(device_type):
    """The dtype autocast would cast to on the device type (PyTorch's defaults: bfloat16 on cpu, float16 on cuda)."""
    name = _DEFAULT_DTYPE.get(_device_type(device_type, "get_autocast_dtype"))
    if name is None:
        raise RuntimeError("unsupported scalarType")
    return getattr(_dtype, name)


def _deprecated(old, new):
    warnings.warn(f"torch.{old}() is deprecated. Please use torch.{new} instead.", DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    _deprecated("is_autocast_cpu_enabled", "is_autocast_enabled('cpu')")
    return False


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def is_autocast_cache_enabled():
    return True


__all__ = ["is_autocast_enabled", "get_autocast_dtype", "is_autocast_cpu_enabled", "get_autocast_cpu_dtype",
           "get_autocast_gpu_dtype", "is_autocast_cache_enabled"]
