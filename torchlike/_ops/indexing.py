"""Indexing: __getitem__/__setitem__ (views for basic indexing, gathers for advanced), index_put_, copy_, fill_,
masked_fill, index_select, gather, scatter(_add), masked_select, take, nonzero."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D, _layout
from .._tensor import Tensor, _wrap_dim, as_tensor_arg
from . import views
from ._registry import register
from .dispatch import assert_no_internal_overlap, call, check_leaf_inplace, commit_inplace, scalar_name


_SCALAR_IDX = (int, np.integer)


def _as_tuple(idx):
    """torch's treatSequenceAsTuple: a list holding tensors, sequences, slices, None or Ellipsis is a tuple."""
    if isinstance(idx, tuple):
        return idx
    if isinstance(idx, list) and len(idx) < 32 and any(
            isinstance(i, (Tensor, list, tuple, slice, np.ndarray)) or i is None or i is Ellipsis for i in idx):
        return tuple(idx)
    return (idx,)


def _index_tensor(i):
    if isinstance(i, (list, tuple)) and len(i) == 0:
        i = np.zeros(0, np.int64)
    t = i if isinstance(i, Tensor) else as_tensor_arg(np.asarray(i) if isinstance(i, np.ndarray) else list(i))
    if t.dtype._category > 1 or (t.dtype._category == 1 and t.dtype is not D.int64 and t.dtype not in
                                 (D.int32, D.int16, D.int8, D.uint8)):
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if not t.dtype.is_floating_point and t.dtype._category > 1:
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return t


def _classify(i):
    """('none'|'ellipsis'|'slice'|'int'|'bool'|'mask'|'adv', value)."""
    if i is None:
        return "none", None
    if i is Ellipsis:
        return "ellipsis", None
    if isinstance(i, slice):
        return "slice", i
    if isinstance(i, (bool, np.bool_)):
        return "bool", bool(i)
    if isinstance(i, _SCALAR_IDX):
        return "int", int(i)
    if isinstance(i, Tensor) and i.dim() == 0:
        if i.dtype is D.bool_:
            return "bool", bool(i.item())
        if i.dtype._category == 1 or i.dtype is D.uint8:
            if i.dtype is D.uint8:
                return "mask", i
            return "int", int(i.item())
    if isinstance(i, (Tensor, list, tuple, np.ndarray, range)):      # (torch takes any sequence: range(n) too)
        t = _index_tensor(i)
        return ("mask" if t.dtype in (D.bool_, D.uint8) else "adv"), t
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     f"indices (got {type(i).__name__})")


def _slice_int(v):
    if v is None or isinstance(v, int):
        return v
    if isinstance(v, Tensor):
        return int(v.item())
    return int(v.__index__())


def _apply_index(self, idx):
    """Basic items (ints, slices, None, Ellipsis, bool scalars) as a view `out` of self, in torch's order, and the
    advanced indices as {dim of out: int64 jax array}; returns (out, adv)."""
    items = [_classify(i) for i in _as_tuple(idx)]
    used = sum(1 if k in ("int", "slice", "adv") else (max(v.dim(), 1) if k == "mask" else 0) for k, v in items)
    if used > self.dim():
        if self.dim() == 0 and any(k == "int" for k, _ in items):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                             "C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {self.dim()}")
    out, dim, adv = self, 0, {}
    for kind, v in items:
        if kind == "ellipsis":
            dim += self.dim() - used
        elif kind == "none":
            out = views.unsqueeze(out, dim)
            dim += 1
        elif kind == "int":
            size = out._size[dim]
            if not -size <= v < size:
                raise IndexError(f"index {v} is out of bounds for dimension {dim} with size {size}")
            out = views.select(out, dim, v)
        elif kind == "slice":
            step = 1 if v.step is None else _slice_int(v.step)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            out = views.slice_dim(out, dim, _slice_int(v.start), _slice_int(v.stop), step)
            dim += 1
        elif kind == "bool":
            out = views.unsqueeze(out, dim)
            adv[dim] = np.zeros(int(v), np.int64)
            dim += 1
        elif kind == "mask":
            m = np.asarray(v._value()).astype(bool)
            for j in range(m.ndim):
                if m.shape[j] != out._size[dim + j]:
                    raise IndexError(f"The shape of the mask [{', '.join(map(str, m.shape))}] at index {j} does not "
                                     f"match the shape of the indexed tensor [{', '.join(map(str, out._size))}] at "
                                     f"index {dim + j}")
            for a in np.nonzero(m):
                adv[dim] = a.astype(np.int64)
                dim += 1
        else:
            size = out._size[dim]
            arr = np.asarray(v._value()).astype(np.int64)
            bad = (arr >= size) | (arr < -size)
            if arr.size and bad.any():
                raise IndexError(f"index {int(arr[bad].reshape(-1)[0])} is out of bounds for dimension {dim} with "
                                 f"size {size}")
            adv[dim] = np.where(arr < 0, arr + size, arr)
            dim += 1
    if adv:
        try:
            np.broadcast_shapes(*[a.shape for a in adv.values()])
        except ValueError:
            raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                             + ", ".join(f"[{', '.join(map(str, a.shape))}]" for a in adv.values())) from None
    return out, adv


def _adv_args(out, adv):
    """(index tensors, static items) for the _index/_index_put entries: one item per dim of `out`."""
    from .._tensor import from_array
    items, arrays = [], []
    for d in range(out.dim()):
        if d in adv:
            items.append(("t", len(arrays)))
            arrays.append(from_array(jnp.asarray(adv[d])))
        else:
            items.append(("s", None, None, None))
    return tuple(arrays), tuple(items)


def _build_index(items, arrays):
    return tuple(slice(None) if it[0] == "s" else arrays[it[1]] for it in items)


@register("_index", tensors=("input", "indices*"), cast=("input",), dtype="same", grad="IndexBackward0",
          method=False, function=False, nondiff=("indices",))
def _index(input, indices, items):
    return input[_build_index(items, indices)]


@register("_index_put", tensors=("input", "indices*", "values"), cast=("input", "values"), dtype="same",
          grad="IndexPutBackward0", method=False, function=False, nondiff=("indices",))
def _index_put_op(input, indices, values, items, accumulate=False):
    ref = input.at[_build_index(items, indices)]
    return ref.add(values) if accumulate else ref.set(values)


def _alias(self):
    return views.make_view(self, self._size, self._stride, self._offset, "AliasBackward0", views._reshape_pure,
                           (self._size,))


def getitem(self, idx):
    out, adv = _apply_index(self, idx)
    if not adv:
        return _alias(self) if out is self else out
    arrays, items = _adv_args(out, adv)
    return call("_index", (out, arrays, items), {})


def _result_shape(out, adv):
    """The shape that advanced indexing of `out` produces (NumPy placement: together, or first if split)."""
    bshape = np.broadcast_shapes(*[a.shape for a in adv.values()])
    dims = sorted(adv)
    rest = [out._size[d] for d in range(out.dim()) if d not in adv]
    if dims == list(range(dims[0], dims[-1] + 1)):
        before = [out._size[d] for d in range(dims[0])]
        return tuple(before) + tuple(bshape) + tuple(rest[len(before):])
    return tuple(bshape) + tuple(rest)


def _value_tensor(self, value):
    if isinstance(value, (list, tuple)):
        raise TypeError(f"can't assign a {type(value).__name__} to a torch.{_legacy_name(self)}")
    return as_tensor_arg(value)


def _legacy_name(t):
    return {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor", "int32": "IntTensor",
            "bool": "BoolTensor", "uint8": "ByteTensor", "int8": "CharTensor", "int16": "ShortTensor",
            "float16": "HalfTensor", "bfloat16": "BFloat16Tensor", "complex64": "ComplexFloatTensor",
            "complex128": "ComplexDoubleTensor"}[t._dtype.name]


def _check_value_shape(value, shape):
    if not isinstance(value, Tensor):
        return value
    vs = tuple(value._size)
    while vs and vs[0] == 1 and len(vs) > len(shape):
        vs = vs[1:]
    try:
        if len(vs) > len(shape) or np.broadcast_shapes(vs, shape) != tuple(shape):
            raise ValueError
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape [{', '.join(map(str, value._size))}] cannot be "
                           f"broadcast to indexing result of shape [{', '.join(map(str, shape))}]") from None
    return value.reshape(vs) if vs != tuple(value._size) else value


def setitem(self, idx, value):
    if self._requires_grad and self._grad_fn is None:
        from ..autograd import grad_mode
        if grad_mode.is_grad_enabled():
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    value = _value_tensor(self, value)
    out, adv = _apply_index(self, idx)
    _check_put_dtype(self, adv, value)
    if _differentiable_write(self, value):
        _setitem_functional(self, out, adv, idx, value)
    elif not adv:
        copy_(out, value)
    else:
        _put_advanced(out, adv, value, False)


def _check_put_dtype(self, adv, value):
    """An advanced-index write takes a tensor of self's dtype only (Python numbers convert)."""
    if adv and isinstance(value, Tensor) and value._dtype is not self._dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{scalar_name(self._dtype)} for the destination and {scalar_name(value._dtype)} for the "
                           "source.")


def _differentiable_write(self, value):
    from ..autograd import grad_mode
    return grad_mode.is_grad_enabled() and (self._requires_grad or getattr(value, "_requires_grad", False))


def _setitem_functional(self, out, adv, idx, value):
    """self[idx] = value as one recorded op on `self` (a `put` at the flat positions the index selects), so that
    autograd sees the write (writing through a view does not rebase the base's history)."""
    from .._tensor import from_array
    pos = from_array(jnp.arange(self.numel(), dtype=jnp.int64).reshape(self._size))
    pout, padv = _apply_index(pos, idx)
    flat = np.asarray(pout._value())
    if padv:
        flat = flat[tuple(padv.get(d, slice(None)) for d in range(flat.ndim))]
    if isinstance(value, Tensor):
        value = _check_value_shape(value, flat.shape)
        src = value.to(self._dtype).expand(flat.shape)
    else:
        from .creation import full
        src = full(flat.shape, value, dtype=self._dtype, device=self.device)
    commit_inplace(self, call("put", (self, from_array(jnp.asarray(flat.reshape(-1))), src.reshape(-1)), {}))


def _put_advanced(out, adv, value, accumulate):
    value = _check_value_shape(value, _result_shape(out, adv))
    arrays, items = _adv_args(out, adv)
    if any(s == 0 and n > 1 for s, n in zip(out._stride, out._size)) and not out._requires_grad and \
            not (isinstance(value, Tensor) and value._requires_grad):
        return _put_expanded(out, arrays, items, value, accumulate)
    commit_inplace(out, call("_index_put", (out, arrays, value, items, accumulate), {}))


def _put_expanded(out, arrays, items, value, accumulate):
    """index_put_ into an expanded (self-overlapping) tensor: as PyTorch (with its deprecation warning), each indexed
    element is written (or added) at its memory address, so the base sees every write."""
    import warnings
    warnings.warn("Use of index_put_ on expanded tensors is deprecated. Please clone() the tensor before performing "
                  "this operation. This also applies to advanced indexing e.g. tensor[indices] = tensor",
                  UserWarning, stacklevel=4)
    addr = np.full(out._size, out._offset, np.int64)
    for d, (n, st) in enumerate(zip(out._size, out._stride)):
        addr = addr + (np.arange(n) * st).reshape((n,) + (1,) * (out.dim() - d - 1))
    picked = addr[_build_index(items, [np.asarray(a._value()) for a in arrays])]
    vals = value._value() if isinstance(value, Tensor) else jnp.asarray(value)
    vals = jnp.broadcast_to(vals.astype(out._dtype.np), picked.shape).reshape(-1)
    sel = picked.reshape(-1)
    st = out._storage
    if st._np is not None:
        flat = st._np.reshape(-1)
        if accumulate:
            np.add.at(flat, sel, np.asarray(vals))
        else:
            flat[sel] = np.asarray(vals)
    else:
        flat = st._data.reshape(-1)
        st._data = (flat.at[sel].add(vals) if accumulate else flat.at[sel].set(vals)).reshape(st._data.shape)
    st.version += 1


# --- copy_ / fill_ / zero_ / masked_fill ------------------------------------------------------------------

@register("_copy", tensors=("input", "src"), cast=(), dtype=lambda op, v: (None, (v[0].dtype,)), grad="CopyBackwards",
          method=False, function=False, nondiff=("input",))
def _copy(input, src):
    return jnp.broadcast_to(src.astype(input.dtype), input.shape)


def copy_(self, src, non_blocking=False):
    check_leaf_inplace(self)
    assert_no_internal_overlap(self)
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
    # torch fills an (ndim, n) tensor and returns its transpose: strides (1, n)
    r = _layout.restride(from_array(jnp.asarray(res), D.int64, input.device), (1, res.shape[0]))
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
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    n = input.dim()
    d = _wrap_dim(dim, n)
    if index.dim() != n and not (n == 0 and index.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for i in range(n if index.dim() == n else 0):
        if i != d and index._size[i] > input._size[i]:
            raise RuntimeError(f"Size does not match at dimension {i} expected index "
                               f"[{', '.join(map(str, index._size))}] to be no larger than self "
                               f"[{', '.join(map(str, input._size))}] apart from dimension {d}")
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


def scatter_index(input, dim, index):
    """Full index arrays for scattering along `dim` at `index` (the other coordinates are the index's own)."""
    if input.ndim == 0:
        return ()
    d = dim % input.ndim
    grids = list(jnp.meshgrid(*[jnp.arange(s) for s in index.shape], indexing="ij"))
    grids[d] = index % max(input.shape[d], 1)
    return tuple(grids)


def scatter_check(input, dim, index, src=None, reduce=None, name="scatter"):
    """torch's checks for scatter/scatter_add/scatter_reduce (and gather's via _gather_check)."""
    n = input.dim()
    d = _wrap_dim(dim, n)
    if index.dtype is not D.int64 and (name != "scatter" or index.dtype is not D.int32):
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    if isinstance(src, Tensor) and src.dtype is not input.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    if index.dim() != n and not (n == 0 and index.dim() <= 1) and index.numel():
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if n and index.dim() == n:
        too_big = any(index._size[i] > input._size[i] for i in range(n) if i != d)
        if isinstance(src, Tensor) and src.dim() == n:
            too_big = too_big or any(index._size[i] > src._size[i] for i in range(n))
        if too_big:
            msg = (f"Expected index [{', '.join(map(str, index._size))}] to be no larger than self "
                   f"[{', '.join(map(str, input._size))}] apart from dimension {d}")
            if isinstance(src, Tensor):
                msg += f" and to be no larger size than src [{', '.join(map(str, src._size))}]"
            raise RuntimeError(msg)
    size = input._size[d] if n else 1
    arr = np.asarray(index._value())
    bad = (arr >= size) | (arr < 0)
    if arr.size and bad.any():
        raise RuntimeError(f"index {int(arr[bad].reshape(-1)[0])} is out of bounds for dimension {d} with size {size}")


@register("scatter", tensors=("input", "index", "src"), cast=("input", "src"), dtype="same", inplace=True,
          out=True, nondiff=("index",), check=lambda i, d, x, s, reduce=None: scatter_check(i, d, x, s, reduce))
def _scatter(input, dim, index, src, *, reduce=None):
    if input.ndim == 0:
        v = jnp.asarray(src, input.dtype).reshape(-1)[:1].reshape(()) if index.size else input
        return v if reduce is None else (input + v if reduce == "add" else input * v) if index.size else input
    idx = scatter_index(input, dim, index)
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
          out=True, nondiff=("index",), tensor_only=("src",),
          check=lambda i, d, x, s: scatter_check(i, d, x, s, None, "scatter_add"))
def _scatter_add(input, dim, index, src):
    if input.ndim == 0:
        return input + src.reshape(-1)[:index.size].sum() if index.size else input
    return input.at[scatter_index(input, dim, index)].add(src[tuple(slice(0, s) for s in index.shape)])


def _take_check(input, index):
    from .index_ops import flat_bounds
    if index.dtype is not D.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {scalar_name(index.dtype)}")
    flat_bounds(index, input.numel())


@register("take", tensors=("input", "index"), cast=("input",), dtype="same", out=True, nondiff=("index",),
          check=_take_check, tensor_only=("index",))
def _take(input, index):
    return jnp.take(input.reshape(-1), index % max(input.size, 1))


def index_put_(self, indices, values, accumulate=False):
    check_leaf_inplace(self)
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put_(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}")
    out, adv = _apply_index(self, tuple(slice(None) if i is None else
                                        (i if not isinstance(i, Tensor) or i.dim() else i.reshape(1) if
                                         i.dtype is not D.bool_ else i) for i in indices))
    values = _value_tensor(self, values)
    _check_put_dtype(self, adv, values)
    if not adv:
        if accumulate:
            out.add_(values)
        else:
            copy_(out, values)
        return self
    _put_advanced(out, adv, values, accumulate)
    return self


def index_put(self, indices, values, accumulate=False):
    from .. import _autocast
    if _autocast.ACTIVE:        # CUDA autocast promotes self and values to the wider type
        self, values = _autocast.cast("index_put", self, values)
    return index_put_(self.clone(), indices, values, accumulate)
