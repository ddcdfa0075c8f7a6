"""Sorting and order statistics: sort argsort msort topk kthvalue median nanmedian mode cummax cummin searchsorted
bucketize quantile nanquantile aminmax, and the data-dependent unique unique_consecutive bincount (eager, NumPy).

Tie-breaking follows PyTorch's CPU kernels where they are deterministic: sort/argsort are stable (NaN sorts as the
largest value), mode returns the last index of the modal value, cummax/cummin move to the latest tie.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim, from_array
from ._registry import not_for, register, unsupported
from . import views
from .dispatch import scalar_name


def _d(dim, ndim):
    return dim % max(ndim, 1)


def _argsort(x, axis, descending=False):
    """Stable argsort along `axis` with NaN as the largest value (PyTorch's order)."""
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.uint8)
    return jnp.argsort(x, axis=axis, stable=True, descending=descending)


def _pair_rule(op, vals):
    return None, (vals[0].dtype, D.int64)


def _dim_check(name=None):
    def check(input, dim=-1, *rest, **kw):
        if dim is not None:
            d = _wrap_dim(dim, input.dim())
            if name and input.dim() and input._size[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return check


_NO_COMPLEX_SORT = unsupported("c", " Sort does not support complex dtypes on CPU", RuntimeError)


def _sort_impl(input, dim, descending):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    d = _d(dim, input.ndim)
    idx = _argsort(input, d, descending)
    return jnp.take_along_axis(input, idx, axis=d), idx.astype(jnp.int64)


@register("sort", inplace_exact=True, dtype=_pair_rule, returns=("values", "indices"), grad="SortBackward0", out=True,
          check=_dim_check(), reject=_NO_COMPLEX_SORT)
def _sort(input, dim=-1, descending=False, stable=False):
    return _sort_impl(input, dim, descending)


@register("argsort", dtype="keep", differentiable=False, check=_dim_check(), reject=_NO_COMPLEX_SORT)
def _argsort_op(input, dim=-1, descending=False, stable=False):
    return _sort_impl(input, dim, descending)[1]


@register("msort", dtype="same", grad="SortBackward0", out=True, reject=_NO_COMPLEX_SORT)
def _msort(input):
    return _sort_impl(input, 0, False)[0]


def _topk_check(input, k, dim=-1, largest=True, sorted=True):
    d = _wrap_dim(dim, input.dim())
    n = input._size[d] if input.dim() else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")


@register("topk", inplace_exact=True, dtype=_pair_rule, returns=("values", "indices"), grad="TopkBackward0", out=True,
          check=_topk_check, reject=(unsupported("c", " topk does not support complex dtypes on CPU", RuntimeError),
                                     unsupported("b", "topk does not support bool dtypes on CPU", RuntimeError)))
def _topk(input, k, dim=-1, largest=True, sorted=True):
    v, i = _sort_impl(input, dim, largest)
    if input.ndim == 0:
        return v, i
    d = _d(dim, input.ndim)
    return jax.lax.slice_in_dim(v, 0, k, axis=d), jax.lax.slice_in_dim(i, 0, k, axis=d)


def _kth_check(input, k, dim=-1, keepdim=False):
    d = _wrap_dim(dim, input.dim())
    n = input._size[d] if input.dim() else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")


def _pick(v, i, pos, d, keepdim):
    """values/indices at per-slice position `pos` (array broadcastable with keepdims) along axis d."""
    pos = jnp.asarray(pos, jnp.int64)
    shape = list(v.shape)
    shape[d] = 1
    pos = jnp.broadcast_to(pos, shape)
    rv, ri = jnp.take_along_axis(v, pos, axis=d), jnp.take_along_axis(i, pos, axis=d)
    if not keepdim:
        rv, ri = jnp.squeeze(rv, d), jnp.squeeze(ri, d)
    return rv, ri


@register("kthvalue", inplace_exact=True, dtype=_pair_rule, returns=("values", "indices"), grad="KthvalueBackward0", out=True,
          check=_kth_check, reject=not_for("bc", "kthvalue_cpu"))
def _kthvalue(input, k, dim=-1, keepdim=False):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    d = _d(dim, input.ndim)
    v, i = _sort_impl(input, d, False)
    return _pick(v, i, k - 1, d, keepdim)


def _median_rule(op, vals):
    d = vals[0].dtype
    return None, ((d,) if vals[1] is None else (d, D.int64))


def _median_check(name):
    def check(input, dim=None, keepdim=False):
        if dim is None:
            return
        d = _wrap_dim(dim, input.dim())
        if input.dim() and input._size[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return check


_MEDIAN_REJECT = unsupported("bc", lambda v, d: '"%s" not implemented for \'%s\''
                             % ("median_cpu" if v[1] is None else "median_out", d))


def _median_impl(input, dim, keepdim, ignore_nan):
    if dim is None:
        x = input.reshape(-1)
        if x.shape[0] == 0:
            return jnp.full((), jnp.nan, input.dtype)
        d, keepdim = 0, False
    elif input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    else:
        x, d = input, _d(dim, input.ndim)
    v, i = _sort_impl(x, d, False)
    n = x.shape[d]
    if jnp.issubdtype(x.dtype, jnp.floating):
        nans = jnp.sum(jnp.isnan(x), axis=d, keepdims=True)
        if ignore_nan:
            m = n - nans
            pos = jnp.where(m > 0, (m - 1) // 2, 0)
        else:
            pos = jnp.where(nans > 0, n - nans, (n - 1) // 2)   # the first NaN (stable order) if any
    else:
        pos = (n - 1) // 2
    rv, ri = _pick(v, i, pos, d, keepdim)
    return rv if dim is None else (rv, ri)


@register("median", inplace_exact=True, dtype=_median_rule, returns=("values", "indices"), grad="MedianBackward1", out=True,
          check=_median_check("median"), reject=_MEDIAN_REJECT)
def _median(input, dim=None, keepdim=False):
    return _median_impl(input, dim, keepdim, False)


@register("nanmedian", inplace_exact=True, dtype=_median_rule, returns=("values", "indices"), grad="NanmedianBackward1", out=True,
          check=_median_check("median"), reject=_MEDIAN_REJECT)      # torch's message says median()
def _nanmedian(input, dim=None, keepdim=False):
    return _median_impl(input, dim, keepdim, True)


@register("mode", inplace_exact=True, dtype=_pair_rule, returns=("values", "indices"), grad="ModeBackward0", out=True,
          check=_dim_check("mode"), reject=not_for("c", "mode_cpu"))
def _mode(input, dim=-1, keepdim=False):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    d = _d(dim, input.ndim)
    x = jnp.moveaxis(input, d, -1)
    n = x.shape[-1]
    eq = x[..., :, None] == x[..., None, :]
    cnt = jnp.sum(eq, axis=-1)                                   # frequency of each element
    best = jnp.max(cnt, axis=-1, keepdims=True)
    # the smallest value among the most frequent ones, then its last index
    key = jnp.where(cnt == best, x, jnp.max(x, axis=-1, keepdims=True))
    val = jnp.min(key, axis=-1, keepdims=True)
    pos = jnp.arange(n)
    idx = jnp.max(jnp.where(x == val, pos, -1), axis=-1, keepdims=True)
    v = jnp.take_along_axis(x, idx, axis=-1)
    v, idx = jnp.moveaxis(v, -1, d), jnp.moveaxis(idx, -1, d)
    if not keepdim:
        v, idx = jnp.squeeze(v, d), jnp.squeeze(idx, d)
    return v, idx.astype(jnp.int64)


def _cum_ext(input, dim, greater):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    d = _d(dim, input.ndim)
    shape = [1] * input.ndim
    shape[d] = input.shape[d]
    idx = jnp.broadcast_to(jnp.arange(input.shape[d], dtype=jnp.int64).reshape(shape), input.shape)
    isf = jnp.issubdtype(input.dtype, jnp.floating)

    def comb(a, b):
        (va, ia), (vb, ib) = a, b
        take_b = (vb >= va) if greater else (vb <= va)
        if isf:
            take_b = jnp.isnan(vb) | (~jnp.isnan(va) & take_b)
        return jnp.where(take_b, vb, va), jnp.where(take_b, ib, ia)
    _, ri = jax.lax.associative_scan(comb, (jax.lax.stop_gradient(input), idx), axis=d)
    return jnp.take_along_axis(input, ri, axis=d), ri


@register("cummax", inplace_exact=True, dtype=_pair_rule, returns=("values", "indices"), grad="CummaxBackward0", out=True,
          check=_dim_check(), reject=not_for("c", "cummax_cpu"))
def _cummax(input, dim):
    return _cum_ext(input, dim, True)


@register("cummin", inplace_exact=True, dtype=_pair_rule, returns=("values", "indices"), grad="CumminBackward0", out=True,
          check=_dim_check(), reject=not_for("c", "cummin_cpu"))
def _cummin(input, dim):
    return _cum_ext(input, dim, False)


def _aminmax_check(input, dim=None, keepdim=False):
    if dim is not None:
        d = _wrap_dim(dim, input.dim())
        if input.dim() and input._size[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    elif input.numel() == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")


@register("aminmax", inplace_exact=True, dtype=lambda op, v: (None, (v[0].dtype, v[0].dtype)), returns=("min", "max"), out=True,
          check=_aminmax_check, reject=not_for("c", "aminmax_cpu"))
def _aminmax(input, *, dim=None, keepdim=False):
    if dim is None:
        ax = None
        if keepdim:
            return (jnp.min(input).reshape((1,) * input.ndim), jnp.max(input).reshape((1,) * input.ndim))
    else:
        ax = _d(dim, input.ndim) if input.ndim else None
    return jnp.min(input, axis=ax, keepdims=keepdim), jnp.max(input, axis=ax, keepdims=keepdim)


# --- searchsorted / bucketize --------------------------------------------------------------------------------

def _ss_rule(op, vals):
    return None, ((D.int32,) if vals[op.index["out_int32"]] else (D.int64,))


def _ss_check(sorted_sequence, input, out_int32=False, right=False, side=None, sorter=None):
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
    if side is not None and right and side == "left":
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                           "while right was True")
    if sorted_sequence.dim() > 1 and isinstance(input, Tensor) and \
            sorted_sequence._size[:-1] != input._size[:-1]:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions"
                           " of boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(sorted_sequence._size)} and input value tensor {list(input._size)}")


def _searchsorted_impl(seq, values, right, sorter):
    side = "right" if right else "left"
    if sorter is not None:
        seq = jnp.take_along_axis(seq, sorter, axis=-1)
    values = jnp.asarray(values, seq.dtype) if not hasattr(values, "dtype") else values
    dt = jnp.promote_types(seq.dtype, values.dtype)
    seq, values = seq.astype(dt), values.astype(dt)
    if seq.ndim <= 1:
        return jnp.searchsorted(seq, values, side=side)
    f = lambda s, v: jnp.searchsorted(s, v, side=side)  # noqa: E731
    for _ in range(seq.ndim - 1):
        f = jax.vmap(f)
    return f(seq, values)


@register("searchsorted", tensors=("sorted_sequence", "input", "sorter"), cast=(), dtype=_ss_rule, out=True,
          differentiable=False, method=False, check=_ss_check)
def _searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    return _searchsorted_impl(sorted_sequence, input, right or side == "right", sorter)


@register("bucketize", tensors=("input", "boundaries"), cast=(), dtype=_ss_rule, out=True, differentiable=False,
          method=False)
def _bucketize(input, boundaries, *, out_int32=False, right=False):
    return _searchsorted_impl(boundaries, input, right, None)


# --- quantile ------------------------------------------------------------------------------------------------

_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_check(name):
    def check(input, q, dim=None, keepdim=False, interpolation="linear"):
        if input.dtype not in (D.float32, D.float64):
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        if isinstance(q, Tensor):
            if q.dim() > 1:
                raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
            if q.dtype is not input.dtype:
                raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
            qv = np.asarray(q._value())
            if qv.size and not ((qv >= 0) & (qv <= 1)).all():
                raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        elif not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        if dim is not None:
            _wrap_dim(dim, input.dim())
        if input.numel() == 0:
            raise RuntimeError(f"{name}() input tensor must be non-empty")
        if interpolation not in _INTERP:
            raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                               f"but got {interpolation}")
    return check


def _quantile_impl(input, q, dim, keepdim, interpolation, ignore_nan):
    scalar_q = jnp.ndim(q) == 0
    q = jnp.atleast_1d(jnp.asarray(q, input.dtype))
    if dim is None:
        x, d = input.reshape(-1), 0
    elif input.ndim == 0:
        x, d = input.reshape(1), 0
    else:
        x, d = input, _d(dim, input.ndim)
    x = jnp.moveaxis(x, d, -1)
    n = x.shape[-1]
    s = jnp.sort(x, axis=-1)                                        # NaN last
    nans = jnp.sum(jnp.isnan(x), axis=-1, keepdims=True)
    m = (n - nans) if ignore_nan else jnp.full_like(nans, n)
    qb = q.reshape((-1,) + (1,) * (x.ndim - 1) + (1,))          # (Q, ..., 1)
    rank = qb * (m - 1).astype(x.dtype)
    lo = jnp.floor(rank)
    hi = jnp.ceil(rank)
    if interpolation == "lower":
        hi = lo
    elif interpolation == "higher":
        lo = hi
    elif interpolation == "nearest":
        lo = hi = jnp.round(rank)
    w = jnp.where(interpolation == "midpoint", 0.5, rank - lo).astype(x.dtype) if interpolation in \
        ("linear", "midpoint") else jnp.zeros_like(rank)
    li = jnp.clip(lo, 0, max(n - 1, 0)).astype(jnp.int64)
    hi_ = jnp.clip(hi, 0, max(n - 1, 0)).astype(jnp.int64)
    sb = jnp.broadcast_to(s, (q.shape[0],) + s.shape)
    below = jnp.take_along_axis(sb, li, axis=-1)
    above = jnp.take_along_axis(sb, hi_, axis=-1)
    r = jnp.where(w < 0.5, below + w * (above - below), above - (above - below) * (1 - w))
    bad = (m == 0) if ignore_nan else (nans > 0)
    if n == 0:
        r = jnp.full(r.shape, jnp.nan, x.dtype)
    r = jnp.where(bad, jnp.nan, r)[..., 0]                          # (Q, ...)
    if keepdim:
        if dim is None:
            r = r.reshape((q.shape[0],) + (1,) * input.ndim)
        elif input.ndim:
            r = jnp.expand_dims(r, d + 1)
    if scalar_q:
        r = r[0]
    return r


@register("quantile", tensors=("input", "q"), cast=(), dtype="same", out=True, grad="QuantileBackward0",
          nondiff=("q",), check=_quantile_check("quantile"))
def _quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile_impl(input, q, dim, keepdim, interpolation, False)


@register("nanquantile", tensors=("input", "q"), cast=(), dtype="same", out=True, grad="NanquantileBackward0",
          nondiff=("q",), check=_quantile_check("quantile"))  # torch's messages say quantile()
def _nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile_impl(input, q, dim, keepdim, interpolation, True)


# --- data-dependent shapes: computed eagerly on concrete values (torch.unique is Python-level in PyTorch too) ---

def _np(t):
    a = np.asarray(t._value())
    return a


def _t(a, dtype, like):
    return from_array(jnp.asarray(a), dtype, like.device)


def _unique_dim(a, dim, consecutive):
    """np.unique along a dim with torch's outputs (values, inverse, counts)."""
    d = _wrap_dim(dim, a.ndim)
    m = np.moveaxis(a, d, 0)
    flat = m.reshape(m.shape[0], -1)
    if consecutive:
        if m.shape[0] == 0:
            starts = np.zeros(0, np.int64)
        else:
            change = np.any(flat[1:] != flat[:-1], axis=1)
            starts = np.concatenate([[0], np.nonzero(change)[0] + 1])
        inv = np.cumsum(np.isin(np.arange(m.shape[0]), starts)) - 1
        counts = np.diff(np.append(starts, m.shape[0]))
        vals = m[starts]
    else:
        keys = flat.astype(np.float64) if flat.dtype == np.bool_ else flat
        order = np.lexsort(keys.T[::-1]) if flat.shape[1] else np.arange(m.shape[0])
        sf = flat[order]
        new = np.ones(len(order), bool)
        if len(order) > 1:
            new[1:] = np.any(sf[1:] != sf[:-1], axis=1)
        grp = np.cumsum(new) - 1
        inv = np.empty(len(order), np.int64)
        inv[order] = grp
        counts = np.bincount(grp, minlength=int(new.sum())) if len(order) else np.zeros(0, np.int64)
        vals = m[order[new]]
    return np.moveaxis(vals, 0, d), inv.astype(np.int64), counts.astype(np.int64)


def _unique_common(input, return_inverse, return_counts, dim, consecutive):
    a = _np(input)
    if dim is not None:
        vals, inv, counts = _unique_dim(a, dim, consecutive)
    else:
        flat = a.reshape(-1)
        if consecutive:
            vals, inv, counts = _unique_dim(flat, 0, True)
        else:
            vals, inv, counts = np.unique(flat, return_inverse=True, return_counts=True, equal_nan=False)  # torch
            #                                                                      keeps every NaN
        inv = inv.reshape(a.shape)
    out = [_t(vals, input.dtype, input)]
    if return_inverse:
        out.append(_t(inv.astype(np.int64), D.int64, input))
    if return_counts:
        out.append(_t(counts.astype(np.int64), D.int64, input))
    return out[0] if len(out) == 1 else tuple(out)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """torch.unique: always sorted on CPU, like PyTorch's implementation."""
    if input.dtype.is_complex:
        raise NotImplementedError(f"\"unique\" not implemented for '{scalar_name(input.dtype)}'")
    return _unique_common(input, return_inverse, return_counts, dim, False)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    return _unique_common(input, return_inverse, return_counts, dim, True)


def bincount(input, weights=None, minlength=0):
    if input.dtype._category >= 2:
        raise RuntimeError(f'"bincount_cpu" not implemented for \'{scalar_name(input.dtype)}\'')
    if input.dim() != 1 or input.dtype._category != 1 or input.dtype is D.bool_ or \
            (input.numel() and int(np.min(_np(input))) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is not None and (weights.dim() != 1 or weights._size[0] != input._size[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    a = _np(input).astype(np.int64)
    if weights is None:
        return _t(np.bincount(a, minlength=minlength).astype(np.int64), D.int64, input)
    w = _np(weights)
    dt = weights.dtype if weights.dtype in (D.float32, D.float64) else D.float64
    return _t(np.bincount(a, weights=w.astype(np.float64), minlength=minlength).astype(dt.np), dt, input)


# Python-level functions and methods (installed by _ops.install like the view functions)
views.VIEWS["unique"] = (unique, True, True)
views.VIEWS["unique_consecutive"] = (unique_consecutive, True, True)
views.VIEWS["bincount"] = (bincount, True, True)
