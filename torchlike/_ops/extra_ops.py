"""Less common core ops: logaddexp ldexp frexp nextafter polygamma isin, std_mean var_mean logcumsumexp diff dist
renorm histogram cov corrcoef, tril/triu_indices vander narrow_copy, the *_scatter family and index_reduce.

Each op is one op-table entry (pure JAX + metadata); plain Python functions (published through `python_op`, like
the view functions) only pick an overload or adapt argument order.
"""
from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _device, _dtype as D
from .._tensor import Tensor, _wrap_dim, from_array
from . import dispatch, views
from ._registry import register
from .dispatch import scalar_name
from .reduction import _ax, _check_dims, _var_impl, _var_rule, reduction_op

python_op = views.view_op       # plain Python torch functions / methods (installed like the view functions)


def _shape(size):
    return f"[{', '.join(map(str, size))}]"


def _cfmt(v):
    """A Scalar as c10 prints it (C++ stream defaults: -1.0 -> -1, 1e-07)."""
    return f"{v:g}" if isinstance(v, float) else str(v)


def _not_impl(name, d):
    raise NotImplementedError(f'"{name}" not implemented for \'{scalar_name(d)}\'')


def _result_check(name, kinds):
    """check=: torch's NotImplementedError when the promoted dtype of the first two arguments is in `kinds`."""
    def check(i, o, *rest):
        d = D.result_type(i, o)
        if d._category in kinds:
            _not_impl(name, d)
    return check


def _method_first(opname, pos):
    """A Tensor method that passes `self` as argument `pos` of the entry (torch.polygamma(n, input))."""
    def method(self, *args, **kwargs):
        args = args[:pos] + (self,) + args[pos:]
        return dispatch.call(opname, args, kwargs)
    return method


def _inplace_first(opname, pos):
    def method(self, *args, **kwargs):
        dispatch.check_leaf_inplace(self)
        r = dispatch.call(opname, args[:pos] + (self,) + args[pos:], kwargs)
        dispatch.check_inplace(self, r)
        dispatch.commit_inplace(self, r)
        return self
    return method


def _method_inplace(opname):
    """x.op_(...) for ops torch has no torch.op_ function for (the op-table's inplace=True would add one)."""
    def method(self, *args, **kwargs):
        return dispatch.inplace(opname, self, args, kwargs)
    method.__name__ = method.__qualname__ = opname + "_"
    python_op(opname + "_", function=False)(method)


# --- pointwise ------------------------------------------------------------------------------------------------

def _logaddexp_fn(input, other):
    if jnp.iscomplexobj(input):
        big = jnp.where(jnp.real(input) >= jnp.real(other), input, other)
        small = jnp.where(jnp.real(input) >= jnp.real(other), other, input)
        return big + jnp.log1p(jnp.exp(small - big))
    return jnp.logaddexp(input, other)


register("logaddexp", tensors=("input", "other"), tensor_only=("input", "other"), out=True,
         check=_result_check("logaddexp_cpu", (0, 1)))(_logaddexp_fn)


@register("logaddexp2", tensors=("input", "other"), tensor_only=("input", "other"), out=True,
          check=_result_check("logaddexp2_cpu", (0, 1, 3)))
def _logaddexp2(input, other):
    return jnp.logaddexp2(input, other)


@register("ldexp", tensors=("input", "other"), tensor_only=("input", "other"), dtype="float", inplace=True,
          out=True)
def _ldexp(input, other):
    return input * jnp.exp2(other)


_FLOAT_BITS = {8: (jnp.uint64, 52, 1023), 4: (jnp.uint32, 23, 127)}


def _frexp_raw(x):
    """(mantissa, exponent) by bit manipulation: right for subnormal numbers too (XLA flushes them in arithmetic);
    16-bit floats go through float32 (exact)."""
    dt = x.dtype
    if dt.itemsize < 4:
        x = x.astype(jnp.float32)
    ut, M, B = _FLOAT_BITS[x.dtype.itemsize]
    W = 8 * x.dtype.itemsize
    bits = lax.bitcast_convert_type(x, ut)
    one = jnp.asarray(1, ut)
    fracmask = (one << M) - one
    sign = bits & (one << (W - 1))
    ef = ((bits >> M) & ((one << (W - 1 - M)) - one)).astype(jnp.int32)
    frac = bits & fracmask
    n = W - lax.clz(frac).astype(jnp.int32)                      # bit length of a subnormal's fraction
    sub = (ef == 0) & (frac != 0)
    shift = jnp.clip(M + 1 - n, 0, M).astype(ut)
    frac = jnp.where(sub, (frac << shift) & fracmask, frac)
    mbits = sign | (jnp.asarray(B - 1, ut) << M) | frac
    special = ((ef == 0) & ~sub) | (ef == (1 << (W - 1 - M)) - 1)   # zero, inf, nan: (x, 0)
    m = jnp.where(special, x, lax.bitcast_convert_type(mbits, x.dtype))
    e = jnp.where(special, 0, jnp.where(sub, n + 1 - B - M, ef - (B - 1)))
    return m.astype(dt), e.astype(jnp.int32)


@jax.custom_jvp
def _mantissa(x):
    return _frexp_raw(x)[0]


@_mantissa.defjvp
def _mantissa_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    m, e = _frexp_raw(x)
    return m, t * jnp.exp2(-e.astype(x.dtype))


def _frexp_check(input):
    if input.dtype._category != 2:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")


@register("frexp", dtype=lambda op, v: (None, (v[0].dtype, D.int32)), returns=("mantissa", "exponent"), out=True,
          check=_frexp_check)
def _frexp(input):
    return _mantissa(input), _frexp_raw(input)[1]


@jax.custom_jvp
def _nextafter_fn(x, y):
    return jnp.nextafter(x, y)


@_nextafter_fn.defjvp
def _nextafter_jvp(primals, tangents):
    return _nextafter_fn(*primals), tangents[0] + jnp.zeros_like(tangents[1])


@register("nextafter", tensors=("input", "other"), tensor_only=("input", "other"), out=True,
          check=_result_check("nextafter_cpu", (0, 1, 3)))
def _nextafter(input, other):
    x, y = jnp.broadcast_arrays(input, other)
    return _nextafter_fn(x, y)


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _polygamma_fn(n, x):
    if n == 0:
        return jnp.where(x == 0, jnp.copysign(jnp.inf, -x), jax.scipy.special.digamma(x))   # -0.0: +inf
    return jax.scipy.special.polygamma(n, x)


@_polygamma_fn.defjvp
def _polygamma_jvp(n, primals, tangents):
    (x,), (t,) = primals, tangents
    return _polygamma_fn(n, x), t * _polygamma_fn(n + 1, x)


def _polygamma_check(n, input):
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if input.dtype._category == 3:
        _not_impl("polygamma", input.dtype)


@register("polygamma", dtype=lambda op, v: _float_of(v[1]), tensor_only=("input",), method=False, out=True,
          check=_polygamma_check)
def _polygamma(n, input):
    return _polygamma_fn(n, input)


def _float_of(x):
    d = x.dtype if x.dtype._category >= 2 else D.get_default_dtype()
    return d, (d,)


python_op("polygamma", function=False)(_method_first("polygamma", 1))
python_op("polygamma_", function=False)(_inplace_first("polygamma", 1))


def _isin_check(elements, test_elements, assume_unique=False, invert=False):
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments - got (Number, Number)")
    for t in (elements, test_elements):
        if isinstance(t, Tensor) and t.dtype._category in (0, 3) or t is True or t is False:
            d = t.dtype if isinstance(t, Tensor) else D.bool_
            raise RuntimeError(f"Unsupported input type encountered for isin(): {scalar_name(d)}")


@register("isin", tensors=("elements", "test_elements"), dtype="compare", method=False, out=True,
          differentiable=False, check=_isin_check)
def _isin(elements, test_elements, *, assume_unique=False, invert=False):
    e = jnp.asarray(elements)
    return jnp.isin(e, jnp.asarray(test_elements).reshape(-1), invert=invert)


# --- std_mean / var_mean / logcumsumexp / diff / dist / renorm -------------------------------------------------

def _stat_mean_rule(op, vals):
    cast, (real,) = _var_rule(op, vals)
    return cast, (real, vals[0].dtype)


def _var_check(name):
    def check(input, dim=None, unbiased=None, keepdim=False, correction=None):
        _check_dims(input, dim)
        if isinstance(dim, bool):
            dim, unbiased = None, dim
        if correction is None:
            correction = 0 if unbiased is False else 1
        axes = range(input.dim()) if dim is None or dim == () or dim == [] else \
            [_wrap_dim(d, input.dim()) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))]
        n = math.prod(input._size[a] for a in set(axes)) if input.dim() else 1
        if n - correction <= 0:
            warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                          "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=5)
    return check


@reduction_op("var_mean", dtype=_stat_mean_rule, method=False, check=_var_check("var_mean"))
def _var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    d = None if isinstance(dim, bool) else dim
    return (_var_impl(input, dim, unbiased, keepdim, correction),
            jnp.mean(input, axis=_ax(input, d), keepdims=keepdim))


@reduction_op("std_mean", dtype=_stat_mean_rule, method=False, check=_var_check("std_mean"))
def _std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    v, m = _var_mean(input, dim, unbiased, keepdim, correction=correction)
    return jnp.sqrt(v), m


def _logcumsumexp_check(input, dim):
    _wrap_dim(dim, input.dim())
    if input.dtype._category <= 1:
        _not_impl("logcumsumexp_out_cpu", input.dtype)


def _logcumsumexp_complex(x, axis):
    def comb(a, b):
        big = jnp.where(jnp.real(a) >= jnp.real(b), a, b)
        small = jnp.where(jnp.real(a) >= jnp.real(b), b, a)
        r = big + jnp.log1p(jnp.exp(small - big))
        return jnp.where(jnp.isneginf(jnp.real(big)), big, r)
    return lax.associative_scan(comb, x, axis=axis)


@reduction_op("logcumsumexp", dtype="same", out=True, check=_logcumsumexp_check)
def _logcumsumexp(input, dim):
    if input.ndim == 0:
        return input
    axis = dim % input.ndim
    if jnp.iscomplexobj(input):
        return _logcumsumexp_complex(input, axis)
    return lax.cumlogsumexp(input, axis=axis)


def _diff_rule(op, vals):
    x = vals[0]
    if vals[1] == 0:
        return x.dtype, (x.dtype,)
    r = x.dtype
    for t in (vals[3], vals[4]):
        if isinstance(t, Tensor):
            r = D.promote_types(r, t.dtype)
    return r, (r,)


def _diff_check(input, n=1, dim=-1, prepend=None, append=None):
    for name, t in (("prepend", prepend), ("append", append)):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"diff(): argument '{name}' must be Tensor, not {type(t).__name__}")
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(dim, input.dim())
    for t in (prepend, append):
        if t is None:
            continue
        if t.dim() != input.dim():
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for i in range(input.dim()):
            if i != d and t._size[i] != input._size[i]:
                raise RuntimeError(f"diff expects the shape of tensor to prepend or append to match that of input "
                                   f"except along the differencing dimension; input.size({i}) = {input._size[i]}, "
                                   f"but got tensor.size({i}) = {t._size[i]}")


@register("diff", tensors=("input", "prepend", "append"), dtype=_diff_rule, out=True, check=_diff_check,
          grad=lambda v: "CopyBackwards" if v[1] == 0 else "SubBackward0")
def _diff(input, n=1, dim=-1, prepend=None, append=None):
    if n == 0:
        return input
    axis = dim % input.ndim
    x = jnp.concatenate([t for t in (prepend, input, append) if t is not None], axis=axis)
    for _ in range(min(n, x.shape[axis])):
        a = lax.slice_in_dim(x, 1, x.shape[axis], axis=axis)
        b = lax.slice_in_dim(x, 0, x.shape[axis] - 1, axis=axis)
        x = jnp.logical_xor(a, b) if x.dtype == jnp.bool_ else a - b
    return x


def _norm_p(x, p, axis=None, keepdims=False):
    from .reduction import vector_norm_fn
    return vector_norm_fn(x, p, axis, keepdims)


def _dist_check(input, other, p=2):
    d = D.result_type(input, other)
    if d._category <= 1:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got {scalar_name(d)} "
                           "instead.")


@register("dist", tensors=("input", "other"), tensor_only=("input", "other"),
          dtype=lambda op, v: (lambda r: (r, (r.to_real(),)))(D.result_type(v[0], v[1])), check=_dist_check)
def _dist(input, other, p=2):
    return _norm_p(input - other, float(p))


def _renorm_check(input, p, dim, maxnorm):
    if input.dim() < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} dimensions")
    _wrap_dim(dim, input.dim())
    if input.dtype._category <= 1:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{scalar_name(input.dtype)}")
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {_cfmt(maxnorm)}")


@register("renorm", tensors=("input",), dtype="same", out=True, check=_renorm_check)
def _renorm(input, p, dim, maxnorm):
    d = dim % input.ndim
    axes = tuple(i for i in range(input.ndim) if i != d)
    norm = _norm_p(input, float(p), axes, True)
    factor = jnp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(input.dtype)
    return input * factor


# --- tril_indices / triu_indices / vander / narrow_copy -----------------------------------------------------------

def _tri_indices(name, lower):
    def fn(row, col, offset=0, *, dtype=None, device=None, layout=None, requires_grad=False, pin_memory=False):
        dt = D.int64 if dtype is None else D.to_dtype(dtype)
        if row < 0:
            raise RuntimeError(f"row must be non-negative, got{row}")
        if col < 0:
            raise RuntimeError(f"col must be non-negative, got{col}")
        if dt not in (D.int32, D.int64):
            _not_impl(name, dt)
        r, c = np.indices((row, col)).reshape(2, -1)
        keep = (c - r <= offset) if lower else (c - r >= offset)
        arr = np.stack([r[keep], c[keep]]).astype(dt.np)
        dev = _device.canonical(device)
        return from_array(jax.device_put(arr, _device.jax_device(dev)), dt, dev)
    fn.__name__ = fn.__qualname__ = name
    return fn


python_op("tril_indices", method=False)(_tri_indices("tril_indices", True))
python_op("triu_indices", method=False)(_tri_indices("triu_indices", False))


def _vander_check(x, N=None, increasing=False):
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is not None and N < 0:
        raise RuntimeError("N must be non-negative.")


def _vander_rule(op, vals):
    d = D.promote_types(vals[0].dtype, D.int64)
    return d, (d,)


def powers(x, n):
    """x ** [0 .. n-1] along a new last axis, by a running product (as torch's cumprod)."""
    if n == 0:
        return jnp.zeros(x.shape + (0,), x.dtype)
    rest = jnp.cumprod(jnp.broadcast_to(x[..., None], x.shape + (n - 1,)), axis=-1)
    return jnp.concatenate([jnp.ones(x.shape + (1,), x.dtype), rest], axis=-1)


@register("_vander", tensors=("x",), dtype=_vander_rule, method=False, function=False, check=_vander_check,
          grad=lambda v: "CopySlices" if v[2] else "FlipBackward0")
def _vander_fn(x, N=None, increasing=False):
    r = powers(x, x.shape[0] if N is None else N)
    return r if increasing else jnp.flip(r, -1)


@python_op("vander", method=False)
def vander(x, N=None, increasing=False):
    r = dispatch.call("_vander", (x, N, increasing), {})
    if r._size[1] <= 1 and r.requires_grad:      # torch fills the ones: no history
        r = r.detach()
    return r


def _narrow_check(input, dim, start, length):
    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if dim >= max(input.dim(), 1):
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an enhancement request to "
                           "PyTorch.)")
    d = _wrap_dim(dim, input.dim())
    size = input._size[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start %= max(size, 1) if start < 0 else size + 1
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")


@register("_narrow_copy", dtype="same", method=False, function=False, check=_narrow_check, grad="NarrowCopyBackward0")
def _narrow_copy_fn(input, dim, start, length):
    d = dim % input.ndim
    start = start + input.shape[d] if start < 0 else start
    return lax.slice_in_dim(input, start, start + length, axis=d)


@python_op("narrow_copy")
def narrow_copy(input, dim, start, length, *, out=None):
    r = dispatch.call("_narrow_copy", (input, dim, int(start), int(length)), {})
    return r if out is None else dispatch.write_out(out, r)


# --- select_scatter / slice_scatter / diagonal_scatter / as_strided_scatter -----------------------------------------

def _src_size_check(src, size):
    if tuple(src._size) != tuple(size):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {_shape(src._size)}, "
                           f"slice size = {_shape(size)}")


def _select_scatter_check(input, src, dim, index):
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.dim())
    n = input._size[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {_shape(input._size)} at "
                         f"dimension {d}")
    _src_size_check(src, input._size[:d] + input._size[d + 1:])


_SCATTER = dict(tensors=("input", "src"), tensor_only=("src",), dtype="same")


@register("select_scatter", check=_select_scatter_check, **_SCATTER)
def _select_scatter(input, src, dim, index):
    d = dim % input.ndim
    idx = (slice(None),) * d + (index % input.shape[d],)
    return input.at[idx].set(src)


def _slice_bounds(size, start, end, step):
    start, end, _ = slice(0 if start is None else start, size if end is None else end).indices(size)
    return start, max(end, start), step


def _slice_scatter_check(input, src, dim=0, start=None, end=None, step=1):
    d = _wrap_dim(dim, input.dim())
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    s, e, st = _slice_bounds(input._size[d] if input.dim() else 1, start, end, step)
    _src_size_check(src, input._size[:d] + ((e - s + st - 1) // st,) + input._size[d + 1:])


@register("slice_scatter", check=_slice_scatter_check, **_SCATTER)
def _slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    d = dim % input.ndim
    s, e, st = _slice_bounds(input.shape[d], start, end, step)
    return input.at[(slice(None),) * d + (slice(s, e, st),)].set(src)


def _diag_positions(shape, offset, d1, d2):
    """Index arrays (over all dims) of the diagonal(offset, d1, d2) elements, diagonal last as torch lays it out."""
    n1, n2 = shape[d1], shape[d2]
    k = max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))
    i = np.arange(k) - min(offset, 0)
    j = np.arange(k) + max(offset, 0)
    return i, j


def _diagonal_scatter_check(input, src, offset=0, dim1=0, dim2=1):
    n = input.dim()
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    i, _ = _diag_positions(input._size, offset, d1, d2)
    rest = tuple(s for a, s in enumerate(input._size) if a not in (d1, d2))
    _src_size_check(src, rest + (len(i),))


@register("diagonal_scatter", check=_diagonal_scatter_check, **_SCATTER)
def _diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    d1, d2 = dim1 % input.ndim, dim2 % input.ndim
    i, j = _diag_positions(input.shape, offset, d1, d2)
    x = jnp.moveaxis(input, (d1, d2), (-2, -1))
    x = x.at[..., i, j].set(src)
    return jnp.moveaxis(x, (-2, -1), (d1, d2))


def _strided_positions(size, stride, offset):
    pos = np.full(tuple(size), offset, np.int64)
    for a, (n, s) in enumerate(zip(size, stride)):
        pos = pos + (np.arange(n) * s).reshape((-1,) + (1,) * (len(size) - a - 1))
    return pos


def _as_strided_scatter_check(input, src, size, stride, storage_offset=None):
    off = 0 if storage_offset is None else storage_offset
    need = 1 + off + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    if need > input.numel():
        nbytes = input.dtype.itemsize
        raise RuntimeError(f"setStorage: sizes {_shape(size)}, strides {_shape(stride)}, storage offset {off}, and "
                           f"itemsize {nbytes} requiring a storage size of {need * nbytes} are out of bounds for "
                           f"storage of size {input.numel() * nbytes}")
    _src_size_check(src, tuple(size))


@register("as_strided_scatter", check=_as_strided_scatter_check, **_SCATTER)
def _as_strided_scatter(input, src, size, stride, storage_offset=None):
    pos = _strided_positions(size, stride, 0 if storage_offset is None else storage_offset)
    return input.reshape(-1).at[pos].set(src).reshape(input.shape)


# --- index_reduce ---------------------------------------------------------------------------------------------------

_INDEX_REDUCES = ("prod", "mean", "amax", "amin")


def _index_reduce_check(input, dim, index, source, reduce, include_self=True):
    if reduce not in _INDEX_REDUCES:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d = _wrap_dim(dim, input.dim())
    if index.dim() > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: {index.dim()} with type: "
                         f"{scalar_name(index.dtype)} and size: {_shape(index._size)}")
    if index.dtype not in (D.int32, D.int64):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{scalar_name(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({scalar_name(input.dtype)}) and source "
                           f"({scalar_name(source.dtype)}) must have the same scalar type")
    if source.dim() != input.dim() or any(a != b for i, (a, b) in enumerate(zip(input._size, source._size))
                                          if i != d):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {_shape(input._size)} source.shape = {_shape(source._size)}")
    n = source._size[d] if source.dim() else 1
    if index.numel() != n:
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be equal to "
                           f"source.size(dim): ({n}), for dim: {d}")
    idx = np.asarray(index._value())
    if idx.size and (idx.min() < 0 or idx.max() >= (input._size[d] if input.dim() else 1)):
        raise IndexError("index out of range in self")
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=4)


def _segment_prod(src, idx, size):
    """Per target row j, the product of the source rows whose index is j (1 where none), differentiable."""
    order = jnp.argsort(idx, stable=True)
    sidx, ssrc = idx[order], src[order]
    start = jnp.concatenate([jnp.ones((1,), bool), sidx[1:] != sidx[:-1]])
    flags = start.reshape((-1,) + (1,) * (src.ndim - 1))

    def comb(a, b):
        (va, fa), (vb, fb) = a, b
        return jnp.where(fb, vb, va * vb), fa | fb
    prods, _ = lax.associative_scan(comb, (ssrc, jnp.broadcast_to(flags, ssrc.shape)), axis=0)
    last = jnp.concatenate([sidx[1:] != sidx[:-1], jnp.ones((1,), bool)])
    target = jnp.where(last, sidx, size)                         # non-final rows of a segment go to a dropped slot
    out = jnp.ones((size + 1,) + src.shape[1:], src.dtype).at[target].set(prods)
    return out[:size]


def _index_reduce_impl(x, idx, src, reduce, include_self):
    """Along axis 0."""
    n = x.shape[0]
    count = jnp.zeros((n,), x.dtype).at[idx].add(jnp.ones((), x.dtype)).reshape((n,) + (1,) * (x.ndim - 1))
    hit = count > 0
    if reduce == "prod":
        p = _segment_prod(src, idx, n)
        return jnp.where(hit, x * p if include_self else p, x)
    if reduce == "mean":
        s = (x if include_self else jnp.where(hit, jnp.zeros((), x.dtype), x)).at[idx].add(src)
        c = jnp.where(hit, count + (1 if include_self else 0), 1).astype(x.dtype)
        return s // c if jnp.issubdtype(x.dtype, jnp.integer) else s / c
    big = reduce == "amax"
    if jnp.issubdtype(x.dtype, jnp.inexact):
        fill = jnp.asarray(-jnp.inf if big else jnp.inf, x.dtype)
    else:
        fill = jnp.asarray(jnp.iinfo(x.dtype).min if big else jnp.iinfo(x.dtype).max, x.dtype)
    base = x if include_self else jnp.where(hit, fill, x)
    out = lax.stop_gradient(base.at[idx].max(src) if big else base.at[idx].min(src))
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return out
    # torch's gradient: shared evenly between the self and source values equal to the result
    # (a self value equal to the result counts even when include_self=False; it then gets no gradient)
    m_self = (x == out) & hit
    m_src = src == out[idx]
    k = m_self.astype(x.dtype) + jnp.zeros_like(x).at[idx].add(m_src.astype(x.dtype))
    own = jnp.where(m_self, x, 0) if include_self else jnp.zeros_like(x)
    expr = (own + jnp.zeros_like(x).at[idx].add(jnp.where(m_src, src, 0))) / jnp.maximum(k, 1)
    return jnp.where(hit, out + (expr - lax.stop_gradient(expr)), x)


@register("index_reduce", tensors=("input", "index", "source"), cast=("input", "source"), dtype="same",
          out=True, nondiff=("index",), check=_index_reduce_check)
def _index_reduce(input, dim, index, source, reduce, *, include_self=True):
    if input.ndim == 0:
        return _index_reduce_impl(input.reshape(1), index.reshape(-1), source.reshape(1), reduce,
                                  include_self).reshape(())
    d = dim % input.ndim
    r = _index_reduce_impl(jnp.moveaxis(input, d, 0), index.reshape(-1), jnp.moveaxis(source, d, 0), reduce,
                           include_self)
    return jnp.moveaxis(r, 0, d)


for _name in ("nextafter", "renorm", "index_reduce"):
    _method_inplace(_name)

from . import extra_stats  # noqa: E402,F401  (histogram, cov, corrcoef)
