"""Reductions and scans: sum mean prod std var max min amax amin argmax argmin all any norm logsumexp cumsum ..."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._tensor import _wrap_dim
from ._registry import register
from .dispatch import scalar_name


def _axes(dim, ndim):
    """torch dim argument -> tuple of axes (None = all)."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        return tuple(sorted({_wrap_dim(d, ndim) for d in dim}))
    return (_wrap_dim(dim, ndim),)


def _check_dims(input, dim=None, *rest, **kw):
    if dim is not None and not isinstance(dim, str):
        _axes(dim, input.dim())


def _sum_rule(op, vals):
    x, dt = vals[0], vals[op.index["dtype"]]
    if dt is not None:
        dt = D.to_dtype(dt)
        return dt, (dt,)
    d = x.dtype
    if d._category <= 1:
        return D.int64, (D.int64,)
    return d, (d,)


def _ax(x, dim):
    if dim is None or dim == ():
        return None
    if isinstance(dim, tuple):
        return tuple(d % max(x.ndim, 1) for d in dim) if x.ndim else None
    return dim % max(x.ndim, 1) if x.ndim else None


@register("sum", dtype=_sum_rule, out=True, check=_check_dims)
def _sum(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.sum(input, axis=_ax(input, dim), keepdims=keepdim)


@register("nansum", dtype=_sum_rule, out=True, check=_check_dims)
def _nansum(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.nansum(input, axis=_ax(input, dim), keepdims=keepdim)


@register("prod", dtype=_sum_rule, out=True, check=_check_dims)
def _prod(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.prod(input, axis=_ax(input, dim), keepdims=keepdim)


def _float_rule(name):
    def rule(op, vals):
        x = vals[0]
        dt = vals[op.index["dtype"]] if "dtype" in op.index else None
        if dt is not None:
            dt = D.to_dtype(dt)
            return dt, (dt,)
        if x.dtype._category <= 1:
            raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {scalar_name(x.dtype)}")
        return x.dtype, (x.dtype,)
    return rule


@register("mean", dtype=_float_rule("mean"), out=True, check=_check_dims)
def _mean(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.mean(input, axis=_ax(input, dim), keepdims=keepdim)


@register("nanmean", dtype=_float_rule("nanmean"), out=True, check=_check_dims)
def _nanmean(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.nanmean(input, axis=_ax(input, dim), keepdims=keepdim)


def _var_rule(op, vals):
    x = vals[0]
    if x.dtype._category <= 1:
        raise RuntimeError(f"std and var only support floating point and complex dtypes")
    return x.dtype, (x.dtype.to_real(),)


def _ddof(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased in (None, True) else 0


@register("var", dtype=_var_rule, out=True, check=_check_dims)
def _var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return jnp.var(input, axis=_ax(input, dim), ddof=_ddof(unbiased, correction), keepdims=keepdim)


@register("std", dtype=_var_rule, out=True, check=_check_dims)
def _std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return jnp.std(input, axis=_ax(input, dim), ddof=_ddof(unbiased, correction), keepdims=keepdim)


def _empty_check(name, need_dim=True):
    def check(input, dim=None, keepdim=False, *a, **k):
        if isinstance(dim, int) or isinstance(dim, tuple) and dim:
            ax = _axes(dim, input.dim())
            for d in ax or ():
                if input.dim() and input._size[d] == 0:
                    raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        elif input.numel() == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                               "reduction dim with the 'dim' argument.")
    return check


@register("amax", dtype="same", out=True, check=_empty_check("amax"))
def _amax(input, dim=(), keepdim=False):
    return jnp.max(input, axis=_ax(input, dim), keepdims=keepdim)


@register("amin", dtype="same", out=True, check=_empty_check("amin"))
def _amin(input, dim=(), keepdim=False):
    return jnp.min(input, axis=_ax(input, dim), keepdims=keepdim)


def _argext(fn, x, dim, keepdim):
    if dim is None:
        r = fn(x.reshape(-1))
        return r.reshape((1,) * x.ndim) if keepdim else r
    if x.ndim == 0:
        return jnp.zeros((), jnp.int64)
    return fn(x, axis=dim % x.ndim, keepdims=keepdim)


def _nan_first(fn):
    """argmax/argmin that, like torch, return the first NaN's index when there is one."""
    def f(x, axis=None, keepdims=False):
        if jnp.issubdtype(x.dtype, jnp.floating):
            nan = jnp.isnan(x)
            has = jnp.any(nan, axis=axis, keepdims=keepdims)
            return jnp.where(has, jnp.argmax(nan, axis=axis, keepdims=keepdims), fn(x, axis=axis, keepdims=keepdims))
        return fn(x, axis=axis, keepdims=keepdims)
    return f


_argmax = _nan_first(jnp.argmax)
_argmin = _nan_first(jnp.argmin)


@register("argmax", dtype="keep", out=True, differentiable=False, check=_empty_check("argmax"))
def _argmax_op(input, dim=None, keepdim=False):
    return _argext(_argmax, input, dim, keepdim).astype(jnp.int64)


@register("argmin", dtype="keep", out=True, differentiable=False, check=_empty_check("argmin"))
def _argmin_op(input, dim=None, keepdim=False):
    return _argext(_argmin, input, dim, keepdim).astype(jnp.int64)


def _max_rule(op, vals):
    x = vals[0]
    return None, (x.dtype, D.int64) if isinstance(vals[1], int) else (x.dtype,)


def _minmax(name, red, arg):
    def fn(input, dim=None, keepdim=False):
        if dim is None:
            return red(input)
        if input.ndim == 0:
            return input, jnp.zeros((), jnp.int64)
        d = dim % input.ndim
        idx = arg(input, axis=d, keepdims=True)
        vals = jnp.take_along_axis(input, idx, axis=d)
        if not keepdim:
            vals, idx = jnp.squeeze(vals, d), jnp.squeeze(idx, d)
        return vals, idx.astype(jnp.int64)
    return fn


def _minmax_check(name):
    inner = _empty_check(name)

    def check(input, dim=None, keepdim=False):
        if dim is not None and not isinstance(dim, int):
            if hasattr(dim, "dtype"):
                raise TypeError("use torch.maximum/minimum for two tensors")
        inner(input, dim, keepdim)
    return check


register("max", dtype=_max_rule, returns=("values", "indices"), check=_minmax_check("max"), out=True)(
    _minmax("max", jnp.max, _argmax))
register("min", dtype=_max_rule, returns=("values", "indices"), check=_minmax_check("min"), out=True)(
    _minmax("min", jnp.min, _argmin))


def _bool_rule(op, vals):
    return None, ((D.uint8,) if vals[0].dtype is D.uint8 else (D.bool_,))


@register("all", dtype=_bool_rule, out=True, differentiable=False, check=_check_dims)
def _all(input, dim=None, keepdim=False):
    return jnp.all(input, axis=_ax(input, dim), keepdims=keepdim)


@register("any", dtype=_bool_rule, out=True, differentiable=False, check=_check_dims)
def _any(input, dim=None, keepdim=False):
    return jnp.any(input, axis=_ax(input, dim), keepdims=keepdim)


@register("count_nonzero", dtype="keep", differentiable=False, check=_check_dims)
def _count_nonzero(input, dim=None):
    return jnp.count_nonzero(input, axis=_ax(input, dim)).astype(jnp.int64)


def _norm_rule(op, vals):
    x, dt = vals[0], vals[op.index["dtype"]]
    if dt is not None:
        dt = D.to_dtype(dt)
        return dt, (dt.to_real(),)
    if x.dtype._category <= 1:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_name(x.dtype)}")
    return x.dtype, (x.dtype.to_real(),)


def vector_norm_fn(x, ord, axis, keepdims):
    a = jnp.abs(x)
    if ord == float("inf"):
        return jnp.max(a, axis=axis, keepdims=keepdims)
    if ord == float("-inf"):
        return jnp.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return jnp.sum((a != 0).astype(a.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdims)
    if ord == 2:
        # sqrt(sum(x^2)) whose gradient at 0 is 0, as torch's norm backward
        s = jnp.sum(a * a, axis=axis, keepdims=keepdims)
        safe = jnp.where(s == 0, 1.0, s)
        return jnp.where(s == 0, 0.0, jnp.sqrt(safe)).astype(a.dtype)
    return jnp.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


@register("norm", dtype=_norm_rule, out=True, grad="NormBackward1")
def _norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    ax = _ax(input, dim)
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        return jnp.sum(jnp.linalg.svd(input, compute_uv=False), axis=-1)
    if isinstance(ax, int):
        ax = (ax,)
    return vector_norm_fn(input, p, ax, keepdim)


@register("logsumexp", dtype="float", out=True, check=_check_dims)
def _logsumexp(input, dim, keepdim=False):
    return jax.scipy.special.logsumexp(input, axis=_ax(input, dim), keepdims=keepdim)


def _scan_rule(op, vals):
    x, dt = vals[0], vals[op.index["dtype"]]
    if dt is not None:
        dt = D.to_dtype(dt)
        return dt, (dt,)
    d = D.int64 if x.dtype._category <= 1 else x.dtype
    return d, (d,)


def _scan_check(input, dim, *, dtype=None):
    if input.dim():
        _wrap_dim(dim, input.dim())


@register("cumsum", dtype=_scan_rule, inplace=True, out=True, check=_scan_check)
def _cumsum(input, dim, *, dtype=None):
    return jnp.cumsum(input, axis=dim % input.ndim) if input.ndim else input


@register("cumprod", dtype=_scan_rule, inplace=True, out=True, check=_scan_check)
def _cumprod(input, dim, *, dtype=None):
    return jnp.cumprod(input, axis=dim % input.ndim) if input.ndim else input
