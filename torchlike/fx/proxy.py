"""torch.fx.proxy: Proxy (the stand-in value that records every operation applied to it) and TracerBase."""
from __future__ import annotations

import dis
import inspect
import operator
import sys
from bisect import bisect_left

from .graph import Graph, magic_methods, reflectable_magic_methods
from .node import Node, _is_tensor_method, map_aggregate

__all__ = ["TracerBase", "GraphAppendingTracer", "TraceError", "Proxy", "Attribute", "ParameterProxy"]


class TraceError(ValueError):
    pass


class _ProtocolOn:
    """While tracing, torch functions consult __torch_function__ up front (as PyTorch always does for objects
    that define it), so a Proxy argument is recorded before any function body runs on it."""

    def __enter__(self):
        from .. import _torch_function as tf
        tf.S.subclasses += 1
        tf.refresh()
        return self

    def __exit__(self, *exc):
        from .. import _torch_function as tf
        tf.S.subclasses -= 1
        tf.refresh()
        return False


def _base_types():
    import torchlike
    return (str, int, float, bool, complex, type(None), type(Ellipsis), torchlike.dtype, torchlike.Tensor,
            torchlike.device, type(torchlike.contiguous_format), type(torchlike.strided))


class TracerBase:
    """Records operations into `self.graph`: create_proxy -> create_arg (values to graph arguments) ->
    create_node."""
    graph: Graph
    record_stack_traces = False
    check_mutable_operations = False
    trace_asserts = False
    proxy_buffer_attributes = False
    traced_func_name = "forward"
    scope = None
    module_stack = None
    node_name_to_scope = None

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        return self.graph.create_node(kind, target, args, kwargs, name, type_expr)

    def proxy(self, node):
        return Proxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        args_ = self.create_arg(args)
        kwargs_ = self.create_arg(kwargs)
        if not isinstance(args_, tuple):
            raise AssertionError("args must be a tuple")
        if not isinstance(kwargs_, dict):
            raise AssertionError("kwargs must be a dict")
        node = self.create_node(kind, target, args_, kwargs_, name, type_expr)
        return self.proxy(node) if proxy_factory_fn is None else proxy_factory_fn(node)

    def create_arg(self, a):
        """A value as it is stored in a Node's args: Proxies become their Nodes, containers are mapped."""
        if isinstance(a, Proxy):
            return a.node
        if isinstance(a, tuple) and hasattr(a, "_fields"):
            return type(a)(*(self.create_arg(e) for e in a))
        if isinstance(a, (tuple, list)):
            return type(a)(self.create_arg(e) for e in a)
        if isinstance(a, dict):
            r = {}
            for k, v in a.items():
                k = self.create_arg(k)
                if isinstance(k, Node):
                    raise RuntimeError(f"Keys for dictionaries used as an argument cannot contain a Node. Got key: {k}")
                r[k] = self.create_arg(v)
            return r
        if isinstance(a, slice):
            return slice(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, range):
            return range(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, _base_types()) or a is None or a is ...:
            return a
        raise NotImplementedError(f"argument of type: {type(a)}")

    def to_bool(self, obj):
        raise TraceError("symbolically traced variables cannot be used as inputs to control flow")

    def iter(self, obj):
        raise TraceError("Proxy object cannot be iterated. This can be attempted when the Proxy is used in a loop "
                         "or as a *args or **kwargs function argument. See the torch.fx docs on pytorch.org for a "
                         "more detailed explanation of what types of control flow can be traced, and check out the "
                         "Proxy docstring for help troubleshooting Proxy iteration errors")

    def keys(self, obj):
        return Attribute(obj, "keys")()


class GraphAppendingTracer(TracerBase):
    """The tracer of Proxies built directly over a Graph's nodes (appends to that graph)."""

    def __init__(self, graph):
        super().__init__()
        self.graph = graph
        self.scope = None
        self.module_stack = {}
        self.node_name_to_scope = {}


class Proxy:
    """Stands for a value during symbolic tracing; every operation on it adds a Node to the tracer's graph."""

    def __init__(self, node, tracer=None):
        if tracer is None:
            tracer = GraphAppendingTracer(node.graph)
        self.tracer = tracer
        self.node = node

    def __repr__(self):
        return f"Proxy({self.node.name})"

    def __getattr__(self, k):
        if k in ("tracer", "node", "root", "attr", "_node"):
            raise AttributeError(k)
        return Attribute(self, k)

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, d):
        self.__dict__ = d

    def __deepcopy__(self, memo):
        import copy
        new_dict = {}
        for k, v in self.__dict__.items():
            new_dict[k] = v if k in ("tracer", "node") else copy.deepcopy(v, memo)
        new_obj = object.__new__(type(self))
        new_obj.__dict__ = new_dict
        return new_obj

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", "__call__", (self,) + args, kwargs)

    def __iter__(self):
        frame = inspect.currentframe().f_back
        insts = list(dis.get_instructions(frame.f_code))
        if sys.version_info >= (3, 11):
            idx = bisect_left(insts, frame.f_lasti, key=lambda x: x.offset)
        else:
            idx = frame.f_lasti // 2
        if idx < len(insts) and insts[idx].opname == "UNPACK_SEQUENCE":
            return (self[i] for i in range(insts[idx].argval))
        return self.tracer.iter(self)

    def __abs__(self):
        return self.tracer.create_proxy("call_function", operator.abs, (self,), {})

    def __bool__(self):
        return self.tracer.to_bool(self)

    def keys(self):
        return self.tracer.keys(self)

    def __len__(self):
        raise RuntimeError("'len' is not supported in symbolic tracing by default. If you want this call to be "
                           "recorded, please call torch.fx.wrap('len') at module scope")

    @classmethod
    def __torch_function__(cls, orig_method, types, args=None, kwargs=None):
        args = args if args else ()
        kwargs = kwargs if kwargs else {}
        tracers = {}

        def find(a):
            if isinstance(a, cls):
                tracers[a.tracer] = None
            return a
        map_aggregate(args, find)
        map_aggregate(kwargs, find)
        if len(tracers) > 1:
            raise RuntimeError(f"Found multiple different tracers {list(tracers.keys())} while trying to trace "
                               f"operations {orig_method}")
        tracer = next(iter(tracers))
        if _is_tensor_method(orig_method):
            return tracer.create_proxy("call_method", orig_method.__name__, args, kwargs)
        args, kwargs = _functional_call_form(orig_method, args, kwargs)
        return tracer.create_proxy("call_function", orig_method, args, kwargs)


# torch.nn.functional entries that are C++ builtins in PyTorch: their recorded arguments stay as called.
_F_BUILTINS = frozenset((
    "adaptive_avg_pool1d avg_pool1d avg_pool2d avg_pool3d bilinear celu_ channel_shuffle conv1d conv2d conv3d "
    "conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d cosine_similarity elu_ gelu hardshrink hardtanh_ "
    "leaky_relu_ linear logsigmoid native_channel_shuffle one_hot pairwise_distance pdist pixel_shuffle "
    "pixel_unshuffle prelu relu_ rrelu_ scaled_dot_product_attention selu_ softplus softshrink threshold_").split())


def _functional_call_form(fn, args, kwargs):
    """PyTorch's Python-level nn.functional functions hand __torch_function__ their required parameters
    positionally and every optional one as a keyword (defaults filled in); record the same call."""
    if getattr(fn, "__module__", None) != "torchlike.nn.functional" or fn.__name__ in _F_BUILTINS:
        return args, kwargs
    try:
        sig = inspect.signature(inspect.unwrap(fn))
        bound = sig.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return args, kwargs
    bound.apply_defaults()
    pos, kw = [], {}
    for name, p in sig.parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            return args, kwargs
        if p.default is p.empty and p.kind != p.KEYWORD_ONLY:
            pos.append(bound.arguments[name])
        else:
            kw[name] = bound.arguments[name]
    return tuple(pos), kw


class Attribute(Proxy):
    """`proxy.name`: a getattr node made on first use as a value; calling it records a call_method."""

    def __init__(self, root, attr):
        self.root = root
        self.attr = attr
        self.tracer = root.tracer
        self._node = None

    @property
    def node(self):
        if self._node is None:
            self._node = self.tracer.create_proxy("call_function", getattr, (self.root, self.attr), {}).node
        return self._node

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", self.attr, (self.root,) + args, kwargs)


class ParameterProxy(Proxy):
    """A Proxy for a parameter whose shape queries answer concretely."""

    def __init__(self, tracer, node, name, param):
        super().__init__(node, tracer)
        self.param = param
        self.name = name

    def __repr__(self):
        return f"ParameterProxy({self.name})"

    @property
    def shape(self):
        return self.param.shape

    def size(self, dim=None):
        return self.param.size() if dim is None else self.param.size(dim)

    def dim(self):
        return self.param.dim()

    @property
    def ndim(self):
        return self.param.ndim

    def numel(self):
        return self.param.numel()

    def nelement(self):
        return self.param.nelement()


def _install_magic():
    for method in magic_methods:
        def scope(method):
            def impl(*args, **kwargs):
                return args[0].tracer.create_proxy("call_function", getattr(operator, method), args, kwargs)
            impl.__name__ = method
            setattr(Proxy, f"__{method.strip('_')}__", impl)
        if hasattr(operator, method):
            scope(method)
    for orig in reflectable_magic_methods:
        def scope_r(orig):
            target = getattr(operator, orig)

            def impl(self, rhs):
                return self.tracer.create_proxy("call_function", target, (rhs, self), {})
            impl.__name__ = f"__r{orig.strip('_')}__"
            setattr(Proxy, impl.__name__, impl)
        if hasattr(operator, orig):
            scope_r(orig)


_install_magic()
