"""torch.fx.graph: Graph (a linked list of Nodes) and its Python code generation."""
from __future__ import annotations

import builtins
import copy
import inspect
import keyword
import math
import re
from dataclasses import dataclass

from .node import Node, _get_qualified_name, _torch_name, _type_repr, map_arg

__all__ = ["Graph", "PythonCode", "CodeGen"]

_illegal_names = {k: object() for k in keyword.kwlist}
_illegal_names.update(builtins.__dict__)
_name_regex = re.compile(r"^([a-zA-Z_][0-9a-zA-Z_]*?)(?:_(\d+))?$")
_illegal_char_regex = re.compile("[^0-9a-zA-Z_]+")
_snake = re.compile(r"(?<=[a-z])([A-Z])")

reflectable_magic_methods = {
    "add": "{} + {}", "sub": "{} - {}", "mul": "{} * {}", "floordiv": "{} // {}", "truediv": "{} / {}",
    "div": "{} / {}", "mod": "{} % {}", "pow": "{} ** {}", "lshift": "{} << {}", "rshift": "{} >> {}",
    "and_": "{} & {}", "or_": "{} | {}", "xor": "{} ^ {}", "getitem": "{}[{}]", "matmul": "{} @ {}",
}
magic_methods = {"eq": "{} == {}", "ne": "{} != {}", "lt": "{} < {}", "gt": "{} > {}", "le": "{} <= {}",
                 "ge": "{} >= {}", "pos": "+{}", "neg": "-{}", "invert": "~{}", **reflectable_magic_methods}


class _Namespace:
    """Unique Python identifiers for nodes and globals (no shadowing of builtins or keywords)."""

    def __init__(self):
        self._obj_to_name = {}
        self._used_names = set()
        self._base_count = {}

    def create_name(self, candidate, obj):
        if obj is not None and obj in self._obj_to_name:
            return self._obj_to_name[obj]
        match = _name_regex.match(candidate)
        if match is None:
            candidate = _illegal_char_regex.sub("_", candidate) or "_unnamed"
            if candidate[0].isdigit():
                candidate = f"_{candidate}"
            match = _name_regex.match(candidate)
        base, num = match.group(1, 2)
        if num is None or candidate in self._used_names:
            num = self._base_count.get(base, 0)
            if _illegal_names.get(candidate, obj) is not obj:
                num += 1
                candidate = f"{base}_{num}"
        else:
            num = int(num)
        while candidate in self._used_names:
            num += 1
            candidate = f"{base}_{num}"
        self._used_names.add(candidate)
        self._base_count[base] = num
        if obj is not None:
            self._obj_to_name[obj] = candidate
        return candidate

    def associate_name_with_obj(self, name, obj):
        self._obj_to_name.setdefault(obj, name)

    def _rename_object(self, obj, name):
        self._obj_to_name[obj] = name
        self._used_names.add(name)


@dataclass
class PythonCode:
    """Source of the generated `forward` and the globals it runs in."""
    src: str
    globals: dict
    _lineno_map: dict = None


def _format_target(base, target):
    r = base
    for e in target.split("."):
        r = f"{r}.{e}" if e.isidentifier() else f'getattr({r}, "{e}")'
    return r


class CodeGen:
    """Turns a Graph into the source of a Python function."""

    def __init__(self):
        self._func_name = "forward"

    def gen_fn_def(self, free_vars, maybe_return_annotation):
        if len(free_vars) == 0 or free_vars[0] != "self":
            free_vars.insert(0, "self")
        return f"def {self._func_name}({', '.join(free_vars)}){maybe_return_annotation}:"

    def generate_output(self, output_args, repr_fn=repr):
        return f"return {repr_fn(output_args)}"

    def _gen_python_code(self, nodes, root_module, namespace, verbose=False):
        import torchlike
        free_vars, body, wrapped = [], [], {}
        globals_ = {"torch": torchlike, "inf": math.inf, "nan": math.nan, "NoneType": type(None)}
        ret_ann = [""]

        def add_global(name_hint, obj):
            tn = _torch_name(obj) if name_hint.startswith("torch.") else None
            if tn is not None:
                return tn
            if getattr(builtins, name_hint, None) is obj:
                return name_hint
            name = namespace.create_name(name_hint, obj)
            globals_[name] = obj
            return name

        def type_repr(t):
            if isinstance(t, type) and _torch_name(t) is None and t.__module__ != "builtins":
                return add_global(t.__name__, t)
            return _type_repr(t)

        def _get_repr(a):
            if isinstance(a, Node):
                return repr(a)
            if isinstance(a, tuple) and hasattr(a, "_fields"):
                return f"{add_global(_get_qualified_name(type(a)), type(a))}{repr(tuple(a))}"
            if isinstance(a, torchlike.Tensor):
                return f"torch.Tensor(size={list(a.size())}, dtype={str(a.dtype).split('.')[-1]})"
            if isinstance(a, tuple):
                return f"({_get_repr(a[0])},)" if len(a) == 1 else "(" + ", ".join(_get_repr(x) for x in a) + ")"
            if isinstance(a, list):
                return "[" + ", ".join(_get_repr(x) for x in a) + "]"
            if isinstance(a, slice):
                return f"slice({_get_repr(a.start)}, {_get_repr(a.stop)}, {_get_repr(a.step)})"
            if isinstance(a, dict):
                return "{" + ", ".join(f"{_get_repr(k)}: {_get_repr(v)}" for k, v in a.items()) + "}"
            return repr(a)

        def _format_args(args, kwargs):
            return ", ".join([_get_repr(a) for a in args] + [f"{k} = {_get_repr(v)}" for k, v in kwargs.items()])

        last_use, to_free = {}, {}
        for node in reversed(nodes):
            for inp in node._input_nodes:
                if inp not in last_use:
                    last_use[inp] = node
                    to_free.setdefault(node, []).append(inp)

        def free(user):
            if user.op == "placeholder":
                return
            if user.op == "output":
                body.append("\n")
                return
            dead = list(to_free.get(user, []))
            if len(user.users) == 0:
                dead.append(user)
            body.append(";  " + " = ".join([repr(n) for n in dead] + ["None"]) + "\n" if dead else "\n")

        def emit(node):
            ann = "" if node.type is None else f" : {type_repr(node.type)}"
            if node.op == "placeholder":
                default = "" if not node.args else f" = {_get_repr(node.args[0])}"
                free_vars.append(f"{node.target}{ann}{default}")
                raw = node.target.replace("*", "")
                if raw != repr(node):
                    body.append(f"{repr(node)} = {raw}\n")
            elif node.op == "call_method":
                body.append(f"{repr(node)}{ann} = {_format_target(_get_repr(node.args[0]), node.target)}"
                            f"({_format_args(node.args[1:], node.kwargs)})")
            elif node.op == "call_function":
                t = node.target
                if getattr(t, "__module__", "") == "_operator" and t.__name__ in magic_methods:
                    body.append(f"{repr(node)}{ann} = "
                                f"{magic_methods[t.__name__].format(*(_get_repr(a) for a in node.args))}")
                    return
                gname = add_global(_get_qualified_name(t), t)
                if gname == "getattr" and len(node.args) == 2 and isinstance(node.args[1], str) \
                        and node.args[1].isidentifier():
                    body.append(f"{repr(node)}{ann} = {_format_target(_get_repr(node.args[0]), node.args[1])}")
                    return
                body.append(f"{repr(node)}{ann} = {gname}({_format_args(node.args, node.kwargs)})")
                if node.meta.get("is_wrapped", False):
                    wrapped.setdefault(gname)
            elif node.op == "call_module":
                body.append(f"{repr(node)}{ann} = {_format_target(root_module, node.target)}"
                            f"({_format_args(node.args, node.kwargs)})")
            elif node.op == "get_attr":
                body.append(f"{repr(node)}{ann} = {_format_target(root_module, node.target)}")
            elif node.op == "output":
                if node.type is not None:
                    ret_ann[0] = f" -> {type_repr(node.type)}"
                body.append(self.generate_output(node.args[0], repr_fn=_get_repr))
            else:
                raise NotImplementedError(f"node: {node.op} {node.target}")

        stack_note = verbose
        for node in nodes:
            if stack_note and node.op not in ("placeholder", "output"):
                body.append("# No stacktrace found for following nodes\n")
                stack_note = False
            emit(node)
            free(node)
        if not body:
            body.append("pass\n")
        wrap_stmts = ""
        if wrapped:
            wname = add_global("torch.fx.wrap", _wrap_fn())
            wrap_stmts = "\n".join(f'{wname}("{n}")' for n in wrapped)
        prologue = self.gen_fn_def(free_vars, ret_ann[0])
        code = "".join(body).lstrip("\n")
        code = "\n".join("    " + line for line in code.split("\n"))
        return PythonCode(f"\n{wrap_stmts}\n\n{prologue}\n{code}", globals_)


def _wrap_fn():
    from ._symbolic_trace import wrap
    return wrap


class _InsertPoint:
    def __init__(self, graph, new_insert):
        self.graph = graph
        self.orig_insert, graph._insert = graph._insert, new_insert

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        self.graph._insert = self.orig_insert


class _NodeList:
    def __init__(self, graph, direction="_next"):
        self._graph = graph
        self._direction = direction

    def __len__(self):
        return self._graph._len

    def __iter__(self):
        root = self._graph._root
        cur = getattr(root, self._direction)
        while cur is not root:
            nxt = getattr(cur, self._direction)     # read first: the body may erase or move `cur`
            if not cur._erased:
                yield cur
            cur = nxt

    def __reversed__(self):
        return _NodeList(self._graph, "_prev" if self._direction == "_next" else "_next").__iter__()


class Graph:
    """A list of Nodes in program order; `python_code` turns it into the source of a forward function."""

    def __init__(self, owning_module=None, tracer_cls=None, tracer_extras=None):
        self._root = Node(self, "", "root", "", (), {})
        self._used_names = {}
        self._insert = self._root.prepend
        self._len = 0
        self._graph_namespace = _Namespace()
        self._owning_module = owning_module
        self._tracer_cls = tracer_cls
        self._tracer_extras = tracer_extras
        self._codegen = CodeGen()
        self._co_fields = {}

    @property
    def owning_module(self):
        return self._owning_module

    @owning_module.setter
    def owning_module(self, mod):
        self._owning_module = mod

    @property
    def nodes(self):
        return _NodeList(self)

    def find_nodes(self, *, op, target=None, sort=True):
        return [n for n in self.nodes if n.op == op and (target is None or n.target == target)]

    # --- building ---------------------------------------------------------------------------------------------
    def _target_to_str(self, target):
        if callable(target):
            op = target.__name__
        else:
            op = target
            if op.startswith("__") and op.endswith("__"):
                op = op[2:-2]
        return _snake.sub(r"_\1", op).lower()

    def create_node(self, op, target, args=None, kwargs=None, name=None, type_expr=None):
        args = () if args is None else args
        kwargs = {} if kwargs is None else kwargs
        if not isinstance(args, tuple):
            raise AssertionError("args must be a tuple")
        if not isinstance(kwargs, dict):
            raise AssertionError("kwargs must be a dict")
        candidate = name if name is not None else self._target_to_str(target)
        name = self._graph_namespace.create_name(candidate, None)
        n = Node(self, name, op, target, args, kwargs, type_expr)
        self._graph_namespace.associate_name_with_obj(name, n)
        self._insert(n)
        self._len += 1
        return n

    def placeholder(self, name, type_expr=None, default_value=inspect.Signature.empty):
        args = () if default_value is inspect.Signature.empty else (default_value,)
        return self.create_node("placeholder", name, args=args, type_expr=type_expr)

    def get_attr(self, qualified_name, type_expr=None):
        return self.create_node("get_attr", qualified_name, type_expr=type_expr)

    def call_module(self, module_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_module", module_name, args, kwargs, type_expr=type_expr)

    def call_method(self, method_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_method", method_name, args, kwargs, type_expr=type_expr)

    def call_function(self, the_function, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_function", the_function, args, kwargs, type_expr=type_expr)

    def output(self, result, type_expr=None):
        return self.create_node(op="output", target="output", args=(result,), type_expr=type_expr)

    def node_copy(self, node, arg_transform=lambda x: x):
        args = map_arg(node.args, arg_transform)
        kwargs = map_arg(node.kwargs, arg_transform)
        result = self.create_node(node.op, node.target, args, kwargs, node.name, node.type)
        result.meta = copy.copy(node.meta)
        return result

    def graph_copy(self, g, val_map, return_output_node=False):
        """Copy the nodes of `g` into this graph (val_map: old node -> new node, filled in); returns the value
        the copied graph outputs."""
        for node in g.nodes:
            if node in val_map:
                continue
            if node.op == "output":
                rv = map_arg(node.args[0], lambda n: val_map[n])
                return (rv, node) if return_output_node else rv
            val_map[node] = self.node_copy(node, lambda n: val_map[n])
        return None

    def __deepcopy__(self, memo=None):
        memo = memo if memo is not None else {}
        g = Graph(tracer_cls=self._tracer_cls)
        out = g.graph_copy(self, val_map=memo, return_output_node=True)
        g._codegen = copy.deepcopy(self._codegen)
        if out is not None:
            val, old = out
            new = g.output(val, type_expr=getattr(old, "type", None))
            new.meta = copy.copy(old.meta)
        return g

    def inserting_before(self, n=None):
        if n is None:
            return self.inserting_after(self._root)
        return _InsertPoint(self, n.prepend)

    def inserting_after(self, n=None):
        if n is None:
            return self.inserting_before(self._root)
        return _InsertPoint(self, n.append)

    def erase_node(self, to_erase):
        if len(to_erase.users) > 0:
            raise RuntimeError(f"Tried to erase Node {to_erase} but it still had {len(to_erase.users)} "
                               f"users in the graph: {to_erase.users}!")
        if to_erase.graph is not self:
            raise RuntimeError(f"Attempting to remove {to_erase} from wrong graph!")
        if to_erase._erased:
            return
        to_erase._remove_from_list()
        to_erase._erased = True
        self._len -= 1
        to_erase._update_args_kwargs(map_arg(to_erase._args, lambda n: None),
                                     map_arg(to_erase._kwargs, lambda n: None))

    def eliminate_dead_code(self, is_impure_node=None):
        """Erase the nodes whose values nobody uses (and that have no side effect); True if any was erased."""
        self.lint()
        changed = False
        for node in reversed(self.nodes):
            impure = is_impure_node(node) if is_impure_node is not None else node.is_impure()
            if not impure and len(node.users) == 0:
                self.erase_node(node)
                changed = True
        return changed

    # --- checking and printing ------------------------------------------------------------------------------
    def lint(self):
        """Check the graph's invariants (ops, ownership, definition before use, unique names, targets)."""
        seen_values, seen_names = set(), set()
        for node in self.nodes:
            if node.graph is not self:
                raise RuntimeError(f"Node '{node}' does not belong to this Graph!")
            for arg in node._input_nodes:
                if arg.graph is not self:
                    raise RuntimeError(f"Argument '{arg}' of Node '{node}' does not belong to this Graph, but was "
                                       "used as an argument! If you are copying nodes from another graph, make "
                                       "sure to use ``arg_transform`` on node_copy() to remap values\n"
                                       f"{self}")
                if arg not in seen_values:
                    raise RuntimeError(f"Argument '{arg}' of Node '{node}' was used before it has been defined! "
                                       f"Please check that Nodes in the graph are topologically ordered\n{self}")
            seen_values.add(node)
            if node.name in seen_names:
                raise RuntimeError(f"Node redefined name {node.name}!")
            seen_names.add(node.name)
        mod = self.owning_module
        if mod is None:
            return
        for node in self.nodes:
            if node.op not in ("get_attr", "call_module"):
                continue
            obj = mod
            for i, atom in enumerate(node.target.split(".")):
                if not hasattr(obj, atom):
                    seen = ".".join(node.target.split(".")[:i])
                    raise RuntimeError(f"Node {node} target {node.target} references nonexistent attribute "
                                       f"{atom} of {seen}")
                obj = getattr(obj, atom)
            from ..nn.modules.module import Module
            if node.op == "call_module" and not isinstance(obj, Module):
                raise RuntimeError(f"Node {node} target {node.target} {atom} of {seen if i else 'root'} does "
                                   "not reference an nn.Module")

    def process_inputs(self, *args):
        return args

    def process_outputs(self, out):
        return out

    def python_code(self, root_module, *, verbose=False, **kwargs):
        namespace = _Namespace()
        for node in self.nodes:
            namespace.create_name(node.name, node)
        return self._codegen._gen_python_code(list(self.nodes), root_module, namespace, verbose=verbose)

    def __str__(self):
        ret = [""]
        lines = [n.format_node(maybe_return_typename=ret) for n in self.nodes]
        s = f"graph(){ret[0]}:"
        for line in lines:
            if line:
                s += "\n    " + line
        return s

    def print_tabular(self):
        try:
            from tabulate import tabulate
        except ImportError:
            print("`print_tabular` relies on the library `tabulate`, which could not be found on this machine. "
                  "Run `pip install tabulate` to install the library.")
            raise
        specs = [[n.op, n.name, n.target, n.args, n.kwargs] for n in self.nodes]
        print(tabulate(specs, headers=["opcode", "name", "target", "args", "kwargs"]))
