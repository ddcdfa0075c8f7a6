"""Contractions and norms: einsum tensordot kron inner cross cdist trapezoid chain_matmul and the linalg.* products
(multi_dot vecdot cross) and norms (vector_norm matrix_norm)."""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp

from .. import _dtype as D
from ._registry import register
from .dispatch import scalar_name
from .linalg import broadcast_check, cname, dims, not_implemented
from .linalg_ops import float_check, matrix_check

INF = math.inf


def _wrap(d, n):
    if not -max(n, 1) <= d < max(n, 1):
        lo, hi = -max(n, 1), max(n, 1) - 1
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})")
    return d % max(n, 1)


def _same_dtype(ts, msg=None):
    d0 = ts[0].dtype
    for t in ts[1:]:
        if t.dtype is not d0:
            raise RuntimeError(msg or f"expected scalar type {scalar_name(d0)} but found {scalar_name(t.dtype)}")


def _first(op, vals):
    d = vals[op.tensor_idx[0]].dtype
    return d, (d,)


def _first_of_list(op, vals):
    d = vals[op.tensor_idx[0]][0].dtype
    return d, (d,)


# --- einsum ------------------------------------------------------------------------------------------------

def _parse(equation, ndims):
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(ndims):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(ndims):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for i, (t, nd) in enumerate(zip(terms, ndims)):
        ell = "..." in t
        c = len(t.replace("...", ""))
        if not ell and c != nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({c}) does not match the number "
                               f"of dimensions ({nd}) for operand {i} and no ellipsis was given")
        if ell and c > nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({c}) is more than the number of "
                               f"dimensions ({nd}) for operand {i}")
    return eq, terms


def _labels(term, shape):
    """(label, size) pairs of an operand's named dims."""
    head, ell, tail = term.partition("...")
    out = list(zip(head, shape[:len(head)]))
    if ell:
        out += list(zip(tail, shape[len(shape) - len(tail):]))
    return out


def _einsum_check(equation, operands):
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    _, terms = _parse(equation, [t.dim() for t in operands])
    seen = {}
    for i, (t, op) in enumerate(zip(terms, operands)):
        for lab, size in _labels(t, op._size):
            prev = seen.get(lab)
            if prev is not None and size != prev and size != 1 and prev != 1:
                raise RuntimeError(f"einsum(): subscript {lab} has size {size} for operand {i} which does not "
                                   f"broadcast with previously seen size {prev}")
            seen[lab] = size if prev in (None, 1) else prev
    _same_dtype(operands)
    if len(operands) > 1:
        not_implemented("bmm", operands[0])


@register("einsum", tensors=("operands*",), check=_einsum_check, dtype=_first_of_list, function=False,
          method=False, grad="ViewBackward0")
def _einsum(equation, operands):
    eq, terms = _parse(equation, [o.ndim for o in operands])
    sizes = {}
    for t, o in zip(terms, operands):
        for lab, s in _labels(t, o.shape):
            sizes[lab] = max(sizes.get(lab, 1), s)
    fixed = []
    for t, o in zip(terms, operands):     # torch broadcasts size-1 subscripts; jnp.einsum does not
        labs = _labels(t, o.shape)
        head = t.partition("...")[0]
        shape = list(o.shape)
        for k, (lab, s) in enumerate(labs):
            pos = k if k < len(head) else len(shape) - (len(labs) - k)
            shape[pos] = sizes[lab]
        fixed.append(jnp.broadcast_to(o, tuple(shape)))
    return jnp.einsum(eq, *fixed)


# --- tensordot, kron, inner, cross -------------------------------------------------------------------------

def _td_dims(a_nd, dims_):
    if isinstance(dims_, int):
        if dims_ < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims_}")
        return tuple(range(a_nd - dims_, a_nd)), tuple(range(dims_)), tuple(range(-dims_, 0))
    da, db = dims_
    da = (da,) if isinstance(da, int) else tuple(da)
    db = (db,) if isinstance(db, int) else tuple(db)
    return da, db, da


def _tensordot_check(a, b, dims=2):
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if not isinstance(dims, int) and len(dims[0] if not isinstance(dims[0], int) else (1,)) != \
            len(dims[1] if not isinstance(dims[1], int) else (1,)):
        raise RuntimeError("both dimension lists should have same length")
    da, db, shown = _td_dims(a.dim(), dims)
    if a.dtype is D.bool_:
        k = math.prod(a._size[_wrap(x, a.dim())] for x in da)
        free = math.prod(a._size) * math.prod(b._size) // max(1, k) ** 2
        not_implemented("dot" if free == 1 else "addmm_impl_cpu_", a)
    for x, y, s in zip(da, db, shown):
        sa, sb = a._size[_wrap(x, a.dim())], b._size[_wrap(y, b.dim())]
        if sa != sb:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa} in dim {s} and second "
                               f"has size {sb} in dim {y}")


@register("tensordot", tensors=("a", "b"), check=_tensordot_check, dtype=_first, method=False, out=True,
          grad="ViewBackward0")
def _tensordot(a, b, dims=2):
    da, db, _ = _td_dims(a.ndim, dims)
    return jnp.tensordot(a, b, axes=(tuple(d % a.ndim for d in da), tuple(d % b.ndim for d in db)))


@register("kron", tensors=("input", "other"), out=True, grad="UnsafeViewBackward0")
def _kron(input, other):
    if input.dtype == jnp.bool_:
        return jnp.kron(input.astype(jnp.uint8), other.astype(jnp.uint8)).astype(jnp.bool_)
    return jnp.kron(input, other)


def _inner_check(a, b):
    if a.dim() == 0 or b.dim() == 0:
        return
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    not_implemented("dot" if a.dim() == b.dim() == 1 else "addmm_impl_cpu_", a)
    if a._size[-1] != b._size[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"[{dims(a._size)}] and [{dims(b._size)}]")


@register("inner", tensors=("input", "other"), check=_inner_check, out=True, grad="ViewBackward0")
def _inner(input, other):
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    return jnp.inner(input, other)


def _linalg_cross_check(a, b, dim=-1):
    if a.dim() != b.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _wrap(dim, a.dim())
    if a._size[d] != 3 or b._size[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a._size[d]} and "
                           f"{b._size[d]}")
    broadcast_check(a._size, b._size)
    _same_dtype((a, b))
    not_implemented("cross", a)


def _cross(a, b, dim):
    shape = jnp.broadcast_shapes(a.shape, b.shape)
    return jnp.cross(jnp.broadcast_to(a, shape), jnp.broadcast_to(b, shape), axis=dim)


@register("linalg_cross", tensors=("input", "other"), check=_linalg_cross_check, dtype=_first, function=False,
          method=False, out=True, grad="LinalgCrossBackward0")
def _linalg_cross(input, other, *, dim=-1):
    return _cross(input, other, dim)


def _cross_dim(sa, sb):
    shape = broadcast_check(sa, sb)
    for i, s in enumerate(shape):
        if s == 3:
            return i
    raise RuntimeError("no dimension of size 3 in input")


def _cross_check(a, b, dim=None):
    if dim is None:
        if a.dim() != b.dim():
            raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
        import warnings
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=4)
        dim = _cross_dim(a._size, b._size)
    _linalg_cross_check(a, b, dim)


@register("cross", tensors=("input", "other"), check=_cross_check, dtype=_first, out=True,
          grad="LinalgCrossBackward0")
def _torch_cross(input, other, dim=None):
    if dim is None:
        dim = _cross_dim(input.shape, other.shape)
    return _cross(input, other, dim)


# --- chains --------------------------------------------------------------------------------------------------

def _multi_dot_check(tensors, name="multi_dot"):
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"{name}(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        ok = t.dim() == 2 or (t.dim() == 1 and i in (0, n - 1))
        if not ok:
            which = "the first tensor must be 1D or 2D" if i == 0 else (
                "the last tensor must be 1D or 2D" if i == n - 1 else f"tensor {i} must be 2D")
            raise RuntimeError(f"{name}(): {which} but got {t.dim()}D")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(f"{name}(): all tensors must have be the same dtype but tensor 0 is "
                               f"{cname(tensors[0].dtype)} and tensor {i} {cname(t.dtype)}")
    for i in range(n - 1):
        a, b = tensors[i], tensors[i + 1]
        if a._size[-1] != b._size[0]:
            sa = a._size if a.dim() == 2 else (1,) + a._size
            sb = b._size if b.dim() == 2 else b._size + (1,)
            raise RuntimeError(f"{name}(): tensors {i} and {i + 1} with shapes [{dims(sa)}] and [{dims(sb)}] "
                               "cannot be multiplied")


@register("linalg_multi_dot", tensors=("tensors*",), check=_multi_dot_check, dtype=_first_of_list, function=False,
          method=False, out=True, grad="MmBackward0")
def _multi_dot(tensors):
    return jnp.linalg.multi_dot(tensors)


def _chain_check(matrices):
    if len(matrices) == 1:
        if matrices[0].dim() != 2:
            raise RuntimeError(f"Tensor dimension is {matrices[0].dim()}, expected 2 instead.")
        return
    for t in matrices:
        if t.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {t.dim()}, expected 2 instead.")
    _multi_dot_check(matrices, "chain_matmul")


@register("chain_matmul", tensors=("matrices*",), check=_chain_check, dtype=_first_of_list, function=False,
          method=False, grad="MmBackward0")
def _chain_matmul(matrices):
    return matrices[0] if len(matrices) == 1 else jnp.linalg.multi_dot(matrices)


# --- distances and integration -----------------------------------------------------------------------------

_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def _cdist_check(x1, x2, p=2.0, compute_mode=_CDIST_MODES[0]):
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for t, n in ((x1, "X1"), (x2, "X2")):
        if t.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {n} got: {t.dim()}D")
    for t, n in ((x1, "X1"), (x2, "X2")):
        if not t.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {n} got: {scalar_name(t.dtype)}")
    if x1._size[-1] != x2._size[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1._size[-1]} X2: {x2._size[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    _same_dtype((x1, x2))
    if x1.dtype in (D.float16, D.bfloat16):
        raise NotImplementedError(f'"cdist" not implemented for \'{scalar_name(x1.dtype)}\'')
    broadcast_check(x1._size[:-2], x2._size[:-2])


def _pnorm(a, p, axis):
    """sum(|a|^p)^(1/p) over `axis` with zero-safe gradients (torch's norm backward is 0 at 0); float16/bfloat16
    accumulate in float32, as torch's (the kernel rounds the result back)."""
    if a.dtype in (jnp.float16, jnp.bfloat16):
        a = a.astype(jnp.float32)
    if p == 0:
        return jnp.sum(a != 0, axis=axis).astype(a.real.dtype)
    a = jnp.abs(a)
    if p == INF:
        return jnp.max(a, axis=axis, initial=0.0)
    if p == -INF:
        return jnp.min(a, axis=axis)
    if p == 1:
        return jnp.sum(a, axis=axis)
    s = jnp.sum(a ** p, axis=axis)
    zero = s == 0
    return jnp.where(zero, 0, jnp.where(zero, 1, s) ** (1 / p))


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _cdist_norm(diff, p):
    return _pnorm(diff, p, -1)


def _cdist_norm_fwd(diff, p):
    d = _pnorm(diff, p, -1)
    return d, (diff, d)


def _cdist_norm_bwd(p, res, g):
    """torch's cdist backward (Distance.cpp): 0 where the distance is 0 (and, for p < 1, where a coordinate
    difference is 0); sign(diff) for p = 1; for p = inf every coordinate attaining the maximum gets the gradient."""
    diff, d = res
    d, g = d[..., None], g[..., None]
    zero = d == 0
    safe = jnp.where(zero, 1, d)
    adiff = jnp.abs(diff)
    if p == 0:
        grad = jnp.zeros_like(diff)
    elif p == 1:
        grad = jnp.sign(diff) * g
    elif p == INF:
        grad = jnp.sign(diff) * (adiff == d) * g
    elif p < 2:
        bad = zero | ((diff == 0) & (p < 1))
        grad = jnp.where(bad, 0, jnp.sign(diff) * jnp.where(bad, 1, adiff) ** (p - 1) * g / safe ** (p - 1))
    elif p == 2:
        grad = jnp.where(zero, 0, g * diff / safe)
    else:
        grad = jnp.where(zero, 0, diff * adiff ** (p - 2) * g / safe ** (p - 1))
    return (grad.astype(diff.dtype),)


_cdist_norm.defvjp(_cdist_norm_fwd, _cdist_norm_bwd)


@register("cdist", tensors=("x1", "x2"), check=_cdist_check, dtype=_first, method=False, grad="CdistBackward0")
def _cdist(x1, x2, p=2.0, compute_mode=_CDIST_MODES[0]):
    batch = jnp.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    x1 = jnp.broadcast_to(x1, batch + x1.shape[-2:])
    x2 = jnp.broadcast_to(x2, batch + x2.shape[-2:])
    return _cdist_norm(x1[..., :, None, :] - x2[..., None, :, :], float(p))


def _trapz_rule(op, vals):
    ts = [v for v in vals[:2] if v is not None and hasattr(v, "dtype")]
    r = D.result_type(*ts)
    if r._category <= 1:
        r = D.get_default_dtype()
    return r, (r,)


def _trapz_parts(y, x, dx, dim):
    n = y.shape[dim]
    lo = jnp.take(y, jnp.arange(0, max(n - 1, 0)), axis=dim)
    hi = jnp.take(y, jnp.arange(1, max(n, 1)), axis=dim)
    if x is None:
        return (lo + hi) * ((1.0 if dx is None else dx) / 2)
    if jnp.ndim(x) == 1:
        d = jnp.diff(x)
        shape = [1] * y.ndim
        shape[dim] = d.shape[0]
        d = d.reshape(shape)
    else:
        d = jnp.diff(x, axis=dim)
    return (lo + hi) * d / 2


def _trapz_check(name):
    def check(y, x=None, dx=None, dim=-1):
        if y.dtype is D.bool_:
            raise RuntimeError(f"{name}: received a bool input for `y`, but bool is not supported")
        _wrap(dim, y.dim())
        if x is not None and hasattr(x, "dim") and x.dim() == 1 and x._size[0] != y._size[_wrap(dim, y.dim())]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
    return check


@register("trapezoid", tensors=("y", "x"), check=_trapz_check("trapezoid"), dtype=_trapz_rule, method=False,
          aliases=("trapz",), grad="SumBackward1")
def _trapezoid(y, x=None, *, dx=None, dim=-1):
    return jnp.sum(_trapz_parts(y, x, dx, dim), axis=dim)


@register("cumulative_trapezoid", tensors=("y", "x"), check=_trapz_check("cumulative_trapezoid"),
          dtype=_trapz_rule, method=False,
          grad="CumsumBackward0")
def _cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    return jnp.cumsum(_trapz_parts(y, x, dx, dim), axis=dim)


# --- linalg.vecdot and norms -------------------------------------------------------------------------------

def _vecdot_check(x, y, dim=-1):
    float_check("linalg.vecdot", x, low="ok")      # half/bfloat16 are fine (as in torch)
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{scalar_name(x.dtype)} and y of type {scalar_name(y.dtype)} instead")
    shape = broadcast_check(x._size, y._size)
    _wrap(dim, len(shape))


@register("linalg_vecdot", tensors=("x", "y"), check=_vecdot_check, dtype=_first, function=False, method=False,
          out=True, grad="SumBackward1")
def _vecdot(x, y, *, dim=-1):
    return jnp.sum(jnp.conj(x) * y, axis=dim)


def _norm_rule(op, vals):
    c = vals[-1] or vals[0].dtype
    return c, (c.to_real(),)


def _axes(dim, nd):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(nd))
    if isinstance(dim, int):
        return (_wrap(dim, nd),)
    return tuple(_wrap(d, nd) for d in dim)


def _fmt_ord(o):
    return f"{o:g}" if isinstance(o, float) else str(o)


def _vector_norm_check(x, ord=2, dim=None, keepdim=False, dtype=None):
    float_check("linalg.vector_norm", x, low="ok")
    if dtype is not None:
        _norm_dtype_check("linalg.vector_norm", x.dtype, D.to_dtype(dtype))
    axes = _axes(dim, x.dim())
    if (ord < 0 or ord == INF) and (x.numel() == 0 and (x.dim() == 0 or any(x._size[a] == 0 for a in axes))):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt_ord(ord)} norm on an empty tensor because "
                           "the operation does not have an identity")


def _norm_dtype_check(name, src, dtype):
    """torch's rules for a norm's dtype=: floating or complex, of the input's kind, and no narrowing cast."""
    if dtype._category <= 1:
        raise RuntimeError(f"{name}: dtype should be floating point or complex, but got {scalar_name(dtype)}")
    if src._category == 3 and dtype._category != 3:
        raise RuntimeError(f"{name}: dtype should be complex for complex inputs, but got {scalar_name(dtype)}")
    if src._category != 3 and dtype._category == 3:
        raise RuntimeError(f"{name}: dtype should be real for real inputs, but got {scalar_name(dtype)}")
    if D.promote_types(src, dtype) is not dtype:
        raise RuntimeError(f"{name}: the dtype of the input ({scalar_name(src)}) should be convertible without "
                           f"narrowing to the specified dtype ({scalar_name(dtype)})")


@register("linalg_vector_norm", tensors=("x",),
          check=_vector_norm_check, dtype=_norm_rule, function=False, method=False, out=True,
          grad="LinalgVectorNormBackward0")
def _vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    axes = _axes(dim, x.ndim) if x.ndim else None
    r = _pnorm(x, ord, axes)
    if keepdim and x.ndim:
        r = jnp.expand_dims(r, axes)
    return r


_MATRIX_ORDS = ("fro", "nuc", INF, -INF, 1, -1, 2, -2)


def _matrix_norm_check(A, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    matrix_check("linalg.matrix_norm", A, square=False, low=None if ord in ("nuc", 2, -2) else "ok")
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {_fmt_ord(ord)} not supported.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    a, b = _wrap(dim[0], A.dim()), _wrap(dim[1], A.dim())
    if a == b:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")


@register("linalg_matrix_norm", tensors=("A",),
          check=_matrix_norm_check, dtype=_norm_rule, function=False, method=False, out=True,
          grad="LinalgVectorNormBackward0")
def _matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    r0, c0 = dim[0] % A.ndim, dim[1] % A.ndim
    if A.dtype in (jnp.float16, jnp.bfloat16):        # accumulate in float32 (the kernel rounds back)
        A = A.astype(jnp.float32)
    if ord == "fro":
        r = _pnorm(A, 2, (r0, c0))
    elif ord in ("nuc", 2, -2):
        s = jnp.linalg.svd(jnp.moveaxis(A, (r0, c0), (-2, -1)), compute_uv=False)
        r = jnp.sum(s, -1) if ord == "nuc" else (jnp.max(s, -1) if ord == 2 else jnp.min(s, -1))
    else:
        sum_ax, red_ax = (r0, c0) if ord in (1, -1) else (c0, r0)
        s = jnp.sum(jnp.abs(A), axis=sum_ax, keepdims=True)
        r = (jnp.max if ord > 0 else jnp.min)(s, axis=red_ax, keepdims=True)
        r = jnp.squeeze(r, (r0, c0))
    if keepdim:
        r = jnp.expand_dims(r, tuple(sorted((r0, c0))))
    return r
