"""Joining and rearranging: cat stack hstack vstack flip roll repeat tile diag tril triu histc meshgrid ..."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from .._tensor import _wrap_dim
from ._registry import register
from .dispatch import scalar_name


def _cat_rule(op, vals):
    ts = [t for t in vals[0] if t is not None]
    r = ts[0].dtype
    for t in ts[1:]:
        r = D.promote_types(r, t.dtype)
    return r, (r,)


def _cat_check(tensors, dim=0):
    if len(tensors) == 0:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    ref = next((t for t in tensors if not (t.dim() == 1 and t._size[0] == 0)), tensors[0])
    n = ref.dim()
    if n == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = _wrap_dim(dim, n)
    for i, t in enumerate(tensors):
        if t.dim() == 1 and t._size[0] == 0:
            continue
        if t.dim() != n:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {n} and {t.dim()}")
        for j in range(n):
            if j != d and t._size[j] != ref._size[j]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref._size[j]} but got size {t._size[j]} for tensor number {i} in the list.")


@register("cat", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False, check=_cat_check,
          aliases=("concat", "concatenate"))
def _cat(tensors, dim=0):
    ts = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or list(tensors[:1])
    return jnp.concatenate(ts, axis=dim % ts[0].ndim)


def _stack_check(tensors, dim=0):
    if len(tensors) == 0:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors[1:], 1):
        if t._size != tensors[0]._size:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"[{', '.join(map(str, tensors[0]._size))}] at entry 0 and "
                               f"[{', '.join(map(str, t._size))}] at entry {i}")
    _wrap_dim(dim, tensors[0].dim() + 1)


@register("stack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False, check=_stack_check)
def _stack(tensors, dim=0):
    return jnp.stack(tensors, axis=dim % (tensors[0].ndim + 1))


@register("hstack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False)
def _hstack(tensors):
    return jnp.hstack(tensors)


@register("vstack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False, aliases=("row_stack",))
def _vstack(tensors):
    return jnp.vstack(tensors)


@register("dstack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False)
def _dstack(tensors):
    return jnp.dstack(tensors)


@register("column_stack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False)
def _column_stack(tensors):
    return jnp.column_stack(tensors)


@register("flip", dtype="same")
def _flip(input, dims):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return jnp.flip(input, axis=tuple(d % max(input.ndim, 1) for d in dims)) if input.ndim else input


@register("fliplr", dtype="same")
def _fliplr(input):
    return jnp.fliplr(input)


@register("flipud", dtype="same")
def _flipud(input):
    return jnp.flipud(input)


@register("roll", dtype="same")
def _roll(input, shifts, dims=None):
    if dims is None:
        return jnp.roll(input.reshape(-1), shifts).reshape(input.shape)
    return jnp.roll(input, shifts, axis=dims)


@register("rot90", dtype="same")
def _rot90(input, k=1, dims=(0, 1)):
    return jnp.rot90(input, k, axes=tuple(dims))


def _repeat_check(input, *sizes):
    sizes = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
    if len(sizes) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")


def repeat(input, *sizes):
    from .dispatch import call
    sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else tuple(sizes)
    _repeat_check(input, sizes)
    return call("_repeat", (input, sizes), {})


@register("_repeat", dtype="same", method=False, function=False, grad="RepeatBackward0")
def _repeat(input, sizes):
    x = input.reshape((1,) * (len(sizes) - input.ndim) + input.shape)
    return jnp.tile(x, sizes)


@register("tile", dtype="same")
def _tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return _repeat(input, dims)


def _ri_rule(op, vals):
    return None, None


@register("repeat_interleave", tensors=("input", "repeats"), cast=("input",), dtype="keep", nondiff=("repeats",))
def _repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    import numpy as np
    if isinstance(repeats, int):
        x = input.reshape(-1) if dim is None else input
        return jnp.repeat(x, repeats, axis=0 if dim is None else dim % x.ndim)
    reps = np.asarray(repeats)
    x = input.reshape(-1) if dim is None else input
    return jnp.repeat(x, reps, axis=0 if dim is None else dim % x.ndim, total_repeat_length=int(reps.sum()))


@register("diag", dtype="same", out=True)
def _diag(input, diagonal=0):
    if input.ndim not in (1, 2):
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got %dD" % input.ndim)
    return jnp.diag(input, diagonal)


@register("diag_embed", dtype="same")
def _diag_embed(input, offset=0, dim1=-2, dim2=-1):
    n = input.shape[-1] + abs(offset)
    out = jnp.zeros(input.shape[:-1] + (n, n), input.dtype)
    i = jnp.arange(input.shape[-1])
    r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
    out = out.at[..., r, c].set(input)
    return jnp.moveaxis(out, (-2, -1), (dim1, dim2)) if (dim1, dim2) != (-2, -1) else out


@register("diagflat", dtype="same")
def _diagflat(input, offset=0):
    return jnp.diagflat(input, offset)


@register("trace", dtype=lambda op, v: ((D.int64, (D.int64,)) if v[0].dtype._category <= 1 else
                                        (v[0].dtype, (v[0].dtype,))))
def _trace(input):
    return jnp.trace(input)


@register("tril", dtype="same", inplace=True, out=True)
def _tril(input, diagonal=0):
    return jnp.tril(input, diagonal)


@register("triu", dtype="same", inplace=True, out=True)
def _triu(input, diagonal=0):
    return jnp.triu(input, diagonal)


def _histc_check(input, bins=100, min=0, max=0):
    if input.dtype._category != 2:
        raise RuntimeError(f'"histogram_cpu" not implemented for \'{scalar_name(input.dtype)}\'')
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got %d for dimension 0" % bins)
    if max < min:
        raise RuntimeError("max must be larger than min")


@register("histc", dtype="same", out=True, differentiable=False, check=_histc_check)
def _histc(input, bins=100, min=0, max=0):
    x = input.reshape(-1)
    lo, hi = (jnp.min(x), jnp.max(x)) if min == 0 and max == 0 else (jnp.asarray(min, x.dtype), jnp.asarray(max, x.dtype))
    if x.size == 0:
        lo, hi = jnp.asarray(0, x.dtype), jnp.asarray(0, x.dtype)
    same = lo == hi
    lo, hi = jnp.where(same, lo - 1, lo), jnp.where(same, hi + 1, hi)
    inside = (x >= lo) & (x <= hi)
    idx = jnp.floor((x - lo) * bins / (hi - lo)).astype(jnp.int64)
    idx = jnp.clip(idx, 0, bins - 1)
    return jnp.zeros(bins, input.dtype).at[idx].add(inside.astype(input.dtype))


def meshgrid(*tensors, indexing=None):
    from . import views
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        import warnings
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    shape = [t.numel() for t in tensors]
    outs = []
    for i, t in enumerate(tensors):
        view_shape = [1] * len(tensors)
        view_shape[i] = -1
        outs.append(views.expand(views.reshape(t, view_shape), shape))
    if indexing == "xy" and len(tensors) >= 2:
        outs = [views.transpose(o, 0, 1) for o in outs]
    return tuple(outs)
