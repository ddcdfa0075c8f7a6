"""torch.is_autocast_enabled / get_autocast_dtype / set_autocast_enabled and friends: the functions PyTorch exposes
over the autocast state (the state itself and the cast policy live in _autocast.py; torch.autocast regions in
torchlike/amp)."""
from __future__ import annotations

import warnings

from . import _autocast
from ._device import device as _device


def _device_type(device_type, fname, pos=1):
    if not isinstance(device_type, str):
        raise TypeError(f"{fname}(): argument 'device_type' (position {pos}) must be str, not "
                        f"{type(device_type).__name__}")
    return _device(device_type).type       # PyTorch's error for an unknown device string


def _bool(flag, fname, pos):
    if not isinstance(flag, bool):
        raise TypeError(f"{fname}(): argument 'enabled' (position {pos}) must be bool, not {type(flag).__name__}")
    return flag


def is_autocast_enabled(device_type=None):
    """Whether an autocast region is active for the device type ('cuda' when omitted)."""
    return _autocast.is_enabled("cuda" if device_type is None else _device_type(device_type, "is_autocast_enabled"))


def set_autocast_enabled(device_type, enabled=None):
    """set_autocast_enabled(device_type, enabled), or the older set_autocast_enabled(enabled) for 'cuda'."""
    if enabled is None:
        _autocast.set_enabled("cuda", _bool(device_type, "set_autocast_enabled", 1))
        return
    dt = _device_type(device_type, "set_autocast_enabled")
    _autocast.set_enabled(dt, _bool(enabled, "set_autocast_enabled", 2))


def get_autocast_dtype(device_type):
    """The dtype autocast casts to on the device type (PyTorch's defaults: bfloat16 on cpu, float16 on cuda)."""
    return _autocast.get_dtype(_device_type(device_type, "get_autocast_dtype"))


def set_autocast_dtype(device_type, dtype):
    _autocast.set_dtype(_device_type(device_type, "set_autocast_dtype"), dtype)


def autocast_increment_nesting():
    return _autocast.increment_nesting()


def autocast_decrement_nesting():
    return _autocast.decrement_nesting()


def clear_autocast_cache():
    _autocast.clear_cache()


def is_autocast_cache_enabled():
    return _autocast._state["cache_enabled"]


def set_autocast_cache_enabled(enabled):
    _autocast._state["cache_enabled"] = bool(enabled)


def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return _autocast.is_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    _autocast.set_enabled("cpu", _bool(enabled, "set_autocast_cpu_enabled", 1))


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return _autocast.get_dtype("cpu")


def set_autocast_cpu_dtype(dtype):
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    _autocast.set_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return _autocast.get_dtype("cuda")


def set_autocast_gpu_dtype(dtype):
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    _autocast.set_dtype("cuda", dtype)


def _device_pair(dev):
    def is_enabled():
        _deprecated(f"is_autocast_{dev}_enabled()", f"is_autocast_enabled('{dev}')")
        return _autocast.is_enabled(dev)

    def set_enabled(enabled):
        _deprecated(f"set_autocast_{dev}_enabled(enabled)", f"set_autocast_enabled('{dev}', enabled)")
        _autocast.set_enabled(dev, _bool(enabled, f"set_autocast_{dev}_enabled", 1))

    def get_dtype():
        _deprecated(f"get_autocast_{dev}_dtype()", f"get_autocast_dtype('{dev}')")
        return _autocast.get_dtype(dev)

    def set_dtype(dtype):
        _deprecated(f"set_autocast_{dev}_dtype(dtype)", f"set_autocast_dtype('{dev}', dtype)")
        _autocast.set_dtype(dev, dtype)
    return {f"is_autocast_{dev}_enabled": is_enabled, f"set_autocast_{dev}_enabled": set_enabled,
            f"get_autocast_{dev}_dtype": get_dtype, f"set_autocast_{dev}_dtype": set_dtype}


_XLA_IPU = {**_device_pair("xla"), **_device_pair("ipu")}
for _n, _f in _XLA_IPU.items():
    _f.__name__ = _f.__qualname__ = _n
globals().update(_XLA_IPU)

__all__ = ["is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
           "autocast_increment_nesting", "autocast_decrement_nesting", "clear_autocast_cache",
           "is_autocast_cache_enabled", "set_autocast_cache_enabled", "is_autocast_cpu_enabled",
           "set_autocast_cpu_enabled", "get_autocast_cpu_dtype", "set_autocast_cpu_dtype", "get_autocast_gpu_dtype",
           "set_autocast_gpu_dtype", *_XLA_IPU]
