"""torch.jit._state: whether TorchScript is enabled (PYTORCH_JIT=0 turns it off), and torch.jit.trace's recorder of
tensor -> Python value conversions.

torch.jit.trace runs the function once eagerly with a *recorder* installed as `_trace_state.to_python` (see
Tensor.__bool__/item/__float__/__int__/tolist/numpy): every conversion the user's code makes warns with PyTorch's
TracerWarning and its value is kept. The traced program is then built (jax.make_jaxpr) with a *replayer* installed:
the same conversions, in the same order, return the recorded values instead of touching the tracers, so the
program takes the path the example inputs took and those values are constants of it, as in PyTorch.
"""
from __future__ import annotations

import os
import sys
import warnings

from .. import _trace_state


class EnabledProxy:
    """torch.jit._state._enabled: False when the environment variable PYTORCH_JIT is 0."""

    def __init__(self):
        self.enabled = os.environ.get("PYTORCH_JIT", "1").lower() not in ("0", "false", "no", "off")

    def __bool__(self):
        return self.enabled


_enabled = EnabledProxy()


def disable():
    _enabled.enabled = False


def enable():
    _enabled.enabled = True


_jit_caching_layer: dict = {}
_jit_function_overload_caching: dict = {}


def _clear_class_state():
    _jit_caching_layer.clear()
    _jit_function_overload_caching.clear()


def _try_get_jit_cached_function(key):
    return _jit_caching_layer.get(key)


def _set_jit_function_cache(key, value):
    _jit_caching_layer[key] = value


class TracerWarning(Warning):
    """Warned when a traced function does something the trace cannot record (torch.jit.TracerWarning)."""

    @staticmethod
    def ignore_lib_warnings():
        warnings.filterwarnings("ignore", category=TracerWarning, module="torch.(?!jit)")
        warnings.filterwarnings("ignore", category=TracerWarning, module="torchlike.(?!jit)")


warnings.filterwarnings("ignore", category=TracerWarning, module="torch.(?!jit)")
warnings.filterwarnings("ignore", category=TracerWarning, module="torchlike.(?!jit)")

_MESSAGE = ("Converting a tensor to a Python {} might cause the trace to be incorrect. We can't record the data flow "
            "of Python values, so this value will be treated as a constant in the future. This means that the trace "
            "might not generalize to other inputs!")

_tracing = [0]          # > 0 while torch.jit.trace runs or traces a function


def is_tracing():
    return _tracing[0] > 0


def _caller_is_user():
    """Whether the conversion was asked for outside torchlike (internal Python uses of .item() are C++ in PyTorch,
    which does not warn for them)."""
    f = sys._getframe(3)
    name = f.f_globals.get("__name__", "") if f is not None else ""
    return not (name == "torchlike" or name.startswith("torchlike."))


class Recorder:
    """Installed while the function runs eagerly under torch.jit.trace: warns and records each conversion."""

    def __init__(self):
        self.values = []

    def __call__(self, t, kind, fn, *args, **kwargs):
        user = _caller_is_user()
        _trace_state.to_python = None        # nested conversions (bool -> item) are one
        try:
            v = fn(t, *args, **kwargs)
        finally:
            _trace_state.to_python = self
        self.values.append((kind, v))
        if user:
            warnings.warn(_MESSAGE.format(kind), TracerWarning, stacklevel=3)
        return v


class Replayer:
    """Installed while the traced program is built: conversions return the recorded values, in order."""

    def __init__(self, values):
        self.values = values
        self.pos = 0

    def __call__(self, t, kind, fn, *args, **kwargs):
        if self.pos < len(self.values) and self.values[self.pos][0] == kind:
            v = self.values[self.pos][1]
            self.pos += 1
            return v.copy() if hasattr(v, "copy") and not isinstance(v, (int, float, complex, bool)) else v
        _trace_state.to_python = None        # the path differs from the recorded one: convert (may fail to trace)
        try:
            return fn(t, *args, **kwargs)
        finally:
            _trace_state.to_python = self


class installed:
    """Context manager: `hook` (a Recorder/Replayer or None) as the conversion hook, and is_tracing() True."""

    def __init__(self, hook):
        self.hook = hook

    def __enter__(self):
        self.saved = _trace_state.to_python
        _trace_state.to_python = self.hook
        _tracing[0] += 1
        return self.hook

    def __exit__(self, *exc):
        _trace_state.to_python = self.saved
        _tracing[0] -= 1
        return False
