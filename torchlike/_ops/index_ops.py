"""The index_* / masked_scatter / put / take_along_dim / scatter_reduce family (gathers and scatters along a dim)."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim
from ._registry import register
from .dispatch import scalar_name
from . import scalar_fit


def _index_values(index):
    return np.asarray(index._value()) if isinstance(index, Tensor) else np.asarray(index)


def check_bounds(index, size, dim, err=IndexError):
    """torch's "index i is out of bounds for dimension d with size n" for the first bad index."""
    arr = _index_values(index)
    bad = (arr >= size) | (arr < -size)
    if arr.size and bad.any():
        raise err(f"index {int(arr[bad].reshape(-1)[0])} is out of bounds for dimension {dim} with size {size}")


def _dim_size(t, d):
    return t._size[d] if t.dim() else 1


def _along(input, dim, index):
    """(moved input, normalised dim): index arrays address dim; the op works on axis 0 of the moved array."""
    d = dim % max(input.ndim, 1)
    return d, index.reshape(-1) % max(input.shape[d] if input.ndim else 1, 1)


# --- index_add / index_copy / index_fill ----------------------------------------------------------------------

def _index_add_check(input, dim, index, source, alpha=1):
    d = _wrap_dim(dim, input.dim())
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {scalar_name(index.dtype)}")
    if index.dim() > 1:
        raise IndexError("index_add_(): Index is supposed to be a vector")
    if isinstance(source, Tensor) and source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({scalar_name(input.dtype)}) and source ({scalar_name(source.dtype)}) "
                           "must have the same scalar type")
    n = _dim_size(source, _wrap_dim(dim, max(source.dim(), 1)) if source.dim() else 0)
    if index.numel() != n:
        raise RuntimeError(f"index_add_(): Number of indices ({index.numel()}) should be equal to source.size(dim): "
                           f"({n}), for dim: {d}")
    check_bounds(index, _dim_size(input, d), d, RuntimeError)
    scalar_fit.check(input.dtype, alpha)        # alpha is converted to input's dtype


def _scatter_along(input, dim, index, values, how):
    if input.ndim == 0:
        ref = input.reshape(1).at[index.reshape(-1)]
        return getattr(ref, how)(values.reshape(-1)).reshape(())
    d, idx = _along(input, dim, index)
    vals = jnp.moveaxis(jnp.broadcast_to(values, input.shape[:d] + (idx.shape[0],) + input.shape[d + 1:])
                        if jnp.ndim(values) == 0 else values.reshape(input.shape[:d] + (-1,) + input.shape[d + 1:]),
                        d, 0)
    ref = jnp.moveaxis(input, d, 0).at[idx]
    return jnp.moveaxis(getattr(ref, how)(vals), 0, d)


@register("index_add", tensors=("input", "index", "source"), cast=("input", "source"), dtype="same", inplace=True,
          out=True, nondiff=("index",), check=_index_add_check)
def _index_add(input, dim, index, source, *, alpha=1):
    return _scatter_along(input, dim, index, source if alpha == 1 else source * jnp.asarray(alpha, input.dtype), "add")


def _index_copy_check(input, dim, index, source):
    d = _wrap_dim(dim, input.dim())
    if index.dtype is not D.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {scalar_name(index.dtype)}")
    if index.dim() > 1:
        raise IndexError("index_copy_(): Index should have dimension 1 or 0 (got %d)" % index.dim())
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{scalar_name(input.dtype)} and (source) {scalar_name(source.dtype)}")
    n = _dim_size(source, d) if source.dim() else 1
    if index.numel() != n:
        raise IndexError(f"index_copy_(): Number of indices ({index.numel()}) should be equal to source.size(dim) ({n})")
    check_bounds(index, _dim_size(input, d), d)


@register("index_copy", tensors=("input", "index", "source"), cast=("input", "source"), dtype="same", inplace=True,
          out=True, nondiff=("index",), check=_index_copy_check, tensor_only=("source",))
def _index_copy(input, dim, index, source):
    return _scatter_along(input, dim, index, source, "set")


def _index_fill_check(input, dim, index, value):
    d = _wrap_dim(dim, input.dim())
    if index.dtype is not D.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    check_bounds(index, _dim_size(input, d), d)


@register("index_fill", tensors=("input", "index", "value"), cast=("input",), dtype="same", inplace=True,
          nondiff=("index",), check=_index_fill_check)
def _index_fill(input, dim, index, value):
    return _scatter_along(input, dim, index, jnp.asarray(value).astype(input.dtype), "set")


# --- masked_scatter, put, take_along_dim -----------------------------------------------------------------------

def _masked_scatter_check(input, mask, source):
    if mask.dtype is not D.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{scalar_name(mask.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{scalar_name(input.dtype)} and {scalar_name(source.dtype)}")
    m = np.broadcast_to(np.asarray(mask._value()), np.broadcast_shapes(mask._size, input._size))
    if int(m.sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")


@register("masked_scatter", tensors=("input", "mask", "source"), cast=("input", "source"), dtype="same",
          inplace=True, nondiff=("mask",), check=_masked_scatter_check, tensor_only=("source",))
def _masked_scatter(input, mask, source):
    shape = jnp.broadcast_shapes(input.shape, mask.shape)
    m = jnp.broadcast_to(mask, shape).reshape(-1)
    pos = jnp.clip(jnp.cumsum(m) - 1, 0, max(source.size - 1, 0))
    src = source.reshape(-1)
    vals = src[pos] if src.size else jnp.zeros(pos.shape, input.dtype)
    return jnp.where(m, vals, jnp.broadcast_to(input, shape).reshape(-1)).reshape(shape)


def _put_check(input, index, source, accumulate=False):
    if index.dtype is not D.int64:
        raise IndexError(f"put_(): Expected a long tensor for index, but got {scalar_name(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{scalar_name(input.dtype)} and source.dtype = {scalar_name(source.dtype)}")
    if source.numel() != index.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    flat_bounds(index, input.numel())


def flat_bounds(index, n):
    arr = _index_values(index)
    bad = (arr >= n) | (arr < -n)
    if arr.size and bad.any():
        raise IndexError(f"out of range: tried to access index {int(arr[bad].reshape(-1)[0])} on a tensor of {n} "
                         "elements.")


@register("put", tensors=("input", "index", "source"), cast=("input", "source"), dtype="same", inplace=True,
          nondiff=("index",), check=_put_check, tensor_only=("source",))
def _put(input, index, source, accumulate=False):
    flat = input.reshape(-1)
    ref = flat.at[index.reshape(-1) % max(flat.size, 1)]
    src = source.reshape(-1)
    return (ref.add(src) if accumulate else ref.set(src)).reshape(input.shape)


def _take_along_dim_check(input, indices, dim=None):
    if indices.dtype is not D.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{scalar_name(indices.dtype)}")
    if dim is None:
        flat_bounds(indices, input.numel())
        return
    d = _wrap_dim(dim, input.dim())
    if indices.dim() != input.dim():
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.dim()} dimensions for input, and {indices.dim()} dimensions for indices")
    for i, (a, b) in enumerate(zip(input._size, indices._size)):
        if i != d and a != b and a != 1 and b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                               f"dimension {i}")
    check_bounds(indices, _dim_size(input, d), d, RuntimeError)


@register("take_along_dim", tensors=("input", "indices"), cast=("input",), dtype="same", out=True,
          nondiff=("indices",), check=_take_along_dim_check, grad="TakeAlongDimBackward0")
def _take_along_dim(input, indices, dim=None):
    if dim is None:
        return jnp.take(input.reshape(-1), indices.reshape(-1) % max(input.size, 1))
    if input.ndim == 0:
        return input.reshape(indices.shape)
    d = dim % input.ndim
    shape_in = tuple(max(a, b) if i != d else a for i, (a, b) in enumerate(zip(input.shape, indices.shape)))
    shape_ix = tuple(max(a, b) if i != d else b for i, (a, b) in enumerate(zip(input.shape, indices.shape)))
    idx = jnp.broadcast_to(indices, shape_ix) % max(input.shape[d], 1)
    return jnp.take_along_axis(jnp.broadcast_to(input, shape_in), idx, axis=d)


# --- scatter_reduce -----------------------------------------------------------------------------------------

_REDUCES = {"sum": "add", "prod": "multiply", "amax": "max", "amin": "min", "mean": "add", "max": "max", "min": "min"}


def _scatter_reduce_check(input, dim, index, src, reduce, include_self=True):
    from .indexing import scatter_check
    if reduce not in _REDUCES:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got " + str(reduce))
    scatter_check(input, dim, index, src, None, "scatter_reduce")


def _identity(dtype, how):
    if how == "add":
        return jnp.zeros((), dtype)
    if how == "multiply":
        return jnp.ones((), dtype)
    info = jnp.finfo(dtype) if jnp.issubdtype(dtype, jnp.inexact) else jnp.iinfo(dtype)
    if jnp.issubdtype(dtype, jnp.inexact):
        return jnp.asarray(-jnp.inf if how == "max" else jnp.inf, dtype)
    return jnp.asarray(info.min if how == "max" else info.max, dtype)


@register("scatter_reduce", tensors=("input", "index", "src"), cast=("input", "src"), dtype="same", inplace=True,
          out=True, nondiff=("index",), check=_scatter_reduce_check)
def _scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    from .indexing import scatter_index
    how = _REDUCES[reduce]
    idx = scatter_index(input, dim, index)
    vals = src[tuple(slice(0, s) for s in index.shape)]
    base = input if include_self else input.at[idx].set(_identity(input.dtype, how))
    out = getattr(base.at[idx], how)(vals)
    if reduce != "mean":
        return out
    count = jnp.zeros(input.shape, input.dtype).at[idx].add(jnp.ones((), input.dtype))
    count = jnp.where(count == 0, jnp.ones((), input.dtype), count + (1 if include_self else 0))
    return out // count if jnp.issubdtype(input.dtype, jnp.integer) else out / count
