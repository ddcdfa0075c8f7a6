"""torch.jit on torchlike.

`trace` runs the traced computation as one compiled XLA program (jit/_trace.py); `script` returns PyTorch's
scripted types running the Python code eagerly (jit/_script.py); `save`/`load` use torchlike's own archive and
refuse real TorchScript archives with a clear error (jit/_serialization.py). The decorators (`ignore`, `unused`,
`export`, `_overload`, `interface` ...) return what they decorate, as PyTorch's do outside TorchScript.
"""

import builtins
import collections
import contextlib
import functools
import typing
import warnings
from typing import Final  # noqa: F401

from ..futures import Future
from . import _state, annotations  # noqa: F401
from ._script import (CompilationUnit, RecursiveScriptClass, RecursiveScriptModule, ScriptFunction,  # noqa: F401
                      ScriptModule, script, script_method)
from ._serialization import load, save  # noqa: F401
from ._state import TracerWarning
from ._trace import (TopLevelTracedModule, TracedModule, TracingCheckError, _get_trace_graph, is_tracing,  # noqa
                     trace, trace_module)

__all__ = ["Attribute", "CompilationUnit", "Error", "Final", "Future", "ScriptFunction", "ScriptModule",
           "annotate", "enable_onednn_fusion", "export", "export_opnames", "fork", "freeze", "ignore", "interface",
           "isinstance", "load", "onednn_fusion_enabled", "optimize_for_inference", "save", "script",
           "script_if_tracing", "set_fusion_strategy", "strict_fusion", "trace", "trace_module", "unused", "wait"]


class Error(RuntimeError):
    """torch.jit.Error (an exception raised inside TorchScript code)."""


class ScriptWarning(Warning):
    pass


Attribute = collections.namedtuple("Attribute", ["value", "type"])


def is_scripting():
    """False: code never runs under the TorchScript compiler here."""
    return False


def annotate(the_type, the_value):
    """Returns the value (a type hint for the TorchScript compiler)."""
    return the_value


def ignore(drop=False, **kwargs):
    """@torch.jit.ignore / @torch.jit.ignore(drop=True): leave a function to Python (it always is here)."""
    if callable(drop):
        fn = drop
        fn._torchscript_modifier = "ignore"
        return fn
    if not isinstance(drop, bool):
        raise RuntimeError(f"Argument to @torch.jit.ignore must be a bool or a function but got {drop}")

    def decorator(fn):
        fn._torchscript_modifier = "unused" if drop or kwargs.get("drop_on_export") else "ignore"
        return fn
    return decorator


def unused(fn):
    """@torch.jit.unused: the function is left out of TorchScript (it runs in Python here)."""
    if builtins.isinstance(fn, property):
        return fn
    fn._torchscript_modifier = "unused"
    return fn


def export(fn):
    """@torch.jit.export: compile this method too (every method is Python here)."""
    fn._torchscript_modifier = "export"
    return fn


def _drop(fn):
    fn._torchscript_modifier = "_drop"
    return fn


def _overload(func):
    """Declares an overload of a function (for TorchScript); the last, undecorated definition is the one used."""
    return func


def _overload_method(func):
    return func


def interface(obj):
    """@torch.jit.interface: a class used as a type (returned unchanged)."""
    if not builtins.isinstance(obj, type):
        raise RuntimeError("interface must be applied to a class")
    return obj


def _script_if_tracing(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    wrapper.__original_fn = fn
    wrapper.__script_if_tracing_wrapper = True
    return wrapper


script_if_tracing = _script_if_tracing


def _unwrap_optional(x):
    assert x is not None, "Unwrapping null optional"
    return x


def fork(func, *args, **kwargs):
    """Runs func(*args, **kwargs) (synchronously) and returns a completed torch.futures.Future."""
    warnings.warn("`torch.jit.fork` is deprecated. Please use `torch.compile` instead.", DeprecationWarning)
    fut = Future()
    try:
        fut.set_result(func(*args, **kwargs))
    except Exception as e:        # noqa: BLE001  (wait() re-raises it)
        fut.set_exception(e)
    return fut


_fork = fork


def wait(future):
    warnings.warn("`torch.jit.wait` is deprecated. Please use `torch.compile` instead.", DeprecationWarning)
    return future.wait()


_wait = wait


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """torch.jit.freeze: checks as PyTorch does and returns the module (parameters are already constants of the
    compiled programs here)."""
    warnings.warn("`torch.jit.freeze` is deprecated. Please use `torch.compile` instead.", DeprecationWarning)
    if not builtins.isinstance(mod, ScriptModule):
        raise RuntimeError("Freezing expects a ScriptModule as input. Please use torch.jit.script or "
                           "torch.jit.trace to script your 'nn.Module'.")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() "
                           "on your module before freezing.")
    return mod


def optimize_for_inference(mod, other_methods=None):
    warnings.warn("`torch.jit.optimize_for_inference` is deprecated. Please use `torch.compile` instead.",
                  DeprecationWarning)
    if not builtins.isinstance(mod, ScriptModule):
        raise RuntimeError("optimize_for_inference expects a ScriptModule as input. Please use torch.jit.script "
                           "or torch.jit.trace to script your 'nn.Module'.")
    if mod.training:
        mod = freeze(mod.eval())
    return mod


def run_frozen_optimizations(mod, optimize_numerics=True, preserved_methods=None):
    return None


def _container_check(obj, tp):
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp in (list, dict, tuple) or (origin is None and tp in (typing.List, typing.Dict, typing.Tuple)):
        name = {list: "list", dict: "dict", tuple: "tuple"}.get(tp, str(tp))
        raise RuntimeError(f"Attempted to use {name} without a contained type. Please add a contained type, "
                           f"e.g. {name}[int]")
    if origin is None:
        if tp is typing.Any:
            return True
        if tp is type(None) or tp is None:
            return obj is None
        return builtins.isinstance(obj, tp)
    if origin is list:
        return builtins.isinstance(obj, list) and all(_container_check(o, args[0]) for o in obj)
    if origin is dict:
        return builtins.isinstance(obj, dict) and all(_container_check(k, args[0]) and _container_check(v, args[1])
                                                      for k, v in obj.items())
    if origin is tuple:
        if not builtins.isinstance(obj, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_container_check(o, args[0]) for o in obj)
        return len(obj) == len(args) and all(_container_check(o, a) for o, a in zip(obj, args))
    if origin is typing.Union or str(origin) == "types.UnionType":
        return any(_container_check(obj, a) for a in args)
    return builtins.isinstance(obj, origin)


def isinstance(obj, target_type):  # noqa: A001
    """torch.jit.isinstance: isinstance that also checks the contents of typed containers (List[int], ...)."""
    return _container_check(obj, target_type)


_isinstance = isinstance


def set_fusion_strategy(strategy):
    prev = list(_FUSION[0])
    _FUSION[0] = list(strategy)
    return prev


_FUSION = [[("STATIC", 2), ("DYNAMIC", 10)]]
_ONEDNN = [False]


def enable_onednn_fusion(enabled):
    _ONEDNN[0] = builtins.bool(enabled)


def onednn_fusion_enabled():
    return _ONEDNN[0]


@contextlib.contextmanager
def optimized_execution(should_optimize):
    yield


@contextlib.contextmanager
def fuser(name):
    yield


@contextlib.contextmanager
def _hide_source_ranges():
    yield


@contextlib.contextmanager
def _disable_emit_hooks():
    yield


class strict_fusion:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def last_executed_optimized_graph():
    from ._script import _Graph
    return _Graph("")


def export_opnames(m):
    return []


def set_module(obj, mod):
    obj.__module__ = mod
    return obj


def jit_module_from_flatbuffer(f):
    raise RuntimeError("TorchScript flatbuffer modules cannot run on torchlike; load a state_dict instead.")


def save_jit_module_to_flatbuffer(m, f, _extra_files=None):
    raise RuntimeError("torchlike cannot write TorchScript flatbuffer modules; use torch.jit.save or torch.save.")
