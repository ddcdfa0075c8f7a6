"""Reductions and scans: sum mean prod std var max min amax amin argmax argmin all any norm logsumexp cumsum ...

Like PyTorch's argument parser, every entry with a `dim` also accepts NumPy's `axis` (and `keepdims` for
`keepdim`) keyword: `reduction_op` adds these keyword-only aliases to the entry and merges them into dim/keepdim.
"""
from __future__ import annotations

import functools
import inspect

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._tensor import _wrap_dim
from ._registry import not_for, register, unsupported
from .dispatch import scalar_name

_KW = inspect.Parameter.KEYWORD_ONLY


def _overload(stem):
    """grad_fn name by torch's overload: <stem>Backward0 for a full reduction, <stem>Backward1 with a dim."""
    full, dims = stem + "Backward0", stem + "Backward1"
    return lambda v: full if v[1] is None else dims


def reduction_op(name, check=None, **meta):
    """register() for an entry with a `dim` (and maybe `keepdim`) parameter, adding the axis/keepdims aliases."""
    def deco(fn):
        sig = inspect.signature(fn)
        names = list(sig.parameters)
        di, ki = names.index("dim"), names.index("keepdim") if "keepdim" in names else None
        dim_default = sig.parameters["dim"].default
        required = dim_default is inspect.Parameter.empty
        if required:   # torch's dim is required, but axis= may stand in for it: bind with a None default
            params = [p.replace(default=None) if p.name == "dim" else p for p in sig.parameters.values()]
            sig, dim_default = sig.replace(parameters=params), None
        extra = [inspect.Parameter("axis", _KW, default=None)]
        if ki is not None:
            extra.append(inspect.Parameter("keepdims", _KW, default=None))
        n = len(names)

        def merge(vals):
            vals = list(vals)
            axis = vals[n]
            if axis is not None:
                if vals[di] is not dim_default and vals[di] != dim_default:
                    raise TypeError(f"{name}() received an invalid combination of arguments - got both 'dim' "
                                    "and 'axis'")
                vals[di] = axis
            elif required and vals[di] is None:
                raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
            if ki is not None and vals[n + 1] is not None:
                vals[ki] = vals[n + 1]
            return vals[:n]

        npos = sum(p.kind == p.POSITIONAL_OR_KEYWORD for p in sig.parameters.values())

        @functools.wraps(fn)
        def wrapper(*args, axis=None, keepdims=None, **kw):
            vals = list(args) + [kw[k] for k in names[npos:]] + [axis] + ([keepdims] if ki is not None else [])
            vals = merge(vals)
            return fn(*vals[:npos], **dict(zip(names[npos:], vals[npos:])))
        wrapper.__signature__ = sig.replace(parameters=list(sig.parameters.values()) + extra)

        def checker(*vals):
            m = merge(vals)
            if check is not None:
                check(*m)
        return register(name, check=checker, **meta)(wrapper)
    return deco


def dim_value(op, vals):
    """The effective dim of a bound reduction_op call (axis alias merged)."""
    a = vals[op.index["axis"]]
    return vals[1] if a is None else a


def _axes(dim, ndim):
    """torch dim argument -> sorted tuple of wrapped axes (None = all); raises torch's errors."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        seen = set()
        for d in dim:
            w = _wrap_dim(d, ndim)
            if w in seen:
                raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
            seen.add(w)
        return tuple(sorted(seen))
    return (_wrap_dim(dim, ndim),)


def _check_dims(input, dim=None, *rest):
    if dim is not None and not isinstance(dim, (str, bool)):
        _axes(dim, input.dim())


def _int_dim(name, inner=_check_dims):
    """Validation for entries whose dim is a single int in torch (a tuple is a TypeError)."""
    def check(input, dim=None, *rest):
        if isinstance(dim, (tuple, list)):
            raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, dim={type(dim).__name__}), "
                            "but expected one of:")
        inner(input, dim, *rest)
    return check


def _ax(x, dim):
    """dim (already validated) -> jnp axis argument."""
    if dim is None or dim == () or x.ndim == 0:
        return None
    if isinstance(dim, tuple):
        return tuple(sorted({d % x.ndim for d in dim}))
    return dim % x.ndim


# --- sum / prod / mean ---------------------------------------------------------------------------------------

def _sum_rule(op, vals):
    x, dt = vals[0], vals[op.index["dtype"]]
    if dt is not None:
        dt = D.to_dtype(dt)
        return dt, (dt,)
    d = D.int64 if x.dtype._category <= 1 else x.dtype
    return d, (d,)


@reduction_op("sum", dtype=_sum_rule, out=True, dtype_from_out=True, check=_check_dims, grad=_overload("Sum"))
def _sum(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.sum(input, axis=_ax(input, dim), keepdims=keepdim)


_NANSUM_COMPLEX = unsupported("c", "nansum on CPU does not support complex inputs", RuntimeError)


@reduction_op("nansum", dtype=_sum_rule, out=True, dtype_from_out=True, check=_check_dims, reject=_NANSUM_COMPLEX)
def _nansum(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.nansum(input, axis=_ax(input, dim), keepdims=keepdim)


@reduction_op("prod", dtype=_sum_rule, out=True, dtype_from_out=True, check=_int_dim("prod"), grad=_overload("Prod"))
def _prod(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.prod(input, axis=_ax(input, dim), keepdims=keepdim)


def _float_rule(name):
    def rule(op, vals):
        x, dt = vals[0], vals[op.index["dtype"]]
        if dt is not None:
            dt = D.to_dtype(dt)
            if dt._category <= 1:
                raise RuntimeError(f"{name}(): could not infer output dtype. Optional dtype must be either a "
                                   f"floating point or complex dtype. Got: {scalar_name(dt)}")
            return dt, (dt,)
        if x.dtype._category <= 1:
            raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {scalar_name(x.dtype)}")
        return x.dtype, (x.dtype,)
    return rule


@reduction_op("mean", dtype=_float_rule("mean"), out=True, check=_check_dims, grad=_overload("Mean"))
def _mean(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.mean(input, axis=_ax(input, dim), keepdims=keepdim)


def _nanmean_rule(op, vals):
    x, dt = vals[0], vals[op.index["dtype"]]
    if x.dtype._category <= 1:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{scalar_name(x.dtype)}")
    return _float_rule("nanmean")(op, vals)


@reduction_op("nanmean", dtype=_nanmean_rule, out=True, check=_check_dims, reject=_NANSUM_COMPLEX)
def _nanmean(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.nanmean(input, axis=_ax(input, dim), keepdims=keepdim)


# --- var / std -----------------------------------------------------------------------------------------------

def _var_rule(op, vals):
    x = vals[0]
    if isinstance(vals[1], bool):
        # the var(input, unbiased) overload: normalise it here, before the static values become the kernel's
        # cache key, where True and 1 would collide (see Op.kernel)
        vals[1], vals[2] = None, vals[1]
    if x.dtype._category <= 1:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return x.dtype, (x.dtype.to_real(),)


def _var_args(dim, unbiased, correction):
    """torch.var(x, True) (unbiased as second positional) and unbiased/correction -> (dim, correction)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def _var_check(input, dim=None, unbiased=None, keepdim=False, correction=None):
    _check_dims(input, dim)


def _var_impl(x, dim, unbiased, keepdim, correction):
    dim, correction = _var_args(dim, unbiased, correction)
    ax = _ax(x, dim)
    axes = range(x.ndim) if ax is None else ((ax,) if isinstance(ax, int) else ax)
    n = 1
    for a in axes:
        n *= x.shape[a]
    d = x - jnp.mean(x, axis=ax, keepdims=True)
    s = jnp.sum(jnp.real(d * jnp.conj(d)) if jnp.iscomplexobj(d) else d * d, axis=ax, keepdims=keepdim)
    return s / max(0, n - correction)


@reduction_op("var", dtype=_var_rule, out=True, check=_var_check)
def _var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_impl(input, dim, unbiased, keepdim, correction)


@reduction_op("std", dtype=_var_rule, out=True, check=_var_check)
def _std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return jnp.sqrt(_var_impl(input, dim, unbiased, keepdim, correction))


# --- max / min / amax / amin / argmax / argmin ---------------------------------------------------------------

def _empty_check(name, raw_dim=False, short=False):
    """torch's checks for reductions without identity (amax reports the dim as given, max/argmax wrapped)."""
    def check(input, dim=None, keepdim=False, *rest):
        if short and input.dtype is D.bool_:
            raise RuntimeError(f"{name}(): does not support bool input")
        dims = () if dim is None else tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
        if dims:
            for d in dims:
                w = _wrap_dim(d, input.dim())
                if input.dim() and input._size[w] == 0:
                    raise IndexError(f"{name}(): Expected reduction dim {d if raw_dim else w} to have non-zero size.")
            _axes(dim, input.dim())
        elif input.numel() == 0:
            msg = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            if short:
                raise IndexError(msg)
            raise RuntimeError(msg + " Specify the reduction dim with the 'dim' argument.")
    return check


@reduction_op("amax", dtype="same", out=True, check=_empty_check("amax", raw_dim=True),
              reject=not_for("c", "max_values_cpu"))
def _amax(input, dim=(), keepdim=False):
    return jnp.max(input, axis=_ax(input, dim), keepdims=keepdim)


@reduction_op("amin", dtype="same", out=True, check=_empty_check("amin", raw_dim=True),
              reject=not_for("c", "min_values_cpu"))
def _amin(input, dim=(), keepdim=False):
    return jnp.min(input, axis=_ax(input, dim), keepdims=keepdim)


def _nan_first(fn):
    """argmax/argmin that, like torch, return the first NaN's index when there is one (else the first extremum)."""
    def f(x, axis=None, keepdims=False):
        if x.dtype == jnp.bool_:
            x = x.astype(jnp.uint8)
        if jnp.issubdtype(x.dtype, jnp.floating):
            nan = jnp.isnan(x)
            has = jnp.any(nan, axis=axis, keepdims=keepdims)
            return jnp.where(has, jnp.argmax(nan, axis=axis, keepdims=keepdims), fn(x, axis=axis, keepdims=keepdims))
        return fn(x, axis=axis, keepdims=keepdims)
    return f


_argmax = _nan_first(jnp.argmax)
_argmin = _nan_first(jnp.argmin)


def _argext(fn, x, dim, keepdim):
    if dim is None:
        r = fn(x.reshape(-1))
        return r.reshape((1,) * x.ndim) if keepdim else r
    if x.ndim == 0:
        return jnp.zeros((), jnp.int64)
    return fn(x, axis=dim % x.ndim, keepdims=keepdim)


@reduction_op("argmax", dtype=lambda op, v: (None, (D.int64,)), out=True, differentiable=False,
              check=_empty_check("argmax", short=True),
              reject=unsupported("c", "argmax(): does not support complex input", RuntimeError))
def _argmax_op(input, dim=None, keepdim=False):
    return _argext(_argmax, input, dim, keepdim)


@reduction_op("argmin", dtype=lambda op, v: (None, (D.int64,)), out=True, differentiable=False,
              check=_empty_check("argmin", short=True),
              reject=unsupported("c", "argmin(): does not support complex input", RuntimeError))
def _argmin_op(input, dim=None, keepdim=False):
    return _argext(_argmin, input, dim, keepdim)


def _max_rule(op, vals):
    d = vals[0].dtype
    return None, ((d,) if dim_value(op, vals) is None else (d, D.int64))


def _minmax(red, arg):
    def fn(input, dim=None, keepdim=False):
        if dim is None:
            return red(input)
        if input.ndim == 0:
            return input, jnp.zeros((), jnp.int64)
        d = dim % input.ndim
        idx = arg(input, axis=d, keepdims=True)
        vals = jnp.take_along_axis(input, idx, axis=d)      # the gradient goes to the selected index only
        if not keepdim:
            vals, idx = jnp.squeeze(vals, d), jnp.squeeze(idx, d)
        return vals, idx
    return fn


def _minmax_check(name):
    inner = _empty_check(name)

    def check(input, dim=None, keepdim=False):
        if dim is not None and not isinstance(dim, int):
            raise TypeError(f"{name}() received an invalid combination of arguments - got dim of type "
                            f"{type(dim).__name__}")
        inner(input, dim, keepdim)
    return check


def _minmax_reject(name):
    """max/min of complex: the full reduction's kernel is missing; the dim overload refuses complex."""
    return unsupported("c", lambda v, d: NotImplementedError(f'"{name}_all" not implemented for \'{d}\'')
                       if v[1] is None else RuntimeError(f"{name}(): does not support complex input"))


reduction_op("max", dtype=_max_rule, returns=("values", "indices"), check=_minmax_check("max"), out=True,
             reject=_minmax_reject("max"), grad=lambda v: "MaxBackward1" if v[1] is None else "MaxBackward0")(_minmax(jnp.max, _argmax))
reduction_op("min", dtype=_max_rule, returns=("values", "indices"), check=_minmax_check("min"), out=True,
             reject=_minmax_reject("min"), grad=lambda v: "MinBackward1" if v[1] is None else "MinBackward0")(_minmax(jnp.min, _argmin))


# --- all / any / count_nonzero -------------------------------------------------------------------------------

def _bool_rule(op, vals):
    return None, ((D.uint8,) if vals[0].dtype is D.uint8 else (D.bool_,))


@reduction_op("all", dtype=_bool_rule, out=True, differentiable=False, check=_check_dims)
def _all(input, dim=None, keepdim=False):
    if dim == ():
        return input != 0
    return jnp.all(input, axis=_ax(input, dim), keepdims=keepdim)


@reduction_op("any", dtype=_bool_rule, out=True, differentiable=False, check=_check_dims)
def _any(input, dim=None, keepdim=False):
    if dim == ():
        return input != 0
    return jnp.any(input, axis=_ax(input, dim), keepdims=keepdim)


@reduction_op("count_nonzero", dtype=lambda op, v: (None, (D.int64,)), differentiable=False, check=_check_dims)
def _count_nonzero(input, dim=None):
    return jnp.count_nonzero(input, axis=_ax(input, dim))


# --- norm / logsumexp ----------------------------------------------------------------------------------------

def _norm_rule(op, vals):
    x, dt = vals[0], vals[op.index["dtype"]]
    if dt is not None:
        dt = D.to_dtype(dt)
        return dt, (dt.to_real(),)
    if x.dtype._category <= 1:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_name(x.dtype)}")
    return x.dtype, (x.dtype.to_real(),)


def _abs(x):
    """|x| whose derivative at 0 is 0 (torch uses sgn(x) in the norm backward)."""
    return jnp.abs(x) if jnp.iscomplexobj(x) else x * jnp.sign(x)


def _safe_root(s, p):
    """s ** (1/p) with a zero gradient where s == 0 (torch masks the norm backward at a zero norm)."""
    zero = s == 0
    r = jnp.where(zero, 1.0, s) ** (1.0 / p)
    return jnp.where(zero, jnp.zeros_like(r), r)


def vector_norm_fn(x, ord, axis, keepdims):
    if x.dtype in (jnp.float16, jnp.bfloat16):     # accumulate in float32 as torch (the kernel rounds back)
        x = x.astype(jnp.float32)
    a = _abs(x)
    if ord == float("inf"):
        return jnp.max(a, axis=axis, keepdims=keepdims)
    if ord == float("-inf"):
        return jnp.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return jnp.sum((a != 0).astype(a.dtype), axis=axis, keepdims=keepdims) + 0 * jnp.sum(a, axis=axis,
                                                                                               keepdims=keepdims)
    if ord == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdims)
    if ord == 2:
        return _safe_root(jnp.sum(a * a, axis=axis, keepdims=keepdims), 2)
    return _safe_root(jnp.sum(a ** ord, axis=axis, keepdims=keepdims), ord)


def _norm_check(input, p="fro", dim=None, keepdim=False, dtype=None):
    _check_dims(input, dim)
    if p == "nuc" and (dim is None and input.dim() != 2 or dim is not None and len(_axes(dim, input.dim())) != 2):
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")


@register("norm", dtype=_norm_rule, out=True, grad="LinalgVectorNormBackward0", check=_norm_check)
def _norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    ax = _ax(input, dim)
    if isinstance(ax, int):
        ax = (ax,)
    if p == "nuc":
        ax = ax or (0, 1)
        m = jnp.moveaxis(input, ax, (-2, -1))
        r = jnp.sum(jnp.linalg.svd(m, compute_uv=False), axis=-1)
        return jnp.expand_dims(r, ax) if keepdim else r
    if p == "fro" or p is None:
        p = 2
    return vector_norm_fn(input, p, ax, keepdim)


def _logsumexp_check(input, dim, keepdim=False):
    _check_dims(input, dim)
    if isinstance(dim, (tuple, list)) and not dim and input.dim() and input.numel():
        # torch reduces everything into a 0-d out, then fails to broadcast it back (ATen's behaviour)
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape "
                           f"[{', '.join(['1'] * input.dim())}]")


@reduction_op("logsumexp", dtype="float", out=True, check=_logsumexp_check)
def _logsumexp(input, dim, keepdim=False):
    return jax.scipy.special.logsumexp(input, axis=_ax(input, dim), keepdims=keepdim)


# --- scans ---------------------------------------------------------------------------------------------------

def _scan_rule(op, vals):
    x, dt = vals[0], vals[op.index["dtype"]]
    if dt is not None:
        dt = D.to_dtype(dt)
        return dt, (dt,)
    d = D.int64 if x.dtype._category <= 1 else x.dtype
    return d, (d,)


def _scan_check(input, dim, dtype=None):
    _wrap_dim(dim, input.dim())


@reduction_op("cumsum", dtype=_scan_rule, inplace=True, out=True, check=_scan_check,
              inplace_reject=not_for("b", "cumsum_out_cpu"))      # x.cumsum_() computes in x's dtype
def _cumsum(input, dim, *, dtype=None):
    return jnp.cumsum(input, axis=dim % input.ndim) if input.ndim else input


@reduction_op("cumprod", dtype=_scan_rule, inplace=True, out=True, check=_scan_check,
              inplace_reject=not_for("b", "cumprod_out_cpu"))      # x.cumprod_() computes in x's dtype
def _cumprod(input, dim, *, dtype=None):
    return jnp.cumprod(input, axis=dim % input.ndim) if input.ndim else input
