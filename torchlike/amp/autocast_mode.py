"""torch.amp.autocast: regions (context managers and decorators) that run ops by PyTorch's mixed-precision policy
(see torchlike/_autocast.py), and custom_fwd / custom_bwd for autograd.Functions."""
from __future__ import annotations

import collections.abc
import functools
import warnings

import numpy as np

from .. import _autocast, _dtype as D

__all__ = ["autocast_decorator", "autocast", "is_autocast_available", "custom_fwd", "custom_bwd"]

_AVAILABLE = frozenset(_autocast.DEFAULT_DTYPE) - {"hip"}


def is_autocast_available(device_type):
    """Whether autocast can be used on the device type ('cpu', 'cuda', 'xpu', ...; not 'meta')."""
    from .._device import device
    if not isinstance(device_type, str):
        raise TypeError(f"_is_autocast_available(): argument 'device_type' (position 1) must be str, not "
                        f"{type(device_type).__name__}")
    return device(device_type).type in _AVAILABLE


def _cuda_unavailable():
    """torch.cuda.amp.common.amp_definitely_not_available: no GPU here."""
    from .. import _device
    return not _device.gpu_devices()


def _cuda_bf16():
    from .. import cuda
    return cuda.is_bf16_supported()


def autocast_decorator(autocast_instance, func):
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)
    decorate_autocast.__script_unsupported = "@autocast() decorator is not supported in script mode"
    return decorate_autocast


class autocast:
    """A region (context manager or decorator) in which ops run in an op-specific dtype chosen by autocast:
    matmuls and convolutions in the lower precision (bfloat16 on the CPU, float16 on CUDA by default), precision-
    sensitive ops (losses, reductions, linear algebra ...) in float32. Nested regions, enabled=False inside an
    enabled region and `cache_enabled` behave as in PyTorch."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        from .._autocast_state import get_autocast_dtype
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(self.device):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{self.device}'")
        self._cache_enabled = _autocast._state["cache_enabled"] if cache_enabled is None else cache_enabled
        if enabled:
            if self.device == "cuda":
                if _cuda_unavailable():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                                  stacklevel=2)
                    enabled = False
                elif self.fast_dtype is D.bfloat16 and not _cuda_bf16():
                    raise RuntimeError("Current CUDA Device does not support bfloat16. Please switch dtype to "
                                       "float16.")
            elif self.fast_dtype not in (D.bfloat16, D.float16):
                name = self.device.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                              f"{name} Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        dev = _autocast_device(self.device)
        self.prev_cache_enabled = _autocast._state["cache_enabled"]
        self.prev = _autocast.is_enabled(dev)
        self.prev_fastdtype = _autocast.get_dtype(dev)
        _autocast.set_enabled(dev, self._enabled)
        _autocast.set_dtype(dev, self.fast_dtype)
        _autocast.increment_nesting()
        _autocast._state["cache_enabled"] = bool(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        dev = _autocast_device(self.device)
        if _autocast.decrement_nesting() == 0:      # left the outermost region: drop the cached weight casts
            _autocast.clear_cache()
        _autocast.set_enabled(dev, self.prev)
        _autocast.set_dtype(dev, self.prev_fastdtype)
        _autocast._state["cache_enabled"] = self.prev_cache_enabled
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                            "Did you mean to use autocast as a context manager? For example:\n"
                            "    with torch.autocast(device_type=...):\n"
                            "        output = model(input)")
        return autocast_decorator(self, func)


def _autocast_device(name):
    from .._device import device
    return device(name).type


class _UnmanagedAutocast(autocast):
    pass


def _enter_autocast(*vals):
    mode = _UnmanagedAutocast(*vals)
    mode.__enter__()
    return mode


def _exit_autocast(mode):
    mode.__exit__(None, None, None)


def _cast(value, device_type, dtype):
    """Tensors (and containers of them) cast to `dtype` where autocast would cast them (floating, not float64, on
    `device_type`); strings and NumPy arrays pass through."""
    from .._tensor import Tensor
    if isinstance(value, Tensor):
        eligible = value.is_floating_point() and value.device.type == device_type and value.dtype is not D.float64
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes, np.ndarray)):
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, collections.abc.Iterable):
        it = (_cast(v, device_type, dtype) for v in value)
        return type(value)(it) if isinstance(value, (list, tuple)) else it
    return value


def _check_device_type(device_type):
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom autograd.Function's forward: with `cast_inputs`, inside an enabled region, floating
    tensor inputs are cast to it and forward runs with autocast disabled; without it, forward runs in the current
    autocast state (remembered for custom_bwd)."""
    _check_device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = _autocast.get_dtype(_autocast_device(device_type))
        if cast_inputs is None:
            args[0]._fwd_used_autocast = _autocast.is_enabled(_autocast_device(device_type))
            return fwd(*args, **kwargs)
        in_region = _autocast.is_enabled(_autocast_device(device_type))
        args[0]._fwd_used_autocast = False
        if in_region:
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom autograd.Function's backward: runs it in the autocast state its forward ran in."""
    _check_device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast, dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd


def _deprecated_class(dev):
    """Class decorator: constructing the class warns that torch.<dev>.amp.autocast is deprecated (FutureWarning)."""
    def wrap(cls):
        def __new__(klass, *args, **kwargs):
            warnings.warn(f"`torch.{dev}.amp.autocast(args...)` is deprecated. Please use "
                          f"`torch.amp.autocast('{dev}', args...)` instead.", FutureWarning, stacklevel=2)
            return object.__new__(klass)
        cls.__new__ = __new__
        return cls
    return wrap
