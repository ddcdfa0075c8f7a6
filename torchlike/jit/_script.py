"""torch.jit.script and the ScriptModule / ScriptFunction types.

There is no TorchScript compiler on this backend: `script(obj)` returns an object of PyTorch's type
(RecursiveScriptModule, ScriptFunction) that runs the original Python code eagerly, with identical results. A
scripted module *mirrors* the original: it shares its parameter and buffer dicts (the same tensors, as in PyTorch),
has scripted mirrors of its children, and runs the original's forward; its training flag is handed to the original
on every call, and attributes it does not have are read from the original.
"""
from __future__ import annotations

import functools
import inspect
import textwrap
import warnings

from ..nn.modules.module import Module
from . import _state


class ScriptModule(Module):
    """torch.jit.ScriptModule: the base class of scripted and traced modules (subclassable, as in PyTorch)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def save(self, f, _extra_files=None):
        from ._serialization import save
        save(self, f, _extra_files=_extra_files)

    def _save_for_lite_interpreter(self, *args, **kwargs):
        raise RuntimeError("The Lite Interpreter (mobile) format cannot be written by torchlike; save a state_dict "
                           "with torch.save instead.")

    @property
    def code(self):
        return _source(type(self).forward)

    @property
    def graph(self):
        return _Graph(self.code)

    @property
    def inlined_graph(self):
        return self.graph

    @property
    def original_name(self):
        return type(self).__name__

    def define(self, src):
        raise RuntimeError("ScriptModule.define() compiles TorchScript source, which torchlike cannot run; define "
                           "the method in Python instead.")


class _Graph(str):
    """A readable description of a scripted/traced computation (`.graph`): TorchScript IR does not exist here."""

    def __repr__(self):
        return str(self)

    def nodes(self):
        return iter(())

    def inputs(self):
        return iter(())

    def outputs(self):
        return iter(())


def _source(fn):
    try:
        return textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return f"# the source of {getattr(fn, '__qualname__', fn)} is not available\n"


class RecursiveScriptModule(ScriptModule):
    """What torch.jit.script(module) (and torch.jit.load) return: a mirror of the module that runs it eagerly."""

    _is_mirror = True

    def __init__(self, orig=None):
        super().__init__()
        if orig is not None:
            _mirror_into(self, orig)

    @classmethod
    def _construct(cls, orig, init_fn=None):
        return cls(orig)

    def forward(self, *args, **kwargs):
        orig = self.__dict__.get("_orig_module")
        if orig is None:
            raise RuntimeError("This ScriptModule has no forward method")
        _sync_training(self)
        return orig(*args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            orig = self.__dict__.get("_orig_module")
            if orig is None or name.startswith("__"):
                raise
            return getattr(orig, name)

    def __setattr__(self, name, value):
        orig = self.__dict__.get("_orig_module")
        if orig is not None and name != "training" and name not in self.__dict__ and name in orig.__dict__ \
                and not isinstance(value, Module):
            setattr(orig, name, value)            # a plain attribute of the original (a flag forward reads)
        else:
            super().__setattr__(name, value)

    def __dir__(self):
        orig = self.__dict__.get("_orig_module")
        return sorted(set(super().__dir__()) | (set(dir(orig)) if orig is not None else set()))

    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        return f"original_name={self.original_name}"

    @property
    def original_name(self):
        orig = self.__dict__.get("_orig_module")
        return type(orig).__name__ if orig is not None else type(self).__name__

    @property
    def code(self):
        orig = self.__dict__.get("_orig_module")
        return _source(type(orig).forward) if orig is not None else ""

    def __getstate__(self):
        raise RuntimeError("ScriptModules cannot be pickled; use torch.jit.save (or torch.save(module.state_dict()))")

    def __reduce_ex__(self, proto):
        self.__getstate__()

    def __copy__(self):
        return type(self)(self.__dict__["_orig_module"])

    def __deepcopy__(self, memo):
        import copy
        return type(self)(copy.deepcopy(self.__dict__["_orig_module"], memo))

    def __len__(self):
        return len(self.__dict__["_orig_module"])

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, idx):
        orig = self.__dict__["_orig_module"]
        if isinstance(idx, int) and hasattr(orig, "__getitem__"):
            return list(self._modules.values())[idx]
        return self._modules[idx] if idx in self._modules else orig[idx]

    def __contains__(self, key):
        return key in self._modules


def _mirror_into(obj, orig, child_cls=None):
    """Make `obj` a mirror of `orig` (see module doc): shared parameter/buffer dicts, mirrored children."""
    d = obj.__dict__
    d["_orig_module"] = orig
    d["_parameters"] = orig._parameters
    d["_buffers"] = orig._buffers
    d["_non_persistent_buffers_set"] = orig._non_persistent_buffers_set
    d["training"] = orig.training
    cls = child_cls or type(obj)
    for name, child in orig._modules.items():
        obj._modules[name] = None if child is None else cls(child)
    return obj


def _pairs(m):
    """(mirror, original) for every module of a mirror tree."""
    out, stack = [], [m]
    while stack:
        s = stack.pop()
        o = s.__dict__.get("_orig_module")
        if o is not None:
            out.append((s, o))
        stack.extend(c for c in s._modules.values() if c is not None)
    return out


def _sync_training(m):
    for s, o in _pairs(m):
        if o.training != s.training:
            o.training = s.training


class ScriptFunction:
    """torch.jit.ScriptFunction: what script(function) and trace(function) return. Calling it runs the function
    (script: eagerly; trace: as its compiled program)."""

    def __init__(self, fn, runner=None, graph=None):
        self._fn = fn
        self._runner = runner
        self._graph_fn = graph
        functools.update_wrapper(self, fn, updated=())

    def __call__(self, *args, **kwargs):
        if self._runner is not None:
            return self._runner(*args, **kwargs)
        return self._fn(*args, **kwargs)

    @property
    def name(self):
        return getattr(self._fn, "__name__", "fn")

    @property
    def qualified_name(self):
        return f"__torch__.{getattr(self._fn, '__qualname__', self.name)}"

    @property
    def code(self):
        return _source(self._fn) if self._graph_fn is None else str(self.graph)

    @property
    def graph(self):
        return _Graph(self._graph_fn() if self._graph_fn is not None else self.code)

    @property
    def inlined_graph(self):
        return self.graph

    @property
    def schema(self):
        try:
            sig = inspect.signature(self._fn)
        except (TypeError, ValueError):
            return f"{self.name}(...) -> Any"
        parts = []
        for p in sig.parameters.values():
            ann = p.annotation if p.annotation is not inspect.Parameter.empty else "Tensor"
            ann = getattr(ann, "__name__", str(ann))
            parts.append(f"{ann} {p.name}" + ("" if p.default is inspect.Parameter.empty else f"={p.default}"))
        return f"{self.name}({', '.join(parts)}) -> Tensor"

    def save(self, f, _extra_files=None):
        from ._serialization import save
        save(self, f, _extra_files=_extra_files)

    def get_debug_state(self):
        return None

    def __repr__(self):
        return f"<torch.jit.ScriptFunction object at {hex(id(self))}>"

    def __get__(self, obj, objtype=None):        # a scripted function used as a method stays bound
        return self if obj is None else functools.partial(self, obj)


class RecursiveScriptClass:
    """Scripted classes are the Python classes themselves here."""


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """torch.jit.script: returns a ScriptFunction / RecursiveScriptModule that runs `obj` eagerly (there is no
    TorchScript compiler on this backend; results are those of the Python code). Classes and already scripted
    objects are returned unchanged."""
    warnings.warn("`torch.jit.script` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning)
    if not _state._enabled:
        return obj
    if optimize is not None:
        warnings.warn("`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` "
                      "instead", FutureWarning, stacklevel=2)
    if isinstance(obj, (ScriptModule, ScriptFunction)):
        return obj
    if isinstance(obj, Module):
        return RecursiveScriptModule(obj)
    if isinstance(obj, type):
        return obj
    if isinstance(obj, (dict, list)):
        raise RuntimeError("torch.jit.script of a dict or list needs TorchScript; torchlike runs Python code "
                           "eagerly and cannot script containers")
    if not callable(obj):
        raise RuntimeError(f"Cannot script object of type {type(obj).__name__}")
    if getattr(obj, "__self__", None) is not None and inspect.ismethod(obj):
        return obj
    return ScriptFunction(obj)


def script_method(fn):
    warnings.warn("`torch.jit.script_method` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning)
    return fn


class CompilationUnit:
    """torch.jit.CompilationUnit: compiles TorchScript source, which cannot run here."""

    def __init__(self, lang=None, _frames_up=0):
        if lang is not None:
            raise RuntimeError("torch.jit.CompilationUnit compiles TorchScript source, which torchlike cannot run; "
                               "write the functions in Python instead.")

    def define(self, src, rcb=None, _frames_up=0):
        raise RuntimeError("torch.jit.CompilationUnit compiles TorchScript source, which torchlike cannot run; "
                           "write the functions in Python instead.")
