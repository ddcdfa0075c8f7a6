"""torch.ops: operator namespaces. `torch.ops.aten.<op>` (and its overloads: `.default`, `.Tensor`, `.out` ...)
reach the op table's torch functions; `torch.ops.<ns>.<name>` reaches operators made with torch.library."""
from __future__ import annotations

import importlib
import types

__all__ = ["ops", "OpOverloadPacket", "OpOverload"]

_OVERLOAD_NAMES = ("default", "Tensor", "Scalar", "out", "int", "float", "dim", "self", "other", "dim_IntList",
                   "Tensor_Scalar", "Scalar_Tensor", "Tensor_Tensor", "Tensor_mode", "input", "using_ints",
                   "names_dim", "correction", "SymInt", "intlist", "vec", "memory_format", "dtype", "device", "stable",
                   "Tensor_out", "values", "dimname")


def _result(ns, out):
    """aten operators return plain tuples where torch.* functions return named ones (torch.return_types)."""
    return tuple(out) if ns == "aten" and isinstance(out, tuple) and type(out) is not tuple else out


class OpOverload:
    """One overload of an operator (called like the operator)."""

    def __init__(self, packet, overload, fn):
        self._overloadpacket, self._overloadname, self._op = packet, overload, fn
        self.__name__ = f"{packet._name}.{overload}"
        self.__qualname__ = self.__name__

    def __call__(self, *args, **kwargs):
        return _result(self._overloadpacket._ns, self._op(*args, **kwargs))

    def __repr__(self):
        return f"<OpOverload(op='{self._overloadpacket._ns}.{self._overloadpacket._name}', " \
               f"overload='{self._overloadname}')>"

    def __str__(self):
        return f"{self._overloadpacket._ns}.{self._overloadpacket._name}.{self._overloadname}"

    def name(self):
        return f"{self._overloadpacket._ns}::{self._overloadpacket._name}" + \
            ("" if self._overloadname == "default" else f".{self._overloadname}")

    @property
    def overloadpacket(self):
        return self._overloadpacket

    @property
    def namespace(self):
        return self._overloadpacket._ns

    def __hash__(self):
        return hash((self._overloadpacket._ns, self._overloadpacket._name, self._overloadname))

    def __eq__(self, other):
        return isinstance(other, OpOverload) and str(self) == str(other)


class OpOverloadPacket:
    """An operator with all its overloads: `packet(...)`, `packet.default(...)`, `packet.overloads()`."""

    def __init__(self, ns, name, fn, overloads=("default",)):
        self._ns, self._name, self._op = ns, name, fn
        self._overload_names = tuple(overloads)
        self.__name__ = name
        self.__qualname__ = name

    def __call__(self, *args, **kwargs):
        return _result(self._ns, self._op(*args, **kwargs))

    def __repr__(self):
        return f"<OpOverloadPacket(op='{self._ns}.{self._name}')>"

    def __str__(self):
        return f"{self._ns}.{self._name}"

    def overloads(self):
        return list(self._overload_names)

    def __getattr__(self, key):
        if key.startswith("__"):
            raise AttributeError(key)
        if key in _OVERLOAD_NAMES or key in self._overload_names:
            ov = OpOverload(self, key, self._op)
            object.__setattr__(self, key, ov)
            return ov
        raise AttributeError(f"The underlying op of '{self!s}' has no overload name '{key}'")

    def __hash__(self):
        return hash((self._ns, self._name))

    def __eq__(self, other):
        return isinstance(other, OpOverloadPacket) and (self._ns, self._name) == (other._ns, other._name)


def _aten_fn(name):
    """The torchlike callable for aten operator `name`, or None."""
    import torchlike
    from ._aten_ops import ATEN
    from ._ops._registry import OPS
    from ._tensor import Tensor
    if name in ATEN:
        return ATEN[name]
    for mod in (torchlike, importlib.import_module("torchlike.nn.functional"), torchlike.linalg, torchlike.special
                if hasattr(torchlike, "special") else None):
        fn = getattr(mod, name, None) if mod is not None else None
        if callable(fn) and not isinstance(fn, type):
            return fn
    m = getattr(Tensor, name, None)
    if callable(m):
        return m
    if name in OPS:
        from ._ops import dispatch
        op = OPS[name]
        return lambda *args, **kwargs: dispatch.call(op, args, kwargs)
    alias = _ATEN_ALIASES.get(name)
    return _aten_fn(alias) if alias else None


_ATEN_ALIASES = {"_unsafe_view": "reshape"}


class _OpNamespace(types.ModuleType):
    """torch.ops.<ns>: attribute access gives operator packets."""

    def __init__(self, name):
        super().__init__(f"torch.ops.{name}")
        self.name = name

    def __getattr__(self, op_name):
        if op_name.startswith("__"):
            raise AttributeError(op_name)
        fn = None
        if self.name == "aten":
            fn = _aten_fn(op_name)
            overloads = ("default",)
        else:
            from . import library
            op = library._OPS.get(f"{self.name}::{op_name}")
            if op is not None and (op.kernels or op.fake is not None):
                fn = op
            overloads = ("default",)
        if fn is None:
            raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute '{op_name}'")
        packet = OpOverloadPacket(self.name, op_name, fn, overloads)
        if self.name == "aten":
            setattr(self, op_name, packet)
        return packet


class _Ops(types.ModuleType):
    """torch.ops."""

    __file__ = "_ops.py"

    def __init__(self):
        super().__init__("torch.ops")
        self._dir = []

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        ns = _OpNamespace(name)
        setattr(self, name, ns)
        self._dir.append(name)
        return ns

    def __iter__(self):
        return iter(self._dir)

    def load_library(self, path):
        raise OSError(f"torch.ops.load_library({path!r}): compiled operator libraries cannot be loaded on this "
                      "backend (no C++ dispatcher).")

    def import_module(self, module):
        importlib.import_module(module)


ops = _Ops()
