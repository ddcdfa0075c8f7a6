"""Op-table entries for torch.nn.functional: pooling (max/avg/adaptive, 1-3 spatial dims).

Every pool is computed from its windows' elements taken one kernel offset at a time (a strided slice of the
padded input, or a gather for adaptive pools), in PyTorch's scan order (row-major over the window). Max-pooling
keeps PyTorch's rule: the first maximum in the window wins, NaN always wins, and the gradient goes to that one
element only (a chain of selects, whose VJP routes the cotangent to the chosen element). This is several times
faster on XLA:CPU than `lax.reduce_window`, whose gradient is slow.
"""
from __future__ import annotations

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._registry import register
from .dispatch import scalar_name
from .nn_misc import host

_SIZES = lambda s: "[" + ", ".join(map(str, s)) + "]"   # noqa: E731


# --- window geometry (static: numpy, computed at trace time) --------------------------------------------------

def out_size(n, k, p, s, d, ceil_mode):
    """ATen's pooling_output_shape."""
    o = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


class _Axis:
    """One spatial axis of a pool: per kernel offset, the padded positions, validity and source index of each output."""

    def __init__(self, pos, src, valid, lo, hi):
        self.pos, self.src, self.valid, self.lo, self.hi = pos, src, valid, lo, hi   # pos/src/valid: (K, O)


def regular_axis(n, k, s, p, d, ceil_mode):
    o = out_size(n, k, p, s, d, ceil_mode)
    pos = np.arange(o)[None, :] * s + np.arange(k)[:, None] * d
    src = pos - p
    valid = (src >= 0) & (src < n)
    hi = max(0, int(pos.max()) + 1 - (n + p)) if pos.size else 0
    return _Axis(pos, src, valid, p, hi)


def adaptive_bounds(n, o):
    i = np.arange(o)
    return (i * n) // o, ((i + 1) * n + o - 1) // o


def adaptive_axis(n, o):
    start, end = adaptive_bounds(n, o)
    k = int((end - start).max()) if o else 0
    src = start[None, :] + np.arange(k)[:, None]
    valid = src < end[None, :]
    src = np.minimum(src, n - 1)
    return _Axis(src, src, valid, 0, 0)


def _progression(v):
    """(start, step) if v is an arithmetic progression with positive step (or has one element), else None."""
    if v.size == 1:
        return int(v[0]), 1
    step = int(v[1] - v[0])
    if step > 0 and np.all(np.diff(v) == step):
        return int(v[0]), step
    return None


def _pad_axis(x, axis, a, value):
    if not (a.lo or a.hi):
        return x
    cfg = [(0, 0, 0)] * x.ndim
    cfg[axis] = (a.lo, a.hi, 0)
    return lax.pad(x, jnp.asarray(value, x.dtype), cfg)


def _take(x, axis, pos):
    """x's elements at (padded) positions `pos` along `axis`: a strided slice when they are evenly spaced."""
    if pos.size == 0:
        return lax.slice_in_dim(x, 0, 0, 1, axis)
    pr = _progression(pos)
    if pr is None:
        return jnp.take(x, jnp.asarray(pos), axis=axis)
    st, step = pr
    return lax.slice_in_dim(x, st, st + (pos.size - 1) * step + 1, step, axis)


def _along(m, axis, ndim):
    shp = [1] * ndim
    shp[axis] = m.size
    return m.reshape(shp)


def sum_windows(x, axes):
    """Sum of each window, in PyTorch's row-major order over the window's elements (pad value 0)."""
    nd = len(axes)
    lead = x.ndim - nd
    for i, a in enumerate(axes):
        x = _pad_axis(x, lead + i, a, 0)
    total = None
    for ks in itertools.product(*[range(a.pos.shape[0]) for a in axes]):
        v = x
        valid = np.ones((1,) * x.ndim, bool)
        for i, (a, k) in enumerate(zip(axes, ks)):
            v = _take(v, lead + i, a.pos[k])
            valid = valid & _along(a.valid[k], lead + i, x.ndim)
        if not valid.all():
            v = jnp.where(valid, v, jnp.zeros((), v.dtype))
        total = v if total is None else total + v
    return total


def sum_windows_separable(x, axes):
    """Window sums one axis at a time (for adaptive pools: fewer, larger ops; rounding differs by ulps)."""
    lead = x.ndim - len(axes)
    for i in reversed(range(len(axes))):
        a, ax = axes[i], lead + i
        x = _pad_axis(x, ax, a, 0)
        total = None
        for k in range(a.pos.shape[0]):
            v = _take(x, ax, a.pos[k])
            if not a.valid[k].all():
                v = jnp.where(_along(a.valid[k], ax, v.ndim), v, jnp.zeros((), v.dtype))
            total = v if total is None else total + v
        x = total
    return x


def _lowest(dtype):
    if jnp.issubdtype(dtype, jnp.floating):
        return -jnp.inf
    return jnp.iinfo(dtype).min


def max_windows(x, axes, with_indices):
    """PyTorch's max-pool scan (`if (val > maxval || isnan(val))` over the window in row-major order, starting from
    its first valid element), done one axis at a time: the first maximum of the rows' first maxima is the first
    maximum in row-major order, and the last NaN of the rows' last NaNs is the last NaN."""
    nd = len(axes)
    lead = x.ndim - nd
    in_sizes = x.shape[lead:]
    mult = [int(np.prod(in_sizes[i + 1:])) for i in range(nd)]
    isfloat = jnp.issubdtype(x.dtype, jnp.floating)
    sub = None                                      # flat index over the axes already reduced
    for i in reversed(range(nd)):
        a, ax = axes[i], lead + i
        x = _pad_axis(x, ax, a, _lowest(x.dtype))
        if sub is not None:
            sub = _pad_axis(sub, ax, a, 0)
        best = idx = None
        seen = np.zeros(a.pos.shape[1], bool)
        for k in range(a.pos.shape[0]):
            valid = a.valid[k]
            if not valid.any():
                continue
            v = _take(x, ax, a.pos[k])
            if with_indices:
                flat = _along(a.src[k].astype(np.int64) * mult[i], ax, v.ndim)
                cand = jnp.broadcast_to(flat, v.shape) if sub is None else _take(sub, ax, a.pos[k]) + flat
            first = valid & ~seen
            if best is None:
                best = v
                if with_indices:
                    idx = cand
            else:
                take = v > best
                if isfloat:
                    take = take | jnp.isnan(v)
                if not valid.all():
                    take = take & _along(valid, ax, v.ndim)
                if first.any():
                    take = take | _along(first, ax, v.ndim)
                best = jnp.where(take, v, best)
                if with_indices:
                    idx = jnp.where(take, cand, idx)
            seen = seen | valid
        x, sub = best, idx
    if with_indices:
        return x, jnp.broadcast_to(sub, x.shape).astype(jnp.int64)
    return x


# --- argument checks (ATen's messages) ----------------------------------------------------------------------

def _tup(v):
    return (v,) if isinstance(v, int) else tuple(v)


def _norm_args(name, nd, kernel_size, stride, padding, dilation=1):
    axes = ("two", "three")[nd - 2] if nd > 1 else "one"
    ks = _tup(kernel_size)
    if len(ks) not in (1, nd):
        raise RuntimeError(f"{name}: kernel_size must either be a single int, or a tuple of {axes} ints")
    st = () if stride is None else _tup(stride)
    if len(st) not in (0, 1, nd):
        raise RuntimeError(f"{name}: stride must either be omitted, a single int, or a tuple of {axes} ints")
    pd = _tup(padding)
    if len(pd) not in (1, nd):
        raise RuntimeError(f"{name}: padding must either be a single int, or a tuple of {axes} ints")
    dl = _tup(dilation)
    if len(dl) not in (1, nd):
        raise RuntimeError(f"{name}: dilation must be either a single int, or a tuple of {axes} ints")
    ks = ks * nd if len(ks) == 1 else ks
    st = ks if not st else (st * nd if len(st) == 1 else st)
    pd = pd * nd if len(pd) == 1 else pd
    dl = dl * nd if len(dl) == 1 else dl
    return ks, st, pd, dl


_AX = {2: ("H", "W"), 3: ("T", "H", "W")}


def _shape_check(input, nd, ks, st, pd, dl, ceil_mode, max_pool):
    shape = tuple(input.shape)
    outs = []
    for n, k, s, p, d in zip(shape[-nd:], ks, st, pd, dl):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
        outs.append(out_size(n, k, p, s, d, ceil_mode) if s > 0 else 0)
    ax = _AX[nd]
    if any(k <= 0 for k in ks):
        raise RuntimeError("kernel size should be greater than zero, but got " +
                           " ".join(f"k{a}: {k}" for a, k in zip(ax, ks)))
    if any(s <= 0 for s in st):
        raise RuntimeError("stride should be greater than zero, but got " +
                           " ".join(f"d{a}: {s}" for a, s in zip(ax, st)))
    if any(d <= 0 for d in dl):
        raise RuntimeError("dilation should be greater than zero, but got " +
                           " ".join(f"dilation{a}: {d}" for a, d in zip(ax, dl)))
    ok = all(n != 0 for n in shape[1:]) and (input.dim() == nd + 2 or shape[0] != 0)
    if not ok:
        what = "3D or 4D" if nd == 2 else "4D or 5D"
        raise RuntimeError(f"Expected {what} (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{_SIZES(shape)}")
    if any(o < 1 for o in outs):
        ins = "x".join(map(str, (shape[-nd - 1],) + shape[-nd:]))
        o = "x".join(map(str, (shape[-nd - 1],) + tuple(outs)))
        raise RuntimeError(f"Given input size: ({ins}). Calculated output size: ({o}). Output size is too small")


def _not_for(name, input, kinds):
    if input.dtype._category in kinds or input.dtype.name == "bool":
        raise NotImplementedError(f"\"{name}\" not implemented for '{scalar_name(input.dtype)}'")


def _max_check(nd):
    name = f"max_pool{nd}d"

    def check(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        ks, st, pd, dl = _norm_args(name, nd, kernel_size, stride, padding, dilation)
        if input.dim() not in (nd + 1, nd + 2):
            raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
        _shape_check(input, nd, ks, st, pd, dl, ceil_mode, True)
        _not_for(name, input, ())
    return check


def _avg_check(nd):
    name = f"avg_pool{nd}d"

    def check(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
              divisor_override=None):
        ks, st, pd, _ = _norm_args(name, nd, kernel_size, stride, padding)
        if divisor_override is not None and not isinstance(divisor_override, int):
            raise TypeError(f"{name}(): argument 'divisor_override' must be int, not "
                            f"{type(divisor_override).__name__}")
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        if input.dim() < nd + 1:
            n = input.dim()
            raise IndexError(f"Dimension out of range (expected to be in range of [{-max(n, 1)}, {max(n, 1) - 1}], "
                             f"but got {-nd - 1})")
        _shape_check(input, nd, ks, st, pd, (1,) * nd, ceil_mode, False)
        _not_for(name, input, (1,) if input.dtype.name != "int64" else ())
    return check


def _batched(nd, input, fn):
    if input.ndim == nd + 1:
        out = fn(input[None])
        return tuple(o[0] for o in out) if isinstance(out, tuple) else out[0]
    return fn(input)


def max_pool(input, nd, kernel_size, stride, padding, dilation, ceil_mode, with_indices):
    ks, st, pd, dl = _norm_args("", nd, kernel_size, stride, padding, dilation)

    def go(x):
        axes = [regular_axis(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip(x.shape[2:], ks, st, pd, dl)]
        return max_windows(x, axes, with_indices)
    return _batched(nd, input, go)


def avg_divisor(shape, ks, st, pd, ceil_mode, count_include_pad, divisor_override):
    """ATen's avg-pool divisor per output position (numpy)."""
    if divisor_override:
        return None
    per_axis = []
    for n, k, s, p in zip(shape, ks, st, pd):
        o = out_size(n, k, p, s, 1, ceil_mode)
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        size = end - start
        start, end = np.maximum(start, 0), np.minimum(end, n)
        per_axis.append(size if count_include_pad else end - start)
    div = np.ones((), np.int64)
    for i, c in enumerate(per_axis):
        shp = [1] * len(per_axis)
        shp[i] = -1
        div = div * c.reshape(shp)
    return div


def avg_pool(input, nd, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    ks, st, pd, _ = _norm_args("", nd, kernel_size, stride, padding)

    def go(x):
        axes = [regular_axis(n, k, s, p, 1, ceil_mode) for n, k, s, p in zip(x.shape[2:], ks, st, pd)]
        total = sum_windows(x, axes)
        div = avg_divisor(x.shape[2:], ks, st, pd, ceil_mode, count_include_pad, divisor_override)
        d = divisor_override if div is None else div
        if jnp.issubdtype(x.dtype, jnp.integer):
            return lax.div(total, jnp.broadcast_to(jnp.asarray(d, x.dtype), total.shape))
        return total / jnp.asarray(d, x.dtype)
    return _batched(nd, input, go)


for _nd in (2, 3):
    def _mk(nd):
        grad = f"MaxPool{nd}DWithIndicesBackward0"

        def fn(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
            return max_pool(input, nd, kernel_size, stride, padding, dilation, ceil_mode, False)
        register(f"max_pool{nd}d", dtype="same", grad=grad, method=False, check=_max_check(nd))(fn)

        def fni(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
            return max_pool(input, nd, kernel_size, stride, padding, dilation, ceil_mode, True)
        register(f"max_pool{nd}d_with_indices", dtype=lambda op, vals: (None, None), grad=grad, method=False,
                 function=False, check=_max_check(nd))(fni)

        def fna(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                divisor_override=None):
            return avg_pool(input, nd, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
        register(f"avg_pool{nd}d", dtype="same", grad=f"AvgPool{nd}DBackward0", method=False, function=False,
                 check=_avg_check(nd))(fna)
    _mk(_nd)


# --- adaptive pools ------------------------------------------------------------------------------------------

def _adaptive_check(name, nd, sep="():", all_dims=False):
    def check(input, output_size):
        if len(output_size) != nd:
            raise RuntimeError(f"{name}: output_size must be {nd}" if not all_dims else
                               f"{name}(): internal error: output_size.size() must be {nd}")
        n = input.dim()
        if n not in (nd + 1, nd + 2):
            raise RuntimeError(f"{name}{sep} Expected {nd + 1}D or {nd + 2}D tensor, but got{':' if all_dims else ''} "
                               f"{_SIZES(input.shape)}")
        dims = range(1, n) if all_dims else range(n - nd, n)
        for i in dims:
            if input.shape[i] <= 0:
                j = i if all_dims else i
                raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but "
                                   f"input has sizes {_SIZES(input.shape)} with dimension {j} being empty")
        if input.dtype.name == "bool" or (input.dtype._category == 1 and "avg" in name):
            raise NotImplementedError(f"\"{name}\" not implemented for '{scalar_name(input.dtype)}'")
    return check


def adaptive_avg(input, output_size):
    nd = len(output_size)

    def go(x):
        axes = [adaptive_axis(n, o) for n, o in zip(x.shape[2:], output_size)]
        total = sum_windows_separable(x, axes)
        for i, n in enumerate(x.shape[2:]):
            start, end = adaptive_bounds(n, output_size[i])
            shp = [1] * nd
            shp[i] = -1
            total = total / jnp.asarray((end - start).reshape(shp), x.dtype)
        return total
    return _batched(nd, input, go)


def adaptive_max(input, output_size):
    nd = len(output_size)

    def go(x):
        axes = [adaptive_axis(n, o) for n, o in zip(x.shape[2:], output_size)]
        return max_windows(x, axes, True)
    return _batched(nd, input, go)


for _nd in (2, 3):
    def _mk_adaptive(nd):
        def fa(input, output_size):
            return adaptive_avg(input, tuple(output_size))
        register(f"adaptive_avg_pool{nd}d", dtype="same", grad=f"AdaptiveAvgPool{nd}DBackward0", method=False,
                 function=False, check=_adaptive_check(f"adaptive_avg_pool{nd}d", nd))(fa)

        def fm(input, output_size):
            return adaptive_max(input, tuple(output_size))
        register(f"adaptive_max_pool{nd}d", dtype=lambda op, vals: (None, None), grad=f"AdaptiveMaxPool{nd}DBackward0",
                 method=False, function=False,
                 check=_adaptive_check(f"adaptive_max_pool{nd}d", nd, all_dims=True))(fm)
    _mk_adaptive(_nd)



def max_pool1d_check(input, kernel_size, stride, padding, dilation, ceil_mode):
    if input.dim() not in (2, 3) or any(s == 0 for s in input.shape[1:]):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:[{', '.join(map(str, input.shape))}]")
    ks, st, pd, dl = (_tup(v) for v in (kernel_size, () if stride is None else stride, padding, dilation))
    if len(ks) != 1:
        raise RuntimeError(f"max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but "
                           f"got size {len(ks)}")
    if len(st) not in (0, 1):
        raise RuntimeError(f"max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but "
                           f"got size {len(st)}")
    if len(pd) != 1:
        raise RuntimeError(f"max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got "
                           f"size {len(pd)}")
    if len(dl) != 1:
        raise RuntimeError(f"max_pool1d() dilation must be an int, list of ints, or tuple of ints of size 1 but got "
                           f"size {len(dl)}")
    k, s, p, d = ks[0], (st or ks)[0], pd[0], dl[0]
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    o = out_size(input.shape[-1], k, p, s, d, ceil_mode)
    if o <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {o}")
    if input.dtype.name == "bool":
        raise NotImplementedError("\"max_pool1d_impl\" not implemented for 'Bool'")
    return k, s, p, d


def unpool_output_size(input, kernel_size, stride, padding, output_size):
    input_size = input.size()
    default_size = [(input_size[-len(kernel_size) + d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d]
                    for d in range(len(kernel_size))]
    if output_size is None:
        ret = default_size
    else:
        if len(output_size) == len(kernel_size) + 2:
            output_size = output_size[2:]
        if len(output_size) != len(kernel_size):
            raise ValueError(f"output_size should be a sequence containing {len(kernel_size)} or "
                             f"{len(kernel_size) + 2} elements, but it has a length of '{len(output_size)}'")
        for d in range(len(kernel_size)):
            min_size = default_size[d] - stride[d]
            max_size = default_size[d] + stride[d]
            if not (min_size < output_size[d] < max_size):
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {min_size} and '
                                 f'{max_size})')
        ret = output_size
    for d in range(len(kernel_size)):
        if ret[d] < 0:
            raise ValueError(f"max_unpooling: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={ret[d]}")
    return ret


# --- max unpooling -------------------------------------------------------------------------------------------

def _unpool_check(input, indices, output_size, *rest):
    if indices.dtype.name != "int64":
        raise RuntimeError(f"elements in indices should be type int64 but got: {scalar_name(indices.dtype)}")
    if tuple(input.shape) != tuple(indices.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({_SIZES(input.shape)}) "
                           f"but got indices tensor with shape: {_SIZES(indices.shape)}")
    size = int(np.prod(output_size))
    v = host(indices) if indices.numel() else None
    if v is not None:
        bad = v[(v < 0) | (v >= size)]
        if bad.size:
            raise RuntimeError(f"Found an invalid max index: {bad.flat[0]} (output volumes are of size "
                               f"{'x'.join(map(str, output_size))})")


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _scatter_planes(x, idx, size):
    out = jnp.zeros(x.shape[:-1] + (size,), x.dtype)
    return jnp.put_along_axis(out, idx, x, axis=-1, inplace=False)


def _scatter_fwd(x, idx, size):
    return _scatter_planes(x, idx, size), idx


def _scatter_bwd(size, idx, ct):
    # PyTorch's max_unpool backward gathers the gradient at every index (duplicates included)
    return jnp.take_along_axis(ct, idx, axis=-1), None


_scatter_planes.defvjp(_scatter_fwd, _scatter_bwd)


def _unpool(input, indices, output_size):
    nd = len(output_size)
    lead = input.shape[:input.ndim - nd]
    out = _scatter_planes(input.reshape(lead + (-1,)), indices.reshape(lead + (-1,)), int(np.prod(output_size)))
    return out.reshape(lead + tuple(output_size))


@register("max_unpool2d", tensors=("input", "indices"), nondiff=("indices",), cast=("input",), dtype="same",
          grad="MaxUnpool2DBackward0", method=False, function=False, check=_unpool_check)
def _max_unpool2d(input, indices, output_size):
    return _unpool(input, indices, tuple(output_size))


@register("max_unpool3d", tensors=("input", "indices"), nondiff=("indices",), cast=("input",), dtype="same",
          grad="MaxUnpool3DBackward0", method=False, function=False, check=_unpool_check)
def _max_unpool3d(input, indices, output_size, stride, padding):
    return _unpool(input, indices, tuple(output_size))
