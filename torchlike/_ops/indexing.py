"""Indexing: __getitem__/__setitem__ (views for basic indexing, gathers for advanced), index_put_, copy_, fill_,
masked_fill, index_select, gather, scatter(_add), masked_select, take, nonzero."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim, as_tensor_arg
from . import views
from ._registry import register
from .dispatch import call, check_leaf_inplace, commit_inplace, scalar_name


def _is_advanced(i):
    if isinstance(i, Tensor):
        return i.dim() > 0 or i.dtype is D.bool_
    return isinstance(i, (list, np.ndarray)) or (isinstance(i, tuple))


def _normalize(self, idx):
    """Split an index into (items, tensors); items are static: ('t', k), ('s', a, b, c), None, Ellipsis, int."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    items, tensors = [], []
    for i in idx:
        if isinstance(i, Tensor) and i.dim() == 0 and i.dtype._category == 1:
            i = int(i.item())
        if i is None or i is Ellipsis or isinstance(i, slice):
            items.append(i)
        elif isinstance(i, bool):
            items.append(("t", len(tensors)))
            tensors.append(as_tensor_arg(np.array(i)))
        elif isinstance(i, (int, np.integer)):
            items.append(int(i))
        else:
            t = i if isinstance(i, Tensor) else as_tensor_arg(i if not isinstance(i, tuple) else list(i))
            if t.dtype._category > 1:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            items.append(("t", len(tensors)))
            tensors.append(t)
    return items, tensors


def _consumed(item, tensors):
    if item is None or item is Ellipsis:
        return 0
    if isinstance(item, tuple):
        t = tensors[item[1]]
        return max(t.dim(), 1) if t.dtype in (D.bool_, D.uint8) else 1
    return 1


def _expand_bool(self, items, tensors):
    """Replace bool/uint8 masks by the integer indices of their nonzeros (needs concrete values, like torch)."""
    out_items, out_t = [], []
    dim = 0
    n_used = sum(_consumed(i, tensors) for i in items)
    if n_used > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()}")
    for it in items:
        if it is Ellipsis:
            dim += self.dim() - n_used
            out_items.append(it)
            continue
        if isinstance(it, tuple):
            t = tensors[it[1]]
            if t.dtype in (D.bool_, D.uint8):
                m = np.asarray(t._value()).astype(bool)
                k = max(m.ndim, 1)
                for j in range(m.ndim):
                    if m.shape[j] != self._size[dim + j]:
                        raise IndexError(f"The shape of the mask [{', '.join(map(str, m.shape))}] at index {j} does "
                                         f"not match the shape of the indexed tensor "
                                         f"[{', '.join(map(str, self._size))}] at index {dim + j}")
                if m.ndim == 0:   # x[True] / x[False]: a new axis of size 1 / 0
                    out_items.append(None)
                    out_items.append(("t", len(out_t)))
                    out_t.append(jnp.zeros(int(m), jnp.int64))
                    continue
                for a in np.nonzero(m):
                    out_items.append(("t", len(out_t)))
                    out_t.append(jnp.asarray(a.astype(np.int64)))
                dim += k
                continue
            size = self._size[dim]
            v = t._value()
            if not isinstance(v, jax.core.Tracer) and v.size:
                arr = np.asarray(v)
                bad = (arr >= size) | (arr < -size)
                if bad.any():
                    raise IndexError(f"index {int(arr[bad].reshape(-1)[0])} is out of bounds for dimension {dim} "
                                     f"with size {size}")
            out_items.append(("t", len(out_t)))
            out_t.append(v)
            dim += 1
            continue
        if it is not None:
            dim += 1
        out_items.append(it)
    return out_items, out_t


def _freeze_items(items):
    return tuple(("s", i.start, i.stop, i.step) if isinstance(i, slice) else i for i in items)


def _build_index(items, arrays):
    out = []
    for it in items:
        if isinstance(it, tuple) and it[0] == "s":
            out.append(slice(it[1], it[2], it[3]))
        elif isinstance(it, tuple):
            out.append(arrays[it[1]])
        else:
            out.append(it)
    return tuple(out)


@register("_index", tensors=("input", "indices*"), cast=("input",), dtype="same", grad="IndexBackward0",
          method=False, function=False, nondiff=("indices",))
def _index(input, indices, items):
    return input[_build_index(items, indices)]


@register("_index_put", tensors=("input", "indices*", "values"), cast=("input", "values"), dtype="same",
          grad="IndexPutBackward0", method=False, function=False, nondiff=("indices",))
def _index_put_op(input, indices, values, items, accumulate=False):
    idx = _build_index(items, indices)
    ref = input.at[idx]
    return ref.add(values) if accumulate else ref.set(values)


def _basic(self, items):
    """Apply basic indexing items (ints, slices, None, Ellipsis) as a view."""
    n_used = sum(1 for i in items if i is not None and i is not Ellipsis)
    if n_used > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()}")
    out = self
    dim = 0
    for it in items:
        if it is Ellipsis:
            dim += self.dim() - n_used
        elif it is None:
            out = views.unsqueeze(out, dim)
            dim += 1
        elif isinstance(it, int):
            size = out._size[dim]
            if not -size <= it < size:
                raise IndexError(f"index {it} is out of bounds for dimension {dim} with size {size}")
            out = views.select(out, dim, it)
        else:
            step = 1 if it.step is None else it.step
            if step <= 0:
                raise ValueError("step must be greater than zero")
            out = views.slice_dim(out, dim, it.start, it.stop, step)
            dim += 1
    if out is self:
        out = views.make_view(self, self._size, self._stride, self._offset, "AliasBackward0",
                              views._reshape_pure, (self._size,))
    return out


def getitem(self, idx):
    items, tensors = _normalize(self, idx)
    if not tensors:
        if self.dim() == 0 and any(isinstance(i, int) for i in items):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                             "C++ to convert a 0-dim tensor to a number")
        return _basic(self, items)
    items, arrays = _expand_bool(self, items, tensors)
    return call("_index", (self, tuple(_arr_tensor(a) for a in arrays), _freeze_items(items)), {})


def _arr_tensor(a):
    from .._tensor import from_array
    return from_array(a) if not isinstance(a, Tensor) else a


def setitem(self, idx, value):
    check_leaf_inplace(self)
    items, tensors = _normalize(self, idx)
    if not isinstance(value, Tensor):
        value = as_tensor_arg(value)
    if not tensors:
        if self.dim() == 0 and any(isinstance(i, int) for i in items):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                             "C++ to convert a 0-dim tensor to a number")
        copy_(_basic(self, items), value)
        return
    items, arrays = _expand_bool(self, items, tensors)
    result = call("_index_put", (self, tuple(_arr_tensor(a) for a in arrays), value, _freeze_items(items)), {})
    commit_inplace(self, result)


# --- copy_ / fill_ / zero_ / masked_fill ------------------------------------------------------------------

@register("_copy", tensors=("input", "src"), cast=(), dtype=lambda op, v: (None, (v[0].dtype,)), grad="CopyBackwards",
          method=False, function=False, nondiff=("input",))
def _copy(input, src):
    return jnp.broadcast_to(src.astype(input.dtype), input.shape)


def copy_(self, src, non_blocking=False):
    check_leaf_inplace(self)
    if not isinstance(src, Tensor):
        src = as_tensor_arg(src)
        if not isinstance(src, Tensor):
            from .creation import tensor
            src = tensor(src)
    try:
        jnp.broadcast_shapes(src._size, self._size)
        if len(src._size) > len(self._size) or jnp.broadcast_shapes(src._size, self._size) != self._size:
            raise ValueError
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self._size[-1] if self._size else 1}) must match the size of "
                           f"tensor b ({src._size[-1] if src._size else 1}) at non-singleton dimension "
                           f"{max(len(self._size) - 1, 0)}") from None
    if src.device != self.device:
        from .dispatch import move_to_device
        src = move_to_device(src, self.device)
    result = call("_copy", (self, src), {})
    commit_inplace(self, result)
    return self


@register("_fill", tensors=("input", "value"), cast=(), dtype=lambda op, v: (None, (v[0].dtype,)),
          grad="FillBackward0", method=False, function=False, nondiff=("input",))
def _fill(input, value):
    return jnp.broadcast_to(jnp.asarray(value).astype(input.dtype), input.shape)


def fill_(self, value):
    check_leaf_inplace(self)
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions.")
    commit_inplace(self, call("_fill", (self, value), {}))
    return self


def zero_(self):
    check_leaf_inplace(self)
    r = call("_fill", (self, 0), {})
    if r._grad_fn is not None:
        r._grad_fn.__class__ = __import__("torchlike.autograd._graph", fromlist=["x"]).node_class("ZeroBackward0")
    commit_inplace(self, r)
    return self


def _mask_check(input, mask, value):
    if getattr(mask, "dtype", D.bool_) is not D.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{scalar_name(mask.dtype).lower() if mask.dtype is not D.uint8 else 'unsigned char'}")
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")


@register("masked_fill", tensors=("input", "mask", "value"), cast=("input",), dtype="same", inplace=True,
          nondiff=("mask",), check=_mask_check)
def _masked_fill(input, mask, value):
    return jnp.where(mask, jnp.asarray(value).astype(input.dtype), input)


def _masked_select_check(input, mask):
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")


def masked_select(input, mask, *, out=None):
    _masked_select_check(input, mask)
    shape = jnp.broadcast_shapes(input._size, mask._size)
    r = getitem(input.expand(shape), mask.expand(shape))
    if out is not None:
        from .dispatch import write_out
        return write_out(out, r)
    return r


def nonzero(input, *, out=None, as_tuple=False):
    a = np.asarray(input._value())
    nz = np.nonzero(a) if a.ndim else np.nonzero(a.reshape(1))
    from .._tensor import from_array
    if as_tuple:
        if a.ndim == 0:
            return (from_array(jnp.asarray(nz[0].astype(np.int64)), D.int64, input.device),)
        return tuple(from_array(jnp.asarray(x.astype(np.int64)), D.int64, input.device) for x in nz)
    res = np.stack(nz, axis=1).astype(np.int64) if a.ndim else np.zeros((int(a.reshape(()) != 0), 0), np.int64)
    r = from_array(jnp.asarray(res), D.int64, input.device)
    if out is not None:
        from .dispatch import write_out
        return write_out(out, r)
    return r


def argwhere(input):
    return nonzero(input)


def _index_select_check(input, dim, index):
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    d = _wrap_dim(dim, input.dim())
    arr = np.asarray(index._value())
    size = input._size[d] if input.dim() else 1
    if arr.size and ((arr >= size) | (arr < -size)).any():
        raise IndexError("index out of range in self")


@register("index_select", tensors=("input", "index"), cast=("input",), dtype="same", out=True,
          nondiff=("index",), check=_index_select_check)
def _index_select(input, dim, index):
    if input.ndim == 0:
        return input
    return jnp.take(input, index.reshape(-1), axis=dim % input.ndim)


def _gather_check(input, dim, index, sparse_grad=False):
    if index.dtype is not D.int64:
        raise RuntimeError("gather(): Expected dtype int64 for index")
    n = input.dim()
    d = _wrap_dim(dim, n)
    if index.dim() != n and not (n == 0 and index.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    arr = np.asarray(index._value())
    size = input._size[d] if n else 1
    if arr.size and ((arr >= size) | (arr < -size)).any():
        bad = arr[(arr >= size) | (arr < -size)].reshape(-1)[0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")


@register("gather", tensors=("input", "index"), cast=("input",), dtype="same", out=True, nondiff=("index",),
          check=_gather_check)
def _gather(input, dim, index, *, sparse_grad=False):
    if input.ndim == 0:
        return input.reshape(index.shape)
    d = dim % input.ndim
    # take_along_axis over the index's (possibly smaller) extent
    src = input[tuple(slice(0, s) if i != d else slice(None) for i, s in enumerate(index.shape))]
    return jnp.take_along_axis(src, index, axis=d)


def _scatter_idx(input, d, index):
    grids = jnp.meshgrid(*[jnp.arange(s) for s in index.shape], indexing="ij")
    grids[d] = index
    return tuple(grids)


@register("scatter", tensors=("input", "index", "src"), cast=("input", "src"), dtype="same", inplace=True,
          out=True, nondiff=("index",))
def _scatter(input, dim, index, src, *, reduce=None):
    d = dim % max(input.ndim, 1)
    idx = _scatter_idx(input, d, index)
    if not hasattr(src, "shape") or jnp.ndim(src) == 0:
        vals = jnp.broadcast_to(jnp.asarray(src, input.dtype), index.shape)
    else:
        vals = src[tuple(slice(0, s) for s in index.shape)]
    ref = input.at[idx]
    if reduce == "add":
        return ref.add(vals)
    if reduce == "multiply":
        return ref.multiply(vals)
    return ref.set(vals)


@register("scatter_add", tensors=("input", "index", "src"), cast=("input", "src"), dtype="same", inplace=True,
          out=True, nondiff=("index",))
def _scatter_add(input, dim, index, src):
    d = dim % max(input.ndim, 1)
    return input.at[_scatter_idx(input, d, index)].add(src[tuple(slice(0, s) for s in index.shape)])


@register("take", tensors=("input", "index"), cast=("input",), dtype="same", out=True, nondiff=("index",))
def _take(input, index):
    return jnp.take(input.reshape(-1), index)


def index_put_(self, indices, values, accumulate=False):
    check_leaf_inplace(self)
    items = [("t", k) for k in range(len(indices))]
    items, arrays = _expand_bool(self, items, list(indices))
    if not isinstance(values, Tensor):
        values = as_tensor_arg(values)
    r = call("_index_put", (self, tuple(_arr_tensor(a) for a in arrays), values, _freeze_items(items), accumulate), {})
    commit_inplace(self, r)
    return self


def index_put(self, indices, values, accumulate=False):
    return index_put_(self.clone(), indices, values, accumulate)
