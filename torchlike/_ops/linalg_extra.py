"""torch.linalg LU factorisation and solvers: lu lu_factor(_ex) lu_solve solve_triangular solve_ex
householder_product tensorinv tensorsolve vander, and the legacy torch.lu lu_unpack lu_solve cholesky_solve
triangular_solve.

Pivots are int32 and 1-based (LAPACK's getrf, as PyTorch). Entries only torch.linalg has are registered as
`linalg_<x>` (function=False, method=False); `LINALG` maps their public names to the functions that
torchlike/linalg.py publishes.
"""
from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype as D
from .._tensor import Tensor
from . import dispatch, views
from ._registry import OPS, register
from .dispatch import scalar_name
from .linalg import broadcast_check
from .linalg_ops import LinAlgError, _first_failure, _inv_msg, _lu_zero_pivots, _mH, _mT, float_check, singular_check

python_op = views.view_op
LINALG = {}


def _shape(size):
    return f"[{', '.join(map(str, size))}]"


def _keep(op, vals):
    return None, None


def _same(op, vals):
    d = vals[op.tensor_idx[0]].dtype
    return d, (d,)


def _publish(opname, name, post=None):
    """A torch.linalg.<name> function over an entry (with out=), optionally post-processing the result."""
    op = OPS[opname]

    def fn(*args, out=None, **kwargs):
        r = dispatch.call(op, args, kwargs)
        if post is not None:
            r = post(r)
        return r if out is None else dispatch.write_out(out, r)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "torch.linalg"
    LINALG[name] = fn
    return fn


def _no_grad_at(r, k):
    """Drop the history of output k (torch's permutation matrices do not require grad)."""
    if not r[k].requires_grad:
        return r
    parts = list(r)
    parts[k] = parts[k].detach()
    return type(r)(*parts) if hasattr(r, "_fields") else tuple(parts)


def _deprecated(msg):
    warnings.warn(msg, UserWarning, stacklevel=3)


# --- LU factorisation --------------------------------------------------------------------------------------------

def _lu_input_check(name, A, pivot=True):
    if A.dim() < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: "
                           f"{_shape(A._size)} instead")
    if A.dtype._category <= 1 or A.dtype in (D.float16, D.bfloat16):
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{scalar_name(A.dtype)}'")
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


def _lu_singular_check(name, A):
    """torch's lu_factor error for a zero pivot (a RuntimeError, not LinAlgError)."""
    if A.numel() == 0:
        return
    n = min(A._size[-2:])
    f = _first_failure(_lu_zero_pivots(A._value())[..., :n], A.dim() > 2)
    if f is not None:
        raise RuntimeError(f"{name}: {f[0]}U[{f[1]},{f[1]}] is zero and using it on lu_solve would result in a "
                           "division by zero. If you still want to perform the factorization, consider calling "
                           "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_core(A):
    """(packed LU, 1-based int32 pivots, permutation, getrf's info) of a batch of m x n matrices."""
    m, n = A.shape[-2:]
    k = min(m, n)
    if A.size == 0:
        return (A, jnp.broadcast_to(jnp.arange(1, k + 1, dtype=jnp.int32), A.shape[:-2] + (k,)),
                jnp.broadcast_to(jnp.arange(m, dtype=jnp.int32), A.shape[:-2] + (m,)),
                jnp.zeros(A.shape[:-2], jnp.int32))
    lu, piv, perm = lax.linalg.lu(A)
    zero = jnp.diagonal(lu, axis1=-2, axis2=-1) == 0
    info = jnp.where(jnp.any(zero, -1), jnp.argmax(zero, -1) + 1, 0).astype(jnp.int32)
    return lu, (piv + 1).astype(jnp.int32), perm, info


def _perm_matrix(perm, dtype):
    """P with A = P L U, from the row permutation perm (A[perm] = L U)."""
    m = perm.shape[-1]
    return _mT(jax.nn.one_hot(perm, m, dtype=dtype))


def _unpack_lu(lu):
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = jnp.tril(lu[..., :, :k], -1) + jnp.eye(m, k, dtype=lu.dtype)
    U = jnp.triu(lu[..., :k, :])
    return L, U


_LU_META = dict(tensors=("A",), function=False, method=False, out=True)


@register("linalg_lu_factor_ex", dtype=_keep, returns=("LU", "pivots", "info"), grad="LinalgLuFactorExBackward0",
          check=lambda A, pivot=True, check_errors=False: (
              _lu_input_check("linalg.lu_factor", A, pivot),
              check_errors and _lu_singular_check("torch.linalg.lu_factor_ex", A)), **_LU_META)
def _lu_factor_ex(A, *, pivot=True, check_errors=False):
    lu, piv, _, info = lu_core(A)
    return lu, piv, info


@register("linalg_lu_factor", dtype=_keep, returns=("LU", "pivots"), grad="LinalgLuFactorExBackward0",
          check=lambda A, pivot=True: (_lu_input_check("linalg.lu_factor", A, pivot),
                                       _lu_singular_check("torch.linalg.lu_factor", A)), **_LU_META)
def _lu_factor(A, *, pivot=True):
    lu, piv, _, _ = lu_core(A)
    return lu, piv


@register("linalg_lu", dtype=_keep, returns=("P", "L", "U"), grad="LinalgLuBackward0",
          check=lambda A, pivot=True: _lu_input_check("linalg.lu_factor", A, pivot), **_LU_META)
def _lu(A, *, pivot=True):
    lu, _, perm, _ = lu_core(A)
    L, U = _unpack_lu(lu)
    return _perm_matrix(perm, A.dtype), L, U


_publish("linalg_lu_factor_ex", "lu_factor_ex")
_publish("linalg_lu_factor", "lu_factor")
_publish("linalg_lu", "lu", post=lambda r: _no_grad_at(r, 0))


# --- torch.lu / lu_unpack ------------------------------------------------------------------------------------------

@register("_lu_with_info", dtype=_keep, returns=("LU", "pivots", "info"), grad="LinalgLuFactorExBackward0",
          function=False, method=False,
          check=lambda A, pivot=True, check_errors=True: _lu_input_check("linalg.lu_factor", A, pivot))
def _lu_with_info(input, pivot=True, check_errors=True):
    lu, piv, _, info = lu_core(input)
    return lu, piv, info


@python_op("lu")
def lu(A, pivot=True, get_infos=False, out=None):
    _deprecated("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be "
                "removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced "
                "with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, "
                "compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
                "torch.linalg.lu_factor_ex(A, compute_pivots)")
    r = dispatch.call("_lu_with_info", (A, pivot, not get_infos), {})
    if not get_infos:
        r = (r[0], r[1])
    return r if out is None else dispatch.write_out(out, r)


def _lu_unpack_check(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    if LU_data.dim() < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
                           f"{_shape(LU_data._size)} instead")
    if unpack_pivots:
        if LU_pivots.dtype is not D.int32:
            raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
                               "dtype.\nNote: this function is intended to be used with the output produced by "
                               "torch.linalg.lu_factor")
        p = np.asarray(LU_pivots._value())
        if p.size and (p.min() < 1 or p.max() > LU_data._size[-2]):
            raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you "
                               "properly pass the result of lu_factor?")


@register("lu_unpack", tensors=("LU_data", "LU_pivots"), dtype=_keep, returns=("P", "L", "U"), method=False,
          out=True, nondiff=("LU_pivots",), check=_lu_unpack_check)
def _lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    empty = jnp.zeros((0,), LU_data.dtype)
    L, U = _unpack_lu(LU_data) if unpack_data else (empty, empty)
    if not unpack_pivots:
        return empty, L, U
    m = LU_data.shape[-2]
    perm = lax.linalg.lu_pivots_to_permutation(LU_pivots - 1, m) if LU_pivots.size else \
        jnp.broadcast_to(jnp.arange(m, dtype=jnp.int32), LU_pivots.shape[:-1] + (m,))
    return _perm_matrix(perm, LU_data.dtype), L, U


def _install_lu_unpack():
    """torch.lu_unpack: the entry's function, with P detached (it is not differentiable in torch)."""
    op = OPS["lu_unpack"]
    op.function = False

    @python_op("lu_unpack", method=False)
    def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
        r = _no_grad_at(dispatch.call(op, (LU_data, LU_pivots, unpack_data, unpack_pivots), {}), 0)
        return r if out is None else dispatch.write_out(out, r)


_install_lu_unpack()


# --- LU solve ----------------------------------------------------------------------------------------------------

def _bcast(A, B):
    batch = jnp.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    return jnp.broadcast_to(A, batch + A.shape[-2:]), jnp.broadcast_to(B, batch + B.shape[-2:]), batch


def _tri(a, b, left, lower, unit=False, trans=0):
    """op(a) x = b (left) or x op(a) = b; trans: 0 = a, 1 = a^T, 2 = a^H."""
    if b.size == 0:
        return b
    return lax.linalg.triangular_solve(a, b, left_side=left, lower=lower, unit_diagonal=unit,
                                       transpose_a=trans > 0, conjugate_a=trans == 2)


def lu_solve_core(LU, pivots, B, left=True, adjoint=False):
    n = LU.shape[-1]
    LU, B, batch = _bcast(LU, B)
    pivots = jnp.broadcast_to(pivots, batch + pivots.shape[-1:])
    perm = lax.linalg.lu_pivots_to_permutation(pivots - 1, n) if pivots.size else \
        jnp.broadcast_to(jnp.arange(n, dtype=jnp.int32), batch + (n,))
    inv = jnp.argsort(perm, axis=-1)
    take_rows = lambda x, p: jnp.take_along_axis(x, p[..., :, None], axis=-2)   # noqa: E731
    take_cols = lambda x, p: jnp.take_along_axis(x, p[..., None, :], axis=-1)   # noqa: E731
    if left and not adjoint:        # P L U X = B
        y = _tri(LU, take_rows(B, perm), True, True, True)
        return _tri(LU, y, True, False)
    if left:                        # U^H L^H P^T X = B
        y = _tri(LU, B, True, False, trans=2)
        y = _tri(LU, y, True, True, True, trans=2)
        return take_rows(y, inv)
    if not adjoint:                 # X P L U = B
        z = _tri(LU, B, False, False)
        y = _tri(LU, z, False, True, True)
        return take_cols(y, inv)
    w = take_cols(B, perm)          # X U^H L^H P^T = B
    z = _tri(LU, w, False, True, True, trans=2)
    return _tri(LU, z, False, False, trans=2)


def _solve_shapes(name, A, B, left, vector_ok=False):
    if B.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    n = A._size[-1]
    if (B._size[-2] if left else B._size[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {eq} ({A._size[-2]}x{n} and "
                           f"{B._size[-2]}x{B._size[-1]})")
    broadcast_check(A._size[:-2], B._size[:-2])


def _lu_solve_check(LU, pivots, B, left=True, adjoint=False):
    if LU.dim() < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor LU must have at least 2 dimensions.")
    if LU._size[-1] != LU._size[-2]:
        raise RuntimeError(f"torch.linalg.lu_solve: A must be batches of square matrices, but they are "
                           f"{LU._size[-2]} by {LU._size[-1]} matrices")
    if B.dim() >= 1 and LU.dtype is not B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{scalar_name(LU.dtype)} and B of type {scalar_name(B.dtype)} instead")
    _solve_shapes("linalg.lu_solve", LU, B, left)
    if pivots.dtype is not D.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if pivots._size[-1:] != LU._size[-1:] or pivots._size[:-1] != LU._size[:-2]:
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the dimension of the "
                           "matrix")
    float_check("linalg.lu_solve", LU)


@register("linalg_lu_solve", tensors=("LU", "pivots", "B"), cast=("LU", "B"), dtype=_same, function=False,
          method=False, out=True, nondiff=("pivots",), check=_lu_solve_check, grad="LinalgLuSolveBackward0")
def _linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    return lu_solve_core(LU, pivots, B, left, adjoint)


_publish("linalg_lu_solve", "lu_solve")


@python_op("lu_solve")
def lu_solve(b, LU_data, LU_pivots, *, out=None):
    _deprecated("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a future "
                "PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = "
                "torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)")
    r = dispatch.call("linalg_lu_solve", (LU_data, LU_pivots, b), {})
    return r if out is None else dispatch.write_out(out, r)


# --- triangular solves -------------------------------------------------------------------------------------------

def _promote_rule(op, vals):
    r = D.promote_types(vals[0].dtype, vals[1].dtype)
    return r, (r,)


def _solve_triangular_check(A, B, upper, left=True, unitriangular=False):
    if A.dim() < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor A must have at least 2 dimensions.")
    if B.dim() < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    if A._size[-1] != A._size[-2]:
        raise RuntimeError(f"linalg.solve_triangular: A must be batches of square matrices, but they are "
                           f"{A._size[-2]} by {A._size[-1]} matrices")
    d = D.promote_types(A.dtype, B.dtype)
    if d._category <= 1 or d in (D.float16, D.bfloat16):
        raise NotImplementedError(f"\"triangular_solve_cpu\" not implemented for '{scalar_name(d)}'")
    _solve_shapes("linalg.solve_triangular", A, B, left)


@register("linalg_solve_triangular", tensors=("A", "B"), dtype=_promote_rule, function=False, method=False,
          out=True, check=_solve_triangular_check, grad="LinalgSolveTriangularBackward0")
def _solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    A, B, _ = _bcast(A, B)
    return _tri(A, B, left, not upper, unitriangular)


_publish("linalg_solve_triangular", "solve_triangular")


def _legacy_solve_check(name, b, A, tsname):
    if b.dim() < 2:
        raise RuntimeError(f"{tsname}b should have at least 2 dimensions, but has {b.dim()} dimensions instead"
                           if not tsname else f"{tsname}: Expected b to have at least 2 dimensions, but it has "
                           f"{b.dim()} dimensions instead")
    if A.dim() < 2:
        raise RuntimeError(f"{tsname or 'cholesky_solve'}: Expected A to have at least 2 dimensions, but it has "
                           f"{A.dim()} dimensions instead")
    if b.dtype is not A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {scalar_name(b.dtype)} "
                           f"and A of type {scalar_name(A.dtype)} instead.")
    if A._size[-1] != A._size[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A._size[-2]} by {A._size[-1]} "
                           "matrices")
    if A._size[-1] != b._size[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {A._size[-1]} by {A._size[-1]} "
                           f"but each b matrix is {b._size[-2]} by {b._size[-1]}")
    broadcast_check(A._size[:-2], b._size[:-2])
    if A.dtype._category <= 1 or A.dtype in (D.float16, D.bfloat16):
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{scalar_name(A.dtype)}'")


@register("triangular_solve", tensors=("input", "A"), dtype=_keep, returns=("solution", "cloned_coefficient"),
          out=True, check=lambda b, A, *rest: _legacy_solve_check("triangular_solve", b, A, "torch.triangular_solve"))
def _triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    A, B, _ = _bcast(A, input)
    return _tri(A, B, True, not upper, unitriangular, trans=1 if transpose else 0), A


def _install_triangular_solve():
    op = OPS["triangular_solve"]
    op.function = op.method = False
    msg = ("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be removed in a "
           "future PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed and does not return a "
           "copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould be replaced with\nX = "
           "torch.linalg.solve_triangular(A, B).")

    @python_op("triangular_solve")
    def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
        _deprecated(msg)
        r = dispatch.call(op, (input, A, upper, transpose, unitriangular), {})
        return r if out is None else dispatch.write_out(out, r)


_install_triangular_solve()


def _cholesky_solve_check(input, input2, upper=False):
    _legacy_solve_check("cholesky_solve", input, input2, "")


@register("cholesky_solve", tensors=("input", "input2"), dtype=_same, out=True, check=_cholesky_solve_check)
def _cholesky_solve(input, input2, upper=False):
    # values as LAPACK potrs (reads one triangle of the factor); the derivative is torch's, which differentiates
    # (F F^H)^{-1} B with F the whole input2
    F, B, _ = _bcast(input2, input)
    if upper:
        F = _mH(F)
    L = lax.stop_gradient(jnp.tril(F))
    x = _tri(L, _tri(L, lax.stop_gradient(B), True, True), True, True, trans=2)
    r = B - F @ _mH(F) @ x          # zero up to rounding; its derivative is dB - dA x, A = F F^H
    r = r - lax.stop_gradient(r)
    return x + (_tri(L, _tri(L, r, True, True), True, True, trans=2) if r.size else r)


# --- solve_ex / householder_product / tensorinv / tensorsolve / vander ------------------------------------------

def _solve_ex_check(A, B, left=True, check_errors=False):
    from .linalg_ops import _solve_check
    try:
        _solve_check(A, B, left)
    except LinAlgError as e:
        if check_errors:
            raise LinAlgError(str(e).replace("torch.linalg.solve:", "torch.linalg.solve_ex:")) from None


@register("linalg_solve_ex", tensors=("A", "B"), dtype=_keep, returns=("result", "info"), function=False,
          method=False, out=True, check=_solve_ex_check, grad="LinalgSolveExBackward0")
def _solve_ex(A, B, *, left=True, check_errors=False):
    from .linalg_ops import _linalg_solve
    zero = _lu_zero_pivots(A) if A.size else jnp.zeros(A.shape[:-1], bool)
    info = jnp.where(jnp.any(zero, -1), jnp.argmax(zero, -1) + 1, 0).astype(jnp.int32)
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    batch = jnp.broadcast_shapes(A.shape[:-2], (B.shape if vec else B.shape[:-1])[:-1])
    return _linalg_solve(A, B, left=left), jnp.broadcast_to(info, batch)


_publish("linalg_solve_ex", "solve_ex")


def _householder_check(A, tau):
    name = "torch.linalg.householder_product"
    if A.dim() < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if A._size[-2] < A._size[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if A._size[-1] < tau._size[-1] if tau.dim() else False:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.dim() != A.dim() - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.dim()} and input.ndim is equal to {A.dim()}")
    if tau._size[:-1] != A._size[:-2]:
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{_shape(tau._size[:-1])}")
    if tau.dtype is not A.dtype:
        raise RuntimeError(f"{name}: tau dtype {scalar_name(tau.dtype)} does not match input dtype "
                           f"{scalar_name(A.dtype)}")
    if A.dtype._category <= 1 or A.dtype in (D.float16, D.bfloat16):
        raise NotImplementedError(f"\"orgqr_cpu\" not implemented for '{scalar_name(A.dtype)}'")


def householder(A, tau):
    """Q = H_1 ... H_k [: , :n] with H_i = I - tau_i v_i v_i^H (LAPACK orgqr)."""
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    Q = jnp.broadcast_to(jnp.eye(m, n, dtype=A.dtype), A.shape)
    rows = jnp.arange(m)
    for i in reversed(range(k)):
        v = jnp.where(rows < i, 0, jnp.where(rows == i, 1, A[..., :, i]).astype(A.dtype))
        w = jnp.conj(v)[..., None, :] @ Q                                  # v^H Q
        Q = Q - tau[..., i, None, None] * v[..., :, None] * w
    return Q


@register("linalg_householder_product", tensors=("A", "tau"), dtype=_same, function=False, method=False, out=True,
          check=_householder_check)
def _householder_product(A, tau):
    return householder(A, tau)


@register("orgqr", tensors=("input", "tau"), dtype=_same, check=_householder_check,
          grad="LinalgHouseholderProductBackward0")
def _orgqr(input, tau):
    return householder(input, tau)


_publish("linalg_householder_product", "householder_product")


def _tensorinv_check(A, ind=2):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    a, b = math.prod(A._size[ind:]), math.prod(A._size[:ind])
    if a != b:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {a} != {b}")
    float_check("linalg.inv", A)
    if A.numel():
        from .._tensor import from_array
        M = from_array(A._value().reshape(a, a), A.dtype)
        singular_check(M, lambda p, i: _inv_msg(p, i).replace("linalg.inv", "inv"))


@register("linalg_tensorinv", tensors=("A",), dtype=_same, function=False, method=False, out=True,
          check=_tensorinv_check, grad="ReshapeAliasBackward0")
def _tensorinv(A, ind=2):
    a = math.prod(A.shape[ind:])
    return jnp.linalg.inv(A.reshape(a, a)).reshape(A.shape[ind:] + A.shape[:ind])


_publish("linalg_tensorinv", "tensorinv")


def _tensorsolve_prep(A, B, dims):
    n = A.dim() if isinstance(A, Tensor) else A.ndim
    if dims is not None:
        dims = tuple(d % n for d in dims)
        keep = [d for d in range(n) if d not in dims]
        order = keep + list(dims)
    else:
        order = list(range(n))
    return order


def _tensorsolve_check(A, B, dims=None):
    order = _tensorsolve_prep(A, B, dims)
    size = tuple(A._size[d] for d in order)
    res = size[B.dim():]
    a, b = math.prod(res), B.numel()
    if a != b:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {a} != {b}")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{scalar_name(A.dtype)} and B of type {scalar_name(B.dtype)} instead")
    float_check("linalg.solve", A)
    if A.numel():
        v = np.transpose(np.asarray(A._value()), order).reshape(a, a)
        if _first_failure(_lu_zero_pivots(v), False) is not None:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.")


@register("linalg_tensorsolve", tensors=("A", "B"), dtype=_same, function=False, method=False, out=True,
          check=_tensorsolve_check, grad="ViewBackward0")
def _tensorsolve(A, B, dims=None):
    A = jnp.transpose(A, _tensorsolve_prep(A, B, dims))
    res = A.shape[B.ndim:]
    a = math.prod(res)
    return jnp.linalg.solve(A.reshape(a, a), B.reshape(a)).reshape(res)


_publish("linalg_tensorsolve", "tensorsolve")


def _linalg_vander_check(x, N=None):
    if x.dtype in (D.float16, D.bfloat16, D.bool_):
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{scalar_name(x.dtype)}")
    n = N if N is not None else (x._size[-1] if x.dim() else 1)
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")


def _linalg_vander_rule(op, vals):
    d = vals[0].dtype
    if d._category <= 1:
        d = D.int64
    return d, (d,)


@register("linalg_vander", tensors=("x",), dtype=_linalg_vander_rule, function=False, method=False,
          check=_linalg_vander_check, grad="CatBackward0")
def _linalg_vander(x, *, N=None):
    from .extra_ops import powers
    x = x.reshape(1) if x.ndim == 0 else x
    return powers(x, x.shape[-1] if N is None else N)


_publish("linalg_vander", "vander")
