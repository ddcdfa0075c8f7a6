"""torch.fx._symbolic_trace: Tracer, symbolic_trace and wrap.

Tracing runs the module's forward with Proxies for its inputs. Torch functions reach Proxy.__torch_function__
through the __torch_function__ protocol, operators and methods hit Proxy's own methods, and while tracing
Module.__call__ / Module.__getattr__ are patched so leaf modules become call_module nodes and parameters get_attr
nodes.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import math

from .graph import Graph
from .graph_module import GraphModule
from .node import map_aggregate
from .proxy import Proxy, TracerBase, _ProtocolOn

__all__ = ["Tracer", "symbolic_trace", "wrap", "PH", "PHBase", "is_fx_tracing"]

_wrapped_fns_to_patch = {}        # (id(globals), name) -> globals
_wrapped_methods_to_patch = []
_is_fx_tracing_flag = False


def is_fx_tracing():
    return _is_fx_tracing_flag


class PHBase:
    """Marks a concrete_args entry that stays a placeholder."""

    def __repr__(self):
        return "PH"


PH = PHBase()


def wrap(fn_or_name):
    """At module scope: calls to this global function are recorded as call_function nodes instead of traced
    through."""
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    if callable(fn_or_name):
        if isinstance(fn_or_name, str):
            raise AssertionError("wrap must be called at the top level of a module")
        fn_name = fn_or_name.__name__
    else:
        fn_name = fn_or_name
    caller = inspect.currentframe().f_back
    if caller.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    g = caller.f_globals
    _wrapped_fns_to_patch[(id(g), fn_name)] = g
    return fn_or_name


class _Patcher:
    def __init__(self):
        self._undo = []
        self.visited = set()

    def patch(self, frame_dict, name, new_fn):
        if name in frame_dict:
            self._undo.append((frame_dict, name, frame_dict[name], True))
        else:
            self._undo.append((frame_dict, name, None, False))
        frame_dict[name] = new_fn

    def patch_method(self, cls, name, new_fn):
        self._undo.append((cls, name, cls.__dict__.get(name), name in cls.__dict__))
        setattr(cls, name, new_fn)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        while self._undo:
            obj, name, old, had = self._undo.pop()
            if isinstance(obj, dict):
                if had:
                    obj[name] = old
                else:
                    obj.pop(name, None)
            elif had:
                setattr(obj, name, old)
            else:
                delattr(obj, name)


def _find_proxy(*objs):
    found = []

    def f(x):
        if isinstance(x, Proxy) and not found:
            found.append(x)
        return x
    map_aggregate(objs, f)
    return found[0] if found else None


def _create_wrapped_func(orig_fn):
    @functools.wraps(orig_fn)
    def wrapped(*args, **kwargs):
        proxy = _find_proxy(args, kwargs)
        if proxy is not None:
            rv = proxy.tracer.create_proxy("call_function", orig_fn, args, kwargs)
            rv.node.meta["is_wrapped"] = True
            return rv
        return orig_fn(*args, **kwargs)
    return wrapped


class Tracer(TracerBase):
    """Symbolic tracer: `trace(root)` returns the Graph of root's forward (or of a function).
    Override `is_leaf_module` to choose which submodules stay call_module nodes."""

    def __init__(self, autowrap_modules=(math,), autowrap_functions=(), param_shapes_constant=False):
        super().__init__()
        self._autowrap_function_ids = {id(v) for m in autowrap_modules for name, v in m.__dict__.items()
                                       if not name.startswith("_") and callable(v)}
        self._autowrap_function_ids.update(id(f) for f in autowrap_functions)
        self._autowrap_search = list(autowrap_modules)
        self.param_shapes_constant = param_shapes_constant
        self.submodule_paths = None
        self.root_module_name = ""
        self.scope = None
        self.module_stack = {}
        self.node_name_to_scope = {}
        self.proxy_buffer_attributes = True

    def create_arg(self, a):
        import torchlike
        from ..nn.parameter import Parameter
        if isinstance(a, Parameter):
            for n_, p in self.root.named_parameters():
                if a is p:
                    return self.create_node("get_attr", n_, (), {})
            raise NameError("parameter is not a member of this module")
        if isinstance(a, torchlike.Tensor):
            for n_, p in self.root.named_buffers():
                if a is p:
                    return self.create_node("get_attr", n_, (), {})
            qualname = self.tensor_attrs.get(id(a)) if hasattr(self, "tensor_attrs") else None
            if qualname is None:
                i = 0
                while True:
                    qualname = f"_tensor_constant{i}"
                    if not hasattr(self.root, qualname):
                        break
                    i += 1
                self.tensor_attrs[id(a)] = qualname
                setattr(self.root, qualname, a)
            return self.create_node("get_attr", qualname, (), {})
        return super().create_arg(a)

    def is_leaf_module(self, m, module_qualified_name):
        """Modules of torch.nn (but not Sequential) are leaves; user modules are traced through."""
        from ..nn.modules.container import Sequential
        mod = type(m).__module__
        return (mod.startswith("torchlike.nn") or mod.startswith("torch.nn")) and not isinstance(m, Sequential)

    def path_of_module(self, mod):
        if self.submodule_paths:
            path = self.submodule_paths.get(id(mod))
            if path is None:
                raise NameError("module is not installed as a submodule")
            return path
        for n, p in self.root.named_modules():
            if mod is p:
                return n
        raise NameError("module is not installed as a submodule")

    def call_module(self, m, forward, args, kwargs):
        """A leaf becomes one call_module node; any other module's forward is traced through."""
        name = self.path_of_module(m)
        if not self.is_leaf_module(m, name):
            return forward(*args, **kwargs)
        return self.create_proxy("call_module", name, args, kwargs)

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """A module attribute read during tracing: parameters (and buffers) become get_attr proxies."""
        import torchlike
        from ..nn.parameter import Parameter

        def lookup(named):
            for n, p in named:
                if attr_val is p:
                    if n not in parameter_proxy_cache:
                        kwargs = {}
                        if self.param_shapes_constant:
                            from .proxy import ParameterProxy
                            kwargs["proxy_factory_fn"] = lambda node: ParameterProxy(self, node, n, attr_val)
                        parameter_proxy_cache[n] = self.create_proxy("get_attr", n, (), {}, **kwargs)
                    return parameter_proxy_cache[n]
            return None
        if isinstance(attr_val, Parameter):
            r = lookup(self.root.named_parameters())
            if r is not None:
                return r
        if self.proxy_buffer_attributes and isinstance(attr_val, torchlike.Tensor):
            r = lookup(self.root.named_buffers())
            if r is not None:
                return r
        return attr_val

    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        fn_for_analysis = inspect.unwrap(root_fn)
        co = fn_for_analysis.__code__
        total = co.co_argcount + co.co_kwonlyargcount
        names = list(co.co_varnames)
        skip_self = 1 if is_module else 0
        if is_module and total == 0:
            raise RuntimeError("``self`` argument cannot be part of *args expansion!")
        sig = inspect.signature(fn_for_analysis)
        concrete_args = dict(concrete_args or {})
        if isinstance(concrete_args, tuple):
            concrete_args = {names[skip_self + i]: v for i, v in enumerate(concrete_args)}
        anns = getattr(fn_for_analysis, "__annotations__", {})
        args = [self.root] if is_module else []

        def placeholder(name):
            if name in concrete_args:
                val = concrete_args[name]
                if isinstance(val, PHBase):
                    return self.create_proxy("placeholder", name, (), {}, type_expr=anns.get(name))
                return val
            p = sig.parameters[name.lstrip("*")]
            default = () if p.default is inspect.Parameter.empty else (p.default,)
            return self.create_proxy("placeholder", name, default, {}, type_expr=anns.get(name.lstrip("*")))
        args.extend(placeholder(names[i]) for i in range(skip_self, total))
        if co.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
            raise NotImplementedError("torchlike.fx: tracing a function with *args or **kwargs is not supported")
        return root_fn, args

    def trace(self, root, concrete_args=None):
        """Trace `root` (a Module or a function) into a Graph."""
        global _is_fx_tracing_flag
        from ..nn.modules.module import Module
        old_flag = _is_fx_tracing_flag
        _is_fx_tracing_flag = True
        try:
            if isinstance(root, Module):
                self.root = root
                fn = getattr(type(root), self.traced_func_name)
                self.root_module_name = root._get_name()
                self.submodule_paths = {id(mod): name for name, mod in root.named_modules()}
            else:
                self.root = Module()
                fn = root
            self.graph = Graph(tracer_cls=getattr(self, "__class__", None))
            self.tensor_attrs = {}

            def collect(m, prefix):
                for k, v in m.__dict__.items():
                    if _is_tensor(v):
                        self.tensor_attrs[id(v)] = ".".join(prefix + [k])
                for k, v in m.named_children():
                    collect(v, prefix + [k])
            collect(self.root, [])
            fn_globals = getattr(fn, "__globals__", {})
            fn, args = self.create_args_for_root(fn, isinstance(root, Module), concrete_args)
            parameter_proxy_cache = {}
            orig_getattr = Module.__getattr__
            orig_call = Module.__call__
            tracer = self

            def module_getattr_wrapper(mod, attr):
                attr_val = orig_getattr(mod, attr)
                return tracer.getattr(attr, attr_val, parameter_proxy_cache)

            def module_call_wrapper(mod, *args, **kwargs):
                def forward(*a, **k):
                    return orig_call(mod, *a, **k)
                return tracer.call_module(mod, forward, args, kwargs)

            with _Patcher() as patcher, _ProtocolOn():
                patcher.patch_method(Module, "__getattr__", module_getattr_wrapper)
                patcher.patch_method(Module, "__call__", module_call_wrapper)
                self._patch_wrapped_functions(patcher, fn_globals)
                result = fn(*args)
                self.create_node("output", "output", (self.create_arg(result),), {},
                                 type_expr=getattr(fn, "__annotations__", {}).get("return", None))
            self.submodule_paths = None
        finally:
            _is_fx_tracing_flag = old_flag
        return self.graph

    def _patch_wrapped_functions(self, patcher, fn_globals):
        for (_, name), g in list(_wrapped_fns_to_patch.items()):
            if name not in g and hasattr(builtins, name):
                orig = getattr(builtins, name)
            elif name in g:
                orig = g[name]
            else:
                continue
            patcher.patch(g, name, _create_wrapped_func(orig))
        for name, value in list(fn_globals.items()):
            if not name.startswith("_") and callable(value) and id(value) in self._autowrap_function_ids:
                patcher.patch(fn_globals, name, _create_wrapped_func(value))

    def __getstate__(self):
        d = self.__dict__.copy()
        d.pop("_autowrap_search", None)
        return d


def _is_tensor(v):
    import torchlike
    return isinstance(v, torchlike.Tensor)


def symbolic_trace(root, concrete_args=None):
    """Trace a Module or function into a GraphModule."""
    from ..nn.modules.module import Module
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = root.__class__.__name__ if isinstance(root, Module) else root.__name__
    return GraphModule(tracer.root, graph, name)
