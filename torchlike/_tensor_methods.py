"""Tensor methods that are not single op-table entries: operators, in-place helpers, contiguity, autograd entry."""
from __future__ import annotations

from . import _dtype as D, _layout, _torch_function
from ._ops import dispatch, indexing, joining, views
from ._tensor import Tensor, scalar_types

call = dispatch.call


_ON, _NOT_HANDLED = _torch_function.ON, _torch_function.NOT_HANDLED

# The function __torch_function__ receives for an operator, as torch passes it: `x + y` is Tensor.add, `1 - x` is
# Tensor.__rsub__ (the operator itself where not listed).
_TF_FUNC = {"__add__": "add", "__radd__": "add", "__sub__": "sub", "__mul__": "mul", "__rmul__": "mul",
            "__truediv__": "div", "__div__": "div", "__mod__": "remainder", "__pow__": "pow", "__matmul__": "matmul",
            "__neg__": "neg", "__pos__": "positive", "__abs__": "abs", "__rtruediv__": "__rdiv__",
            "__lt__": "lt", "__le__": "le", "__gt__": "gt", "__ge__": "ge", "__ne__": "ne"}


def _tf_func(dunder, fallback):
    name = _TF_FUNC.get(dunder)
    return getattr(Tensor, name) if name is not None else fallback


_OPERAND = (Tensor,) + scalar_types


def _tensor_like(other):
    """A non-Tensor operand whose type takes part in __torch_function__ (PyTorch's Tensor-like objects)."""
    return _torch_function.enabled_tf(type(other)) and type(other) not in scalar_types


def _binary(name, reflected=False, dunder=None):
    def tensor_like(self, other):          # the cold path: an operand this op cannot take
        if _tensor_like(other):
            try:
                r = _torch_function.foreign(_tf_func(dunder, op), (self, other), None)
            except TypeError:          # as torch's operators: a TypeError becomes NotImplemented
                return NotImplemented
            if r is not _NOT_HANDLED:
                return r
        return NotImplemented

    if reflected:
        def op(self, other):
            if _ON[0]:
                r = _torch_function.handle(_tf_func(dunder, op), (self, other), None)
                if r is not _NOT_HANDLED:
                    return r
            if not isinstance(other, _OPERAND) and not hasattr(other, "__array__"):
                return tensor_like(self, other)
            return call(name, (other, self), {})
    else:
        def op(self, other):
            if _ON[0]:
                r = _torch_function.handle(_tf_func(dunder, op), (self, other), None)
                if r is not _NOT_HANDLED:
                    return r
            if not isinstance(other, _OPERAND) and not hasattr(other, "__array__") and \
                    not isinstance(other, (list, tuple)):
                return tensor_like(self, other)
            return call(name, (self, other), {})
    op.__name__ = op.__qualname__ = dunder
    op._tf_aware = True
    return op


def _inplace_binary(name, dunder):
    def op(self, other):
        if _ON[0]:
            r = _torch_function.handle(getattr(Tensor, name + "_"), (self, other), None)
            if r is not _NOT_HANDLED:
                return r
        return dispatch.inplace(name, self, (other,), {})
    op.__name__ = op.__qualname__ = dunder
    op._tf_aware = True
    return op


def _unary(name, dunder):
    def op(self):
        if _ON[0]:
            r = _torch_function.handle(_tf_func(dunder, op), (self,), None)
            if r is not _NOT_HANDLED:
                return r
        return call(name(self) if callable(name) else name, (self,), {})
    op.__name__ = op.__qualname__ = dunder
    op._tf_aware = True
    return op


for _dunder, _name in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("truediv", "div"), ("div", "div"),
                       ("floordiv", "floor_divide"), ("mod", "remainder"), ("pow", "pow"), ("matmul", "matmul"),
                       ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
                       ("lshift", "bitwise_left_shift"), ("rshift", "bitwise_right_shift")):
    setattr(Tensor, f"__{_dunder}__", _binary(_name, dunder=f"__{_dunder}__"))
    setattr(Tensor, f"__r{_dunder}__", _binary(_name, reflected=True, dunder=f"__r{_dunder}__"))
    setattr(Tensor, f"__i{_dunder}__", _inplace_binary(_name, f"__i{_dunder}__"))
Tensor.__rtruediv__.__name__ = Tensor.__rtruediv__.__qualname__ = "__rdiv__"
Tensor.__rdiv__ = Tensor.__rtruediv__

for _dunder, _name in (("eq", "eq"), ("ne", "ne"), ("lt", "lt"), ("le", "le"), ("gt", "gt"), ("ge", "ge")):
    setattr(Tensor, f"__{_dunder}__", _binary(_name, dunder=f"__{_dunder}__"))

Tensor.__neg__ = _unary("neg", "__neg__")
def __pos__(self):
    """+x is x (torch.positive returns its input), also when __torch_function__ is active and nothing handles it."""
    if _ON[0]:
        r = _torch_function.handle(_tf_func("__pos__", __pos__), (self,), None)
        if r is not _NOT_HANDLED:
            return r
    return views.positive(self)


__pos__._tf_aware = True
Tensor.__pos__ = __pos__
Tensor.__abs__ = _unary("abs", "__abs__")
Tensor.__invert__ = _unary(lambda self: "logical_not" if self.dtype is D.bool_ else "bitwise_not", "__invert__")
Tensor.__getitem__ = indexing.getitem
Tensor.__setitem__ = indexing.setitem
Tensor.__hash__ = lambda self: id(self)

Tensor.copy_ = indexing.copy_
Tensor.fill_ = indexing.fill_
Tensor.zero_ = indexing.zero_
Tensor.index_put_ = indexing.index_put_
Tensor.index_put = indexing.index_put
Tensor.masked_select = indexing.masked_select
Tensor.nonzero = indexing.nonzero
Tensor.argwhere = indexing.argwhere
Tensor.repeat = joining.repeat


def contiguous(self, memory_format=None):
    if memory_format is None or memory_format is _layout.contiguous_format:
        if self._contig or _layout.is_contiguous_as(self._size, self._stride, None):
            return self
        return call("contiguous_copy", (self,), {})
    if memory_format is _layout.preserve_format:
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    if _layout.is_contiguous_as(self._size, self.stride(), memory_format):
        return self
    return self.clone(memory_format=memory_format)


Tensor.contiguous = contiguous


def _restride_inplace(view_fn, node_name):
    """t_/transpose_/squeeze_/unsqueeze_: `self` takes the metadata of the corresponding view of itself and, as in
    PyTorch, that view's history (a backward node named for the in-place variant) and a version bump."""
    def method(self, *args, **kwargs):
        dispatch.check_leaf_inplace(self)
        r = view_fn(self, *args, **kwargs)
        self._size, self._stride, self._contig, self._cache = r._size, r._stride, r._contig, None
        node = r._grad_fn
        if node is not None:
            from .autograd._graph import node_class, rebase_inplace
            node.__class__ = node_class(node_name(args, kwargs))
            rebase_inplace(self, r)
        self._storage.version += 1
        if self._version_at is not None:          # a view: its history is current (no AsStrided refresh)
            self._version_at = self._storage.version
        return self
    method.__name__ = view_fn.__name__ + "_"
    return method


t_ = _restride_inplace(views.t, lambda a, k: "TBackward1")
transpose_ = _restride_inplace(views.transpose, lambda a, k: "TransposeBackward1")
squeeze_ = _restride_inplace(views.squeeze, lambda a, k: "SqueezeBackward4" if a or k else "SqueezeBackward3")
unsqueeze_ = _restride_inplace(views.unsqueeze, lambda a, k: "UnsqueezeBackward1")
Tensor.t_ = t_
Tensor.transpose_ = transpose_
Tensor.squeeze_ = squeeze_
Tensor.unsqueeze_ = unsqueeze_


def _extremum(name, binary):
    def method(self, dim=None, keepdim=False, **kw):
        if isinstance(dim, Tensor):
            return call(binary, (self, dim), {})
        if dim is None and "axis" not in kw and "dim" not in kw:
            return call(name, (self,), kw)
        return call(name, (self,) if dim is None else (self, dim, keepdim), kw)
    method.__name__ = name
    return method


max_ = _extremum("max", "maximum")
min_ = _extremum("min", "minimum")


Tensor.max = max_
Tensor.min = min_


def where(self, condition, y):
    """Tensor.where(condition, y) == torch.where(condition, self, y)."""
    return call("where", (condition, self, y), {})


Tensor.where = where


def equal(self, other):
    import torchlike
    return torchlike.equal(self, other)


def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    import torchlike
    return torchlike.allclose(self, other, rtol, atol, equal_nan)


Tensor.equal = equal
Tensor.allclose = allclose


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    from . import autograd
    autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def retain_grad(self):
    if not self._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self._grad_fn is None or self._retains_grad:
        return
    self._retains_grad = True
    node, nr = self._grad_fn, self._out_nr
    import weakref
    ref = weakref.ref(self)

    def hook(cts):
        t = ref()
        if t is not None and cts[nr] is not None:
            from ._tensor import from_array
            c = cts[nr]
            if isinstance(c, Tensor):      # create_graph: keep the gradient's history
                t._grad = c if t._grad is None else t._grad + c
                return
            g = from_array(c, t._dtype, t.device)
            t._grad = g if t._grad is None else from_array(t._grad._value() + c, t._dtype, t.device)
    node._pre_hooks.append(hook)


def register_hook(self, hook):
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    from .autograd._graph import _Handle
    from ._tensor import from_array
    if self._grad_fn is None:
        hooks = self.__dict__.setdefault("_leaf_hooks", [])
        hooks.append(hook)
        return _Handle(hooks, hook)
    node, nr = self._grad_fn, self._out_nr
    dev, dt = self.device, self._dtype

    def pre(cts):
        c = cts[nr]
        if c is None:
            return None
        graph = isinstance(c, Tensor)
        r = hook(c if graph else from_array(c, dt, dev))
        if r is None:
            return None
        cts = list(cts)
        cts[nr] = r if graph else r._value()
        return cts
    node._pre_hooks.append(pre)
    return _Handle(node._pre_hooks, pre)


Tensor.backward = backward
Tensor.retain_grad = retain_grad
Tensor.register_hook = register_hook


@property
def retains_grad(self):
    return self._retains_grad


Tensor.retains_grad = retains_grad


def adjoint(self):
    """Tensor.adjoint(): the conjugate transpose of the last two dimensions (== x.mH)."""
    return self.mH


Tensor.adjoint = adjoint


# torchlike has no lazy conjugate/negative bits: conj() materialises, so these are the identity / False.
def resolve_conj(self):
    return self


def resolve_neg(self):
    return self


def is_conj(self):
    return False


def is_neg(self):
    return False


for _f in (resolve_conj, resolve_neg, is_conj, is_neg):
    if not hasattr(Tensor, _f.__name__):
        setattr(Tensor, _f.__name__, _f)


def _install_dlpack():
    from . import _dlpack
    Tensor.__dlpack__ = _dlpack.tensor_dlpack
    Tensor.__dlpack_device__ = _dlpack.tensor_dlpack_device


_install_dlpack()
