"""Joining and rearranging: cat stack hstack vstack flip roll repeat tile diag tril triu histc meshgrid ..."""
from __future__ import annotations

import jax.numpy as jnp

import itertools
import math

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from . import views
from ._registry import register
from .dispatch import call, scalar_name

python_op = views.view_op       # plain Python torch functions / methods (installed like the view functions)


def _shape(t):
    return f"[{', '.join(map(str, t._size))}]"


def _cat_rule(op, vals):
    ts = [t for t in vals[0] if t is not None]
    r = ts[0].dtype
    for t in ts[1:]:
        r = D.promote_types(r, t.dtype)
    return r, (r,)


def _tensor_list(tensors, name):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")


def _cat_check(tensors, dim=0):
    _tensor_list(tensors, "cat")
    if len(tensors) == 0:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
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
          aliases=("concat",))
def _cat(tensors, dim=0):
    ts = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or list(tensors[:1])
    return jnp.concatenate(ts, axis=dim % ts[0].ndim)


@register("concatenate", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False, grad="CatBackward0",
          check=lambda tensors, axis=0: _cat_check(tensors, axis))
def _concatenate(tensors, axis=0):
    return _cat(tensors, axis)


def _stack_check(tensors, dim=0):
    _tensor_list(tensors, "stack")
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


class _Sized:
    """A tensor's shape after atleast_Nd, for _cat_check."""
    __slots__ = ("_size",)

    def __init__(self, size):
        self._size = size

    def dim(self):
        return len(self._size)


def _atleast_size(size, n):
    if n == 3 and len(size) == 2:
        return size + (1,)
    if n == 3 and len(size) == 1:
        return (1,) + size + (1,)
    return (1,) * max(n - len(size), 0) + size


def _stacking_check(name, n):
    """hstack/vstack/dstack: cat of atleast_{n}d inputs, so torch's cat errors (never JAX's TypeError)."""
    def check(tensors):
        _tensor_list(tensors, name)
        if len(tensors) == 0:
            return
        sized = [_Sized(_atleast_size(t._size, n)) for t in tensors]
        dim = {1: 0 if sized[0].dim() == 1 else 1, 2: 0, 3: 2}[n]
        _cat_check(sized, dim)
    return check


@register("hstack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False, check=_stacking_check("hstack", 1))
def _hstack(tensors):
    return jnp.hstack(tensors)


@register("vstack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False, aliases=("row_stack",),
          check=_stacking_check("vstack", 2))
def _vstack(tensors):
    return jnp.vstack(tensors)


@register("dstack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False, check=_stacking_check("dstack", 3))
def _dstack(tensors):
    return jnp.dstack(tensors)


@register("column_stack", tensors=("tensors*",), dtype=_cat_rule, out=True, method=False)
def _column_stack(tensors):
    return jnp.column_stack(tensors)


def _flip_check(input, dims):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    seen = set()
    for d in dims:
        w = _wrap_dim(d, input.dim())
        if w in seen:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        seen.add(w)


@register("flip", dtype="same", check=_flip_check)
def _flip(input, dims):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return jnp.flip(input, axis=tuple(d % max(input.ndim, 1) for d in dims)) if input.ndim else input


def _min_dims(n, name=None):
    def check(input):
        if input.dim() < n:
            raise RuntimeError(f"Input must be >= {n}-d.")
    return check


@register("fliplr", dtype="same", check=_min_dims(2), grad="FlipBackward0")
def _fliplr(input):
    return jnp.flip(input, 1)


@register("flipud", dtype="same", check=_min_dims(1), grad="FlipBackward0")
def _flipud(input):
    return jnp.flip(input, 0)


def _roll_check(input, shifts, dims=()):
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, int) else tuple(dims)
    if not dims and len(shifts) == 1:
        return
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    for d in dims:
        if input.dim() == 0:
            raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
        _wrap_dim(d, input.dim())


@register("roll", dtype="same", check=_roll_check)
def _roll(input, shifts, dims=()):
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, int) else tuple(dims)
    if not dims:
        return jnp.roll(input.reshape(-1), shifts[0]).reshape(input.shape)
    n = max(input.ndim, 1)
    return jnp.roll(input, shifts, axis=tuple(d % n for d in dims))


def _rot90_check(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = _wrap_dim(dims[0], input.dim()), _wrap_dim(dims[1], input.dim())
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")


@register("rot90", dtype="same", check=_rot90_check)
def _rot90(input, k=1, dims=(0, 1)):
    return jnp.rot90(input, k, axes=tuple(d % input.ndim for d in dims))


def _repeat_check(input, sizes):
    if len(sizes) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    padded = (1,) * (len(sizes) - input.dim()) + input._size
    out = [a * b for a, b in zip(padded, sizes)]
    neg = next((x for x in out if x < 0), None)
    if neg is not None:
        raise RuntimeError(f"Trying to create tensor with negative dimension {neg}: [{', '.join(map(str, out))}]")


def repeat(input, *sizes):
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
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


@python_op("repeat_interleave")
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Sizes are data-dependent, so a tensor of repeats is read eagerly (as torch does) and becomes static."""
    if repeats is None:      # repeat_interleave(repeats): indices repeated by themselves
        reps = np.asarray(input._value()).reshape(-1)
        _repeats_check(reps, None)
        from .creation import arange
        return repeat_interleave(arange(reps.size, device=input.device), input)
    if isinstance(repeats, Tensor):
        reps = np.asarray(repeats._value())
        if reps.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        reps = int(reps) if reps.ndim == 0 else tuple(int(r) for r in reps)
    else:
        reps = int(repeats)
    n = input.numel() if dim is None else input._size[_wrap_dim(dim, input.dim())] if input.dim() else 1
    _repeats_check(np.asarray(reps), n)
    return call("_repeat_interleave", (input, reps, dim), {})


def _repeats_check(reps, n):
    if (reps < 0).any():
        raise RuntimeError("repeats can not be negative" if reps.ndim else "Repeats must be non-negative")
    if n is not None and reps.ndim == 1 and reps.size not in (1, n):
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{reps.size} and input.size(0) = {n}")


@register("_repeat_interleave", dtype="same", method=False, function=False, grad="IndexSelectBackward0")
def _repeat_interleave(input, repeats, dim=None):
    x = input.reshape(-1) if dim is None else input
    axis = 0 if dim is None else dim % max(x.ndim, 1)
    if x.ndim == 0:
        x = x.reshape(1)
    if isinstance(repeats, tuple) and len(repeats) == 1:
        repeats = repeats[0]
    if isinstance(repeats, int):
        return jnp.repeat(x, repeats, axis=axis)
    reps = np.asarray(repeats, np.int64)
    return jnp.take(x, jnp.asarray(np.repeat(np.arange(reps.size), reps)), axis=axis)


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


def _trace_check(input):
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    if input.dtype is D.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")


@register("trace", check=_trace_check, dtype=lambda op, v: ((D.int64, (D.int64,)) if v[0].dtype._category <= 1 else
                                                            (v[0].dtype, (v[0].dtype,))))
def _trace(input):
    return jnp.trace(input)


def _tri_check(name):
    def check(input, diagonal=0):
        if input.dim() < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return check


@register("tril", dtype="same", inplace=True, out=True, check=_tri_check("tril"))
def _tril(input, diagonal=0):
    return jnp.tril(input, diagonal)


@register("triu", dtype="same", inplace=True, out=True, check=_tri_check("triu"))
def _triu(input, diagonal=0):
    return jnp.triu(input, diagonal)


def _histc_check(input, bins=100, min=0, max=0):
    if input.dtype._category != 2:
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{scalar_name(input.dtype)}\'')
    if bins <= 0:
        raise RuntimeError("torch.histogram(): bins must be > 0, but got %d for dimension 0" % bins)
    if max < min:
        raise RuntimeError("torch.histc: max must be larger than min")


@register("histc", dtype="same", out=True, differentiable=False, check=_histc_check)
def _histc(input, bins=100, min=0, max=0):
    x = input.reshape(-1)
    if x.size == 0:
        return jnp.zeros(bins, input.dtype)
    lo, hi = (jnp.min(x), jnp.max(x)) if min == 0 and max == 0 else (jnp.asarray(min, x.dtype), jnp.asarray(max, x.dtype))
    same = lo == hi
    lo, hi = jnp.where(same, lo - 1, lo), jnp.where(same, hi + 1, hi)
    inside = (x >= lo) & (x <= hi)
    idx = jnp.floor((x - lo) * bins / (hi - lo)).astype(jnp.int64)
    idx = jnp.clip(idx, 0, bins - 1)
    return jnp.zeros(bins, input.dtype).at[idx].add(inside.astype(input.dtype))




# --- Python-level functions over the entries and views above ------------------------------------------------

def _seq(tensors):
    return tuple(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tuple(tensors)


@python_op("meshgrid", method=False)
def meshgrid(*tensors, indexing=None):
    tensors = _seq(tensors)
    if indexing is None:
        import warnings
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    swap = indexing == "xy" and len(tensors) >= 2
    ts = list(tensors)
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = [t.numel() for t in ts]
    outs = []
    for i, t in enumerate(ts):
        view_shape = [1] * len(ts)
        view_shape[i] = -1
        outs.append(views.expand(views.reshape(t, view_shape), shape))
    if swap:
        outs[0], outs[1] = outs[1], outs[0]
    return tuple(outs)


@python_op("broadcast_shapes", method=False)
def broadcast_shapes(*shapes):
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    n = max((len(s) for s in shapes), default=0)
    out = [1] * n
    for k, s in enumerate(shapes):
        for i in range(1, len(s) + 1):
            if s[-i] < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {s[-i]}: "
                                   f"[{', '.join(map(str, s))}]")
            if out[-i] == 1 or out[-i] == s[-i]:
                out[-i] = s[-i] if s[-i] != 1 else out[-i]
            elif s[-i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {s[-i]} at -{i}! Mismatching "
                                   f"argument at index {k} had ({', '.join(map(str, s))}{',' if len(s) == 1 else ''}); "
                                   f"but expected shape should be broadcastable to [{', '.join(map(str, out[-len(s):]))}]")
    return Size(tuple(out))


@python_op("broadcast_tensors", method=False)
def broadcast_tensors(*tensors):
    tensors = _seq(tensors)
    shapes = [t._size for t in tensors]
    n = max((len(s) for s in shapes), default=0)
    out = [1] * n
    for d in range(1, n + 1):
        for s in shapes:
            if len(s) >= d and s[-d] != 1:
                if out[-d] not in (1, s[-d]):
                    raise RuntimeError(f"The size of tensor a ({out[-d]}) must match the size of tensor b ({s[-d]}) "
                                       f"at non-singleton dimension {n - d}")
                out[-d] = s[-d]
    return tuple(views.expand(t, out) for t in tensors)


def _block_diag_rule(op, vals):
    ts = vals[0]
    r = ts[0].dtype if ts else D.get_default_dtype()
    for t in ts[1:]:
        r = D.promote_types(r, t.dtype)
    return r, (r,)


@register("_block_diag", tensors=("tensors*",), dtype=_block_diag_rule, method=False, function=False,
          grad="BlockDiagBackward0")
def _block_diag(tensors):
    mats = [t.reshape(1, -1) if t.ndim < 2 and t.ndim == 1 else t.reshape(1, 1) if t.ndim == 0 else t
            for t in tensors]
    rows, cols = sum(m.shape[0] for m in mats), sum(m.shape[1] for m in mats)
    out = jnp.zeros((rows, cols), mats[0].dtype if mats else jnp.float32)
    r = c = 0
    for m in mats:
        out = out.at[r:r + m.shape[0], c:c + m.shape[1]].set(m)
        r, c = r + m.shape[0], c + m.shape[1]
    return out


@python_op("block_diag", method=False)
def block_diag(*tensors):
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
    if not tensors:
        from .creation import empty
        return empty(1, 0)
    return call("_block_diag", (tuple(tensors),), {})


def _vector(t):
    if t.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {_shape(t)}")


@python_op("cartesian_prod", method=False)
def cartesian_prod(*tensors):
    for t in tensors:
        _vector(t)
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return call("stack", ([views.reshape(g, (-1,)) for g in grids], 1), {})


@python_op("combinations", method=False)
def combinations(input, r=2, with_replacement=False):
    _vector(input)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        from .creation import empty
        return empty(0, dtype=input.dtype, device=input.device)
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(input._size[0]), r)), np.int64).reshape(-1, r)
    from .indexing import getitem
    from .creation import tensor
    return getitem(input, tensor(idx, device=input.device))


def _atleast(n):
    def fn(*tensors):
        single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
        outs = []
        for t in _seq(tensors):
            if t.dim() >= n:
                outs.append(t)
            elif n == 3 and t.dim() == 2:
                outs.append(views.unsqueeze(t, -1))
            elif n == 3 and t.dim() == 1:
                outs.append(views.reshape(t, (1, t._size[0], 1)))
            else:
                outs.append(views.reshape(t, (1,) * (n - t.dim()) + t._size))
        return outs[0] if single else tuple(outs)
    fn.__name__ = f"atleast_{n}d"
    return fn


for _n in (1, 2, 3):
    python_op(f"atleast_{_n}d", method=False)(_atleast(_n))


def _dir_split(name, dim, min_dims):
    def fn(input, indices_or_sections):
        if input.dim() < min_dims:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                               f"with {input.dim()} dimensions!")
        d = 0 if name == "hsplit" and input.dim() == 1 else dim
        if isinstance(indices_or_sections, int):
            size = input._size[d]
            if indices_or_sections == 0 or size % indices_or_sections:
                raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the "
                                   f"dimension {size} is not divisible by the split_size {indices_or_sections}!")
        return views.tensor_split(input, indices_or_sections, d)
    fn.__name__ = name
    return fn


for _name, _dim, _min in (("hsplit", 1, 1), ("vsplit", 0, 2), ("dsplit", 2, 3)):
    python_op(_name)(_dir_split(_name, _dim, _min))
