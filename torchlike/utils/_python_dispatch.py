"""torch.utils._python_dispatch: TorchDispatchMode and the helpers libraries import with it.

torchlike has no ATen dispatcher below the Python API, so a dispatch mode does not see individual aten calls;
entering one keeps PyTorch's mode-stack bookkeeping (`_get_current_dispatch_mode`, nesting, `_disable_current_modes`).
Code that must observe ops uses torch.overrides.TorchFunctionMode (the __torch_function__ level) or
torch.utils.flop_counter.FlopCounterMode.
"""
from __future__ import annotations

import contextlib

__all__ = ["TorchDispatchMode", "_get_current_dispatch_mode", "_get_current_dispatch_mode_stack",
           "_disable_current_modes", "is_traceable_wrapper_subclass", "return_and_correct_aliasing",
           "_push_mode", "_pop_mode"]

_STACK = []


class TorchDispatchMode:
    """Base class of dispatch modes: subclasses define __torch_dispatch__(self, func, types, args, kwargs)."""

    def __init__(self, _dispatch_key=None):
        self.old_dispatch_mode_flags = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        _push_mode(self)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        _pop_mode()

    @classmethod
    def push(cls, *args, **kwargs):
        return cls(*args, **kwargs)

    @classmethod
    def is_infra_mode(cls):
        return False


def _push_mode(mode, k=None):
    _STACK.append(mode)


def _pop_mode(k=None):
    return _STACK.pop()


def _get_current_dispatch_mode():
    return _STACK[-1] if _STACK else None


def _get_current_dispatch_mode_stack():
    return list(_STACK)


def _len_torch_dispatch_stack():
    return len(_STACK)


@contextlib.contextmanager
def _disable_current_modes():
    saved = list(_STACK)
    _STACK.clear()
    try:
        yield saved
    finally:
        _STACK[:] = saved


def is_traceable_wrapper_subclass(t):
    """Whether `t` is a tensor subclass with __tensor_flatten__/__tensor_unflatten__ (wrapper subclasses)."""
    from .._tensor import Tensor
    return isinstance(t, Tensor) and type(t) is not Tensor and hasattr(t, "__tensor_flatten__") and \
        hasattr(type(t), "__tensor_unflatten__")


def is_traceable_wrapper_subclass_type(t):
    return hasattr(t, "__tensor_flatten__") and hasattr(t, "__tensor_unflatten__")


def return_and_correct_aliasing(func, args, kwargs, out):
    return out
