"""torch.fx.node: Node (one operation of a Graph), map_arg / map_aggregate and target naming."""
from __future__ import annotations

import builtins

from .immutable_collections import immutable_dict, immutable_list

__all__ = ["Node", "map_arg", "map_aggregate", "Argument", "Target", "has_side_effect"]

Target = object
Argument = object
_OPS = ("placeholder", "call_method", "call_module", "call_function", "get_attr", "output", "root")
_side_effectful_functions = set()


def has_side_effect(fn):
    """Mark `fn` so that dead code elimination keeps its call_function nodes."""
    _side_effectful_functions.add(fn)
    return fn


# --- naming of targets ---------------------------------------------------------------------------------------

def _resolve(path):
    import torchlike
    obj = torchlike
    for part in path.split(".")[1:]:
        obj = getattr(obj, part, _resolve)
        if obj is _resolve:
            return _resolve
    return obj


def _torch_name(obj):
    """The public `torch.<...>` spelling of a torchlike function or class, or None when it has none."""
    mod = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__name__", None)
    if not name or not (mod == "torchlike" or mod.startswith("torchlike.")):
        return None
    parts = ("torch" + mod[len("torchlike"):]).split(".")
    full = ".".join(parts + [name])
    if not any(p.startswith("_") for p in parts) and _resolve(full) is obj:
        return full
    for i in range(len(parts), 0, -1):
        cand = ".".join(parts[:i] + [name])
        if not any(p.startswith("_") for p in parts[:i]) and _resolve(cand) is obj:
            return cand
    if _resolve(full) is obj:
        return full
    return None


def _is_tensor_method(fn):
    from .._tensor import Tensor
    name = getattr(fn, "__name__", None)
    return name is not None and getattr(Tensor, name, None) is fn


def _get_qualified_name(func):
    """`module.name` of a call_function target, as torch prints it (torchlike functions as `torch.*`)."""
    name = getattr(func, "__name__", None)
    if name is not None and getattr(builtins, name, None) is func:
        return name
    if _is_tensor_method(func):
        return f"torch.Tensor.{name}"
    tn = _torch_name(func)
    if tn is not None:
        return tn
    if name == "<lambda>":
        raise RuntimeError("Unable to represent lambda")
    mod = getattr(func, "__module__", None) or ""
    if mod == "_operator":
        mod = "operator"
    return f"{mod}.{name}"


def _pretty_target(target):
    if isinstance(target, str):
        return target
    name = getattr(target, "__name__", None)
    if name is not None and getattr(builtins, name, None) is target:
        return f"builtins.{name}"
    return _get_qualified_name(target)


def _type_repr(t):
    if isinstance(t, type):
        tn = _torch_name(t)
        if tn is not None:
            return tn
        if t.__module__ == "builtins":
            return t.__qualname__
        return f"{t.__module__}.{t.__qualname__}"
    return repr(t)


def _format_arg(arg):
    if isinstance(arg, list):
        return "[" + ", ".join(_format_arg(a) for a in arg) + "]"
    if isinstance(arg, tuple):
        return "(" + ", ".join(_format_arg(a) for a in arg) + ("," if len(arg) == 1 else "") + ")"
    if isinstance(arg, dict):
        return "{" + ", ".join(f"{k}: {_format_arg(v)}" for k, v in arg.items()) + "}"
    if isinstance(arg, Node):
        return "%" + str(arg)
    return str(arg)


# --- map_arg ---------------------------------------------------------------------------------------------------

def map_aggregate(a, fn):
    """Apply `fn` to every leaf of a nested tuple/list/dict/slice structure (lists become immutable_list)."""
    t = type(a)
    if t is tuple or (isinstance(a, tuple) and not hasattr(a, "_fields")):
        return tuple(map_aggregate(e, fn) for e in a)
    if isinstance(a, tuple):            # a NamedTuple keeps its type
        return t(*(map_aggregate(e, fn) for e in a))
    if isinstance(a, list):
        return immutable_list(map_aggregate(e, fn) for e in a)
    if isinstance(a, dict):
        return immutable_dict((k, map_aggregate(v, fn)) for k, v in a.items())
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn), map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a, fn):
    """Apply `fn` to each Node appearing in the argument structure `a`."""
    if not callable(fn):
        raise AssertionError("torch.fx.map_arg(a, fn): fn must be a callable")
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


# --- Node ------------------------------------------------------------------------------------------------------

class Node:
    """One operation in a Graph: `op` is one of placeholder, get_attr, call_function, call_module, call_method,
    output; `target` what it calls; `args`/`kwargs` its inputs (Nodes or constants)."""

    def __init__(self, graph, name, op, target, args, kwargs, return_type=None):
        if op not in _OPS:
            raise ValueError(f"Unexpected op {op!r}")
        if op == "call_function" and not callable(target):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type {type(target)} "
                             "but a Callable is expected")
        if op in ("call_method", "call_module", "get_attr", "placeholder", "output") and not isinstance(target, str):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type {type(target)} "
                             "but a str is expected")
        self.graph = graph
        self.name = name
        self.op = op
        self.target = target
        self._input_nodes = {}
        self._args = ()
        self._kwargs = {}
        self.users = {}
        self.type = return_type
        self._prev = self
        self._next = self
        self._erased = False
        self.meta = {}
        self._update_args_kwargs(args, kwargs)

    # linked list
    @property
    def next(self):
        return self._next

    @property
    def prev(self):
        return self._prev

    def prepend(self, x):
        """Insert `x` before this node (moving it if it is already in the graph)."""
        if self is x:
            raise AssertionError("Cannot prepend a node to itself")
        if self.graph is not x.graph:
            raise AssertionError("Attempting to move a Node into a different Graph")
        x._remove_from_list()
        p = self._prev
        p._next, x._prev = x, p
        x._next, self._prev = self, x

    def append(self, x):
        """Insert `x` after this node."""
        self._next.prepend(x)

    def _remove_from_list(self):
        p, n = self._prev, self._next
        p._next, n._prev = n, p
        self._prev = self._next = self

    # args / kwargs
    @property
    def args(self):
        return self._args

    @args.setter
    def args(self, a):
        self._update_args_kwargs(a, self._kwargs)

    @property
    def kwargs(self):
        return self._kwargs

    @kwargs.setter
    def kwargs(self, k):
        self._update_args_kwargs(self._args, k)

    @property
    def all_input_nodes(self):
        return list(self._input_nodes.keys())

    def update_arg(self, idx, arg):
        args = list(self.args)
        args[idx] = arg
        self.args = tuple(args)

    def insert_arg(self, idx, arg):
        self.args = self.args[:idx] + (arg,) + self.args[idx:]

    def update_kwarg(self, key, arg):
        self.kwargs = {**self.kwargs, key: arg}

    def _update_args_kwargs(self, new_args, new_kwargs):
        found = {}

        def collect(n):
            found.setdefault(n)
            return n
        self._args = map_arg(tuple(new_args), collect)
        self._kwargs = map_arg(dict(new_kwargs), collect)
        for old in self._input_nodes:
            old.users.pop(self, None)
        self._input_nodes = found
        for n in found:
            n.users.setdefault(self)

    @property
    def stack_trace(self):
        return self.meta.get("stack_trace", None)

    @stack_trace.setter
    def stack_trace(self, trace):
        self.meta["stack_trace"] = trace

    def __repr__(self):
        return self.name

    def _rename(self, candidate):
        if candidate == self.name:
            return
        name = self.graph._graph_namespace.create_name(candidate, None)
        self.name = name
        self.graph._graph_namespace._rename_object(self, name)

    def replace_all_uses_with(self, replace_with, delete_user_cb=lambda user: True, *, propagate_meta=False):
        """Make every user of this node use `replace_with` instead; returns the users changed."""
        if propagate_meta:
            if len(replace_with.meta) != 0:
                raise AssertionError("Called node.replace_all_uses_with(replace_with, propagate_meta=True), "
                                     "but replace_with already has .meta keys")
            replace_with.meta.update(self.meta)
        to_process = list(self.users)
        skipped = []
        for user in to_process:
            if user is replace_with or not delete_user_cb(user):
                skipped.append(user)
                continue
            user._replace_input(self, replace_with)
        return [n for n in to_process if n not in skipped]

    def replace_input_with(self, old_input, new_input):
        """Use `new_input` wherever this node's args/kwargs used `old_input`."""
        self._replace_input(old_input, new_input)

    def _replace_input(self, old, new):
        fn = lambda n: new if n is old else n      # noqa: E731
        self._update_args_kwargs(map_arg(self._args, fn), map_arg(self._kwargs, fn))

    def is_impure(self, impure_random=True):
        if self.op in ("placeholder", "output"):
            return True
        if self.op == "call_function":
            return self.target in _side_effectful_functions
        if self.op == "call_method":
            return isinstance(self.target, str) and self.target.endswith("_") and not self.target.endswith("__")
        if self.op == "call_module":
            mod = self.graph.owning_module
            if mod is None:
                return False
            try:
                target_mod = mod.get_submodule(self.target)
            except AttributeError:
                return False
            return getattr(target_mod, "_is_impure", False)
        return False

    def format_node(self, placeholder_names=None, maybe_return_typename=None):
        """The line Graph's printed form shows for this node."""
        typename = f"{_type_repr(self.type)} " if self.type is not None else ""
        head = f"%{self.name} : {typename}[num_users={len(self.users)}] = "
        if self.op == "placeholder":
            if placeholder_names is not None:
                placeholder_names.append(self.target + (f": {_type_repr(self.type)}" if self.type else ""))
                return None
            default = f"(default={self.args[0]})" if self.args else ""
            return f"{head}placeholder[target={self.target}]{default}"
        if self.op == "get_attr":
            return f"{head}get_attr[target={self.target}]"
        if self.op == "output":
            if self.type is not None and maybe_return_typename is not None:
                maybe_return_typename[0] = f" -> {_type_repr(self.type)}"
            return f"return {self.args[0]}"
        return (f"{head}{self.op}[target={_pretty_target(self.target)}](args = {_format_arg(self.args)}, "
                f"kwargs = {_format_arg(self.kwargs)})")

