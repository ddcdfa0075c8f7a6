"""torch.fx.graph_module: GraphModule, a Module whose forward is Python code generated from a Graph."""
from __future__ import annotations

import copy
import itertools
import linecache

from ..nn.modules.module import Module

__all__ = ["GraphModule", "reduce_graph_module"]

_next_id = itertools.count()
_READABLE_HINT = "# To see more debug info, please use `graph_module.print_readable()`"


def _exec_with_source(src, globals_):
    key = f"<eval_with_key>.{next(_next_id)}"
    linecache.cache[key] = (len(src), None, src.splitlines(True), key)
    exec(compile(src, key, "exec"), globals_)


def _forward_from_src(src, globals_):
    globals_copy = dict(globals_)
    _exec_with_source(src, globals_copy)
    return globals_copy["forward"]


def _copy_attr(from_module, to_module, target):
    *prefix, field = target.split(".")
    for item in prefix:
        f = getattr(from_module, item)
        t = getattr(to_module, item, None)
        if f is t:
            return
        if t is None:
            t = Module()
            setattr(to_module, item, t)
        from_module, to_module = f, t
    orig = getattr(from_module, field)
    _install(to_module, field, orig)


def _install(to_module, field, value):
    from .._tensor import Tensor
    from ..nn.parameter import Parameter
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        to_module.register_buffer(field, value)
    else:
        setattr(to_module, field, value)


def _assign_attr(from_obj, to_module, target):
    *prefix, field = target.split(".")
    for item in prefix:
        t = getattr(to_module, item, None)
        if t is None:
            t = Module()
            setattr(to_module, item, t)
        to_module = t
    _install(to_module, field, from_obj)


def _import_block(globals_):
    """Source lines that recreate the generated code's globals (used when unpickling)."""
    import math
    lines = ["import torchlike as torch", "from math import inf, nan", "NoneType = type(None)"]
    for name, obj in globals_.items():
        if name in ("torch", "inf", "nan", "NoneType") or obj is math.inf:
            continue
        mod, qn = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if mod and qn and "<" not in qn:
            head, _, tail = qn.partition(".")
            lines.append(f"from {mod} import {head} as {name}" if not tail else
                         f"from {mod} import {head} as _{name}_root\n{name} = _{name}_root.{tail}")
    return "\n".join(lines) + "\n"


def reduce_graph_module(body, import_block):
    """Unpickling: rebuild the GraphModule from its state and the generated code."""
    fn_src = body.get("_code")
    forward = _forward_from_src(import_block + fn_src, {})
    return _deserialize_graph_module(forward, body)


def _deserialize_graph_module(forward, body):
    from ._symbolic_trace import Tracer

    class CodeOnlyModule(Module):
        def __init__(self, body):
            super().__init__()
            self.__dict__ = body

    CodeOnlyModule.forward = forward

    class KeepModules(Tracer):
        def is_leaf_module(self, m, qualname):
            return True
    com = CodeOnlyModule(body)
    graph = KeepModules().trace(com)
    return GraphModule(com, graph)


class GraphModule(Module):
    """A Module built from a root (a Module or a dict of attributes) and a Graph: it owns the submodules and
    parameters the graph refers to, and its forward is the code generated from the graph."""

    def __new__(cls, *args, **kwargs):
        for t in cls.__mro__:
            if t.__qualname__.split(".")[-1] != "GraphModuleImpl":
                cls = t
                break

        class GraphModuleImpl(cls):
            pass
        return super().__new__(GraphModuleImpl)

    def __init__(self, root, graph, class_name="GraphModule"):
        super().__init__()
        self.__class__.__name__ = class_name
        self.__class__.__qualname__ = class_name
        if isinstance(root, Module):
            if hasattr(root, "training"):
                self.training = root.training
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    _copy_attr(root, self, node.target)
        elif isinstance(root, dict):
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    if node.target not in root:
                        raise RuntimeError(f"Node {node} referenced target {node.target} but that target was "
                                           "not provided in ``root``!")
                    _assign_attr(root[node.target], self, node.target)
        else:
            raise RuntimeError("Unsupported type " + str(root) + " passed for root!")
        self.graph = graph
        self._tracer_cls = graph._tracer_cls if graph._tracer_cls and "<locals>" not in \
            graph._tracer_cls.__qualname__ else None
        self.meta = {}

    @property
    def graph(self):
        return self._graph

    @graph.setter
    def graph(self, g):
        self.__dict__["_graph"] = g
        g.owning_module = self
        self.recompile()

    @property
    def code(self):
        if not hasattr(self, "_code"):
            raise RuntimeError("Code has not been generated! Please report a bug to PyTorch")
        return self._code

    def recompile(self):
        """Regenerate `code` (and forward) from `graph`; call it after editing the graph."""
        python_code = self._graph.python_code(root_module="self")
        self.__dict__["_code"] = python_code.src
        self.__dict__["_graphmodule_cls_name"] = self.__class__.__name__
        cls = type(self)
        cls.forward = _forward_from_src(self._code, python_code.globals)
        return python_code

    def print_readable(self, print_output=True, include_stride=False, include_device=False, colored=False,
                       **kwargs):
        """The generated code as a class definition (submodules that are GraphModules nested)."""
        name = self.__class__.__name__
        src = self._graph.python_code(root_module="self", verbose=True).src.lstrip("\n")
        lines = [f"class {name}(torch.nn.Module):"]
        for sub_name, sub in self.named_children():
            if isinstance(sub, GraphModule):
                inner = sub.print_readable(print_output=False).split("\n")
                inner[0] = inner[0].replace(f"class {sub.__class__.__name__}", f"class {sub_name}", 1)
                lines.extend("    " + ln for ln in inner)
        lines.extend("    " + ln for ln in src.split("\n"))
        out = "\n".join(lines)
        if out.endswith(" "):
            out = out.rstrip(" ")
        if print_output:
            print(out)
        return out

    def __str__(self):
        return "\n".join([super().__str__(), self._code, _READABLE_HINT])

    def __repr__(self):
        return super().__repr__()

    def __reduce__(self):
        dict_without_graph = self.__dict__.copy()
        python_code = self.recompile()
        del dict_without_graph["_graph"]
        dict_without_graph.pop("_compiled_call_impl", None)
        return (reduce_graph_module, (dict_without_graph, _import_block(python_code.globals)))

    def __deepcopy__(self, memo):
        res = Module.__new__(Module)
        memo[id(self)] = res
        fake_mod = Module()
        fake_mod.__dict__ = copy.deepcopy(self.__dict__, memo)
        new_gm = GraphModule(fake_mod, fake_mod.__dict__["_graph"])
        for k in ("meta", "training", "_tracer_cls"):
            if k in fake_mod.__dict__:
                new_gm.__dict__[k] = fake_mod.__dict__[k]
        res.__class__ = type(new_gm)
        res.__dict__ = new_gm.__dict__
        res._graph.owning_module = res
        return res

    def __copy__(self):
        res = GraphModule(self, self.graph, self.__class__.__name__)
        res.meta = getattr(self, "meta", {})
        return res

    # --- submodule editing ------------------------------------------------------------------------------------
    def add_submodule(self, target, m):
        """Install `m` at the dotted path `target` (creating empty Modules on the way); False if an attribute on
        the way is not a Module."""
        *prefix, field = target.split(".")
        mod = self
        for item in prefix:
            submod = getattr(mod, item, None)
            if submod is None:
                submod = Module()
                setattr(mod, item, submod)
            if not isinstance(submod, Module):
                return False
            mod = submod
        mod.add_module(field, m)
        return True

    def delete_submodule(self, target):
        """Remove the submodule at `target`; False when there is none."""
        atoms = target.split(".")
        path, target_submod = atoms[:-1], atoms[-1]
        mod = self
        for item in path:
            if not hasattr(mod, item):
                return False
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                return False
        if not hasattr(mod, target_submod):
            return False
        if not isinstance(getattr(mod, target_submod), Module):
            return False
        delattr(mod, target_submod)
        return True

    def delete_all_unused_submodules(self):
        used = []
        for node in self.graph.nodes:
            if node.op in ("call_module", "get_attr"):
                fullpath = node.target.split(".")
                used.extend(".".join(fullpath[:i]) for i in range(1, len(fullpath) + 1))
        to_delete = [name for name, _ in self.named_modules() if name and name not in used]
        for name in to_delete:
            self.delete_submodule(name)

    def to_folder(self, folder, module_name="FxModule"):
        """Write the module as `module.py` plus `state_dict.pt` into `folder`."""
        import os
        from .. import save
        os.makedirs(folder, exist_ok=True)
        save(self.state_dict(), os.path.join(folder, "state_dict.pt"))
        mods = "\n".join(f"        self.{n} = torch.load(r'{os.path.join(folder, n + '.pt')}', weights_only=False)"
                         for n, _ in self.named_children())
        for n, m in self.named_children():
            save(m, os.path.join(folder, n + ".pt"))
        src = (f"import torch\n\n\nclass {module_name}(torch.nn.Module):\n    def __init__(self):\n"
               f"        super().__init__()\n{mods}\n"
               f"        self.load_state_dict(torch.load(r'{os.path.join(folder, 'state_dict.pt')}'), strict=False)\n"
               + "\n".join("    " + ln for ln in self._code.split("\n")) + "\n")
        with open(os.path.join(folder, "module.py"), "w") as f:
            f.write(src)
        with open(os.path.join(folder, "__init__.py"), "w") as f:
            f.write("from .module import *\n")
