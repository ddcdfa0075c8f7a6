"""Linear algebra beyond plain products: einsum tensordot kron inner cross cdist trapezoid, determinants, inverses,
decompositions (svd qr eigh eig cholesky), solvers and norms.

Entries that torch only exposes as torch.linalg.<x> are registered as `linalg_<x>` with function=False and
method=False; torchlike/linalg.py publishes them. Errors that depend on values (a singular matrix, a matrix that
is not positive-definite) are detected eagerly in the entry's `check`, as ATen does after its LAPACK call.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from ._registry import register
from .dispatch import scalar_name
from .linalg import broadcast_check

# --- shared checks -----------------------------------------------------------------------------------------


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: raised for singular / not positive-definite inputs (a RuntimeError)."""


LinAlgError.__module__ = "torch.linalg"


def float_check(name, A, low=None):
    """ATen's linalg input checks: a floating/complex tensor of supported precision."""
    d = A.dtype
    if d._category <= 1:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {scalar_name(d)}")
    if d in (D.float16, D.bfloat16) and low != "ok":      # low="ok": norms (computed in float32)
        if low == "lu":
            raise NotImplementedError(f"\"lu_cpu\" not implemented for '{scalar_name(d)}'")
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {scalar_name(d)}")


def matrix_check(name, A, square=True, low=None, floating=True):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A._size[-1] != A._size[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A._size[-2]} by "
                           f"{A._size[-1]} matrices")
    if floating:
        float_check(name, A, low)


@jax.jit
def _lu_zero_pivots(a):
    return jnp.diagonal(jax.lax.linalg.lu(a)[0], axis1=-2, axis2=-1) == 0


def _first_failure(bad, batched):
    """(batch prefix, 1-based index) of the first failing matrix in a (..., n) boolean array, or None."""
    bad = np.asarray(bad)
    flat = bad.reshape(-1, bad.shape[-1]) if bad.ndim else bad.reshape(1, 1)
    for b, row in enumerate(flat):
        idx = np.flatnonzero(row)
        if idx.size:
            return (f"(Batch element {b}): " if batched else ""), int(idx[0]) + 1
    return None


def singular_check(A, fmt):
    if A.numel() == 0:
        return
    f = _first_failure(_lu_zero_pivots(A._value()), A.dim() > 2)
    if f is not None:
        raise LinAlgError(fmt(*f))


def _inv_msg(prefix, i):
    return (f"linalg.inv: {prefix}The diagonal element {i} is zero, the inversion could not be completed because "
            "the input matrix is singular.")


def _not_pd(name):
    def msg(prefix, i):
        return (f"{name}: {prefix}The factorization could not be completed because the input is not "
                f"positive-definite (the leading minor of order {i} is not positive-definite).")
    return msg


def _chol_failures(a, upper):
    """Per matrix, the leading minors where an unblocked Cholesky (LAPACK potrf) meets a non-positive pivot."""
    a = np.array(a)
    if upper:
        a = np.conj(np.swapaxes(a, -1, -2))
    n = a.shape[-1]
    a = a.reshape(-1, n, n)
    bad = np.zeros((a.shape[0], n), bool)
    for b in range(a.shape[0]):
        L = np.zeros_like(a[b])
        for j in range(n):
            d = (a[b, j, j] - np.vdot(L[j, :j], L[j, :j])).real
            if not d > 0:
                bad[b, j] = True
                break
            L[j, j] = np.sqrt(d)
            L[j + 1:, j] = (a[b, j + 1:, j] - L[j + 1:, :j] @ np.conj(L[j, :j])) / L[j, j]
    return bad


def chol_check(name, A, upper):
    matrix_check(name, A)
    if A.numel():
        v = np.asarray(A._value())
        if np.isnan(np.asarray(_chol(A._value(), upper))).any():
            f = _first_failure(_chol_failures(v, upper), A.dim() > 2)
            if f is not None:
                raise LinAlgError(_not_pd(name)(*f))


def _lower(a, upper):
    return jnp.conj(jnp.swapaxes(a, -1, -2)) if upper else a


def _chol(a, upper):
    """LAPACK potrf semantics: reads one triangle only (no symmetrisation); NaN where not positive-definite. The
    gradient is PyTorch's: the input is taken as Hermitian, so the gradient is the Hermitian part."""
    sym = (a + _mH(a)) / 2
    s = jax.lax.stop_gradient(_lower(a, upper)) + (sym - jax.lax.stop_gradient(sym))
    return jax.lax.linalg.cholesky(s, symmetrize_input=False)


def _same(op, vals):
    d = vals[op.tensor_idx[0]].dtype
    return d, (d,)


def _real_out(op, vals):
    d = vals[op.tensor_idx[0]].dtype
    return d, (d.to_real(),)


def _complex_out(op, vals):
    d = vals[op.tensor_idx[0]].dtype
    return d, (d.to_complex(),)


def _keep(op, vals):
    return None, None


def _mT(a):
    return jnp.swapaxes(a, -1, -2)


def _mH(a):
    return jnp.conj(_mT(a))


# --- determinants and inverses -------------------------------------------------------------------------------

@register("det", check=lambda A: matrix_check("linalg.det", A, low="lu"), dtype=_same, grad="LinalgDetBackward0")
def _det(input):
    return jnp.linalg.det(input)


@register("logdet", check=lambda A: matrix_check("linalg.det", A, low="lu"), dtype=_same)
def _logdet(input):
    sign, logabs = jnp.linalg.slogdet(input)
    if jnp.iscomplexobj(input):
        return jnp.log(sign) + logabs
    return jnp.where(sign < 0, jnp.nan, logabs)


def _slogdet(input):
    sign, logabs = jnp.linalg.slogdet(input)
    return sign, logabs


register("slogdet", check=lambda A: matrix_check("linalg.slogdet", A, low="lu"), dtype=_keep,
         returns=("sign", "logabsdet"), grad="LinalgSlogdetBackward0")(_slogdet)
register("linalg_slogdet", check=lambda A: matrix_check("linalg.slogdet", A, low="lu"), dtype=_keep,
         returns=("sign", "logabsdet"), function=False, method=False, out=True, grad="LinalgSlogdetBackward0")(_slogdet)


def _inv_check(A):
    matrix_check("linalg.inv", A)
    singular_check(A, _inv_msg)


@register("inverse", check=_inv_check, dtype=_same, out=True, grad="LinalgInvExBackward0")
def _inverse(input):
    return jnp.linalg.inv(input)


@register("linalg_inv_ex", tensors=("A",), check=lambda A, check_errors=False: (_inv_check if check_errors else
                                                                 lambda a: matrix_check("linalg.inv", a))(A),
          dtype=_keep, returns=("inverse", "info"), function=False, method=False, out=True,
          grad="LinalgInvExBackward0")
def _inv_ex(A, *, check_errors=False):
    zero = jnp.any(_lu_zero_pivots(A), axis=-1)
    piv = jnp.argmax(_lu_zero_pivots(A), axis=-1) + 1
    return jnp.linalg.inv(A), jnp.where(zero, piv, 0).astype(jnp.int32)


def _pinv(A, atol, rtol, hermitian):
    if hermitian:
        w, V = jnp.linalg.eigh(A, symmetrize_input=False)
        s = jnp.abs(w)
    else:
        U, s, Vh = jnp.linalg.svd(A, full_matrices=False)
    smax = jnp.max(s, axis=-1, keepdims=True, initial=0.0)
    if rtol is None:
        rtol = (max(A.shape[-2:]) * jnp.finfo(A.dtype).eps) if atol is None or atol == 0 else 0.0
    tol = jnp.maximum(0.0 if atol is None else atol, rtol * smax)
    keep = s > tol
    sinv = jnp.where(keep, 1 / jnp.where(keep, s, 1), 0)
    if hermitian:
        winv = jnp.where(keep, 1 / jnp.where(keep, w, 1), 0)
        return (V * winv[..., None, :].astype(V.dtype)) @ _mH(V)
    return (_mH(Vh) * sinv[..., None, :].astype(A.dtype)) @ _mH(U)


@register("pinverse", check=lambda A, rcond=1e-15: matrix_check("linalg.pinv", A, square=False), dtype=_same)
def _pinverse(input, rcond=1e-15):
    return _pinv(input, None, rcond, False)


@register("linalg_pinv", tensors=("A",), check=lambda A, *a: matrix_check("linalg.pinv", A, square=False), dtype=_same,
          function=False, method=False, out=True, grad="LinalgPinvBackward0")
def _linalg_pinv(A, *, atol=None, rtol=None, hermitian=False):
    return _pinv(A, atol, rtol, hermitian)


def _matrix_power_check(A, n):
    matrix_check("linalg.matrix_power", A, floating=False)
    if n < 0:
        matrix_check("linalg.inv", A)
        singular_check(A, _inv_msg)


@register("matrix_power", check=_matrix_power_check, dtype=_same)
def _matrix_power(input, n):
    if n == 0:
        return jnp.broadcast_to(jnp.eye(input.shape[-1], dtype=input.dtype), input.shape)
    return jnp.linalg.matrix_power(input, n)


@register("matrix_exp", check=lambda A: matrix_check("linalg.matrix_exp", A), dtype=_same,
          grad="LinalgMatrixExpBackward0")
def _matrix_exp(input):
    return jax.scipy.linalg.expm(input)


# --- decompositions ----------------------------------------------------------------------------------------

@register("cholesky", check=lambda A, upper=False: chol_check("linalg.cholesky", A, upper), dtype=_same)
def _cholesky(input, upper=False):
    L = _chol(input, upper)
    return _mH(L) if upper else L


@register("linalg_cholesky", tensors=("A",),
          check=lambda A, upper=False: chol_check("linalg.cholesky", A, upper), dtype=_same,
          function=False, method=False, out=True, grad="LinalgCholeskyExBackward0")
def _linalg_cholesky(A, *, upper=False):
    return _cholesky(A, upper)


@register("linalg_cholesky_ex", tensors=("A",), check=lambda A, upper=False, ce=False: (
    chol_check if ce else lambda n, a, u: matrix_check(n, a))("linalg.cholesky", A, upper), dtype=_keep,
    returns=("L", "info"), function=False, method=False, out=True, grad="LinalgCholeskyExBackward0")
def _linalg_cholesky_ex(A, *, upper=False, check_errors=False):
    L = _chol(A, upper)
    n = A.shape[-1]
    # potrf's info: the order of the first leading minor whose determinant is not positive
    k = jnp.arange(n)
    mask = (k[:, None, None] >= k[None, :, None]) & (k[:, None, None] >= k[None, None, :])   # (minor, i, j)
    a = _lower(A, upper)
    minors = jnp.where(mask, a[..., None, :, :], jnp.eye(n, dtype=A.dtype))
    sign, _ = jnp.linalg.slogdet(minors)
    bad = ~(jnp.real(sign) > 0) if n else jnp.zeros(A.shape[:-1], bool)
    info = jnp.where(jnp.any(bad, -1), jnp.argmax(bad, -1) + 1, 0).astype(jnp.int32)
    L = jnp.where(jnp.isnan(L), 0, L)
    return (_mH(L) if upper else L), info


def _svd_check(name):
    return lambda A, *a: matrix_check(name, A, square=False)


@register("linalg_svd", tensors=("A",),
          check=_svd_check("linalg.svd"), dtype=_keep, returns=("U", "S", "Vh"), function=False,
          method=False, out=True, grad="LinalgSvdBackward0")
def _linalg_svd(A, full_matrices=True, *, driver=None):
    return tuple(jnp.linalg.svd(A, full_matrices=full_matrices))


@register("svd", check=_svd_check("linalg.svd"), dtype=_keep, returns=("U", "S", "V"), out=True,
          grad="LinalgSvdBackward0")
def _svd(input, some=True, compute_uv=True):
    U, S, Vh = jnp.linalg.svd(input, full_matrices=not some)
    if not compute_uv:
        m, n = input.shape[-2:]
        return (jnp.zeros(input.shape[:-2] + (m, m), input.dtype), S,
                jnp.zeros(input.shape[:-2] + (n, n), input.dtype))
    return U, S, _mH(Vh)


@register("linalg_svdvals", tensors=("A",),
          check=_svd_check("linalg.svdvals"), dtype=_real_out, function=False, method=False,
          out=True, grad="LinalgSvdBackward0")
def _svdvals(A, *, driver=None):
    return jnp.linalg.svd(A, compute_uv=False)


def _qr_check(A, mode="reduced"):
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    matrix_check("linalg.qr", A, square=False)


@register("linalg_qr", tensors=("A",),
          check=_qr_check, dtype=_keep, returns=("Q", "R"), function=False, method=False, out=True,
          grad="LinalgQrBackward0")
def _linalg_qr(A, mode="reduced"):
    if mode == "r":
        return jnp.zeros((0,), A.dtype), jnp.linalg.qr(A, mode="r")
    return tuple(jnp.linalg.qr(A, mode=mode))


@register("qr", check=lambda A, some=True: _qr_check(A), dtype=_keep, returns=("Q", "R"), out=True,
          grad="LinalgQrBackward0")
def _qr(input, some=True):
    return tuple(jnp.linalg.qr(input, mode="reduced" if some else "complete"))


def _eigh_check(name):
    def check(A, UPLO="L"):
        matrix_check(name, A)
        if UPLO not in ("L", "U", "l", "u"):
            raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return check


def _eigh(A, UPLO):
    return jnp.linalg.eigh(A, UPLO=UPLO.upper(), symmetrize_input=False)


@register("linalg_eigh", tensors=("A",),
          check=_eigh_check("linalg.eigh"), dtype=_keep, returns=("eigenvalues", "eigenvectors"),
          function=False, method=False, out=True, grad="LinalgEighBackward0")
def _linalg_eigh(A, UPLO="L"):
    w, v = _eigh(A, UPLO)
    return w, v


@register("linalg_eigvalsh", tensors=("A",),
          check=_eigh_check("linalg.eigvalsh"), dtype=_real_out, function=False, method=False,
          out=True, grad="LinalgEighBackward0")
def _eigvalsh(A, UPLO="L"):
    return _eigh(A, UPLO)[0]


@register("linalg_eig", tensors=("A",), check=lambda A: matrix_check("linalg.eig", A), dtype=_keep,
          returns=("eigenvalues", "eigenvectors"), function=False, method=False, out=True,
          grad="LinalgEigBackward0")
def _linalg_eig(A):
    w, v = jnp.linalg.eig(A)
    return w, v


@register("linalg_eigvals", tensors=("A",),
          check=lambda A: matrix_check("linalg.eigvals", A), dtype=_complex_out, function=False,
          method=False, out=True, grad="LinalgEigBackward0")
def _eigvals(A):
    return jnp.linalg.eigvals(A)


# --- solvers -----------------------------------------------------------------------------------------------

def _vector_case(A, B):
    return B.dim() == 1 or (B.dim() == A.dim() - 1 and B._size == A._size[:-1])


def _solve_check(A, B, left=True):
    matrix_check("linalg.solve", A)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{scalar_name(A.dtype)} and B of type {scalar_name(B.dtype)} instead")
    vec = _vector_case(A, B)
    sb = B._size + (1,) if vec else B._size
    n = A._size[-1]
    if (sb[-2] if left else sb[-1]) != n or (not left and vec):
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eq} "
                           f"({A._size[-2]}x{n} and {sb[-2]}x{sb[-1]})")
    broadcast_check(A._size[:-2], sb[:-2])
    if A.numel():
        f = _first_failure(_lu_zero_pivots(A._value()), A.dim() > 2)
        if f is not None:
            raise LinAlgError(f"torch.linalg.solve: {f[0]}The solver failed because the input matrix is singular.")


@register("linalg_solve", tensors=("A", "B"), check=_solve_check, dtype=_same, function=False, method=False,
          out=True, grad="LinalgSolveExBackward0")
def _linalg_solve(A, B, *, left=True):
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if vec:
        B = B[..., None]
    if not left:
        X = _mT(jnp.linalg.solve(_mT(A), _mT(B)))
    else:
        batch = jnp.broadcast_shapes(A.shape[:-2], B.shape[:-2])
        X = jnp.linalg.solve(jnp.broadcast_to(A, batch + A.shape[-2:]), jnp.broadcast_to(B, batch + B.shape[-2:]))
    return X[..., 0] if vec else X


def _lstsq_check(A, B, rcond=None, driver=None):
    matrix_check("linalg.lstsq", A, square=False)
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {scalar_name(A.dtype)} and other's dtype {scalar_name(B.dtype)}")


@register("linalg_lstsq", tensors=("A", "B"), check=_lstsq_check, dtype=_keep,
          returns=("solution", "residuals", "rank", "singular_values"), function=False, method=False,
          grad="LinalgLstsqBackward0")
def _lstsq(A, B, rcond=None, *, driver=None):
    driver = driver or "gelsy"
    vec = B.ndim == A.ndim - 1
    Bm = B[..., None] if vec else B
    m, n = A.shape[-2:]
    U, s, Vh = jnp.linalg.svd(A, full_matrices=False)
    eps = jnp.finfo(A.dtype).eps
    rc = (eps * max(m, n)) if rcond is None or rcond < 0 else rcond
    keep = s > rc * jnp.max(s, axis=-1, keepdims=True, initial=0.0)
    sinv = jnp.where(keep, 1 / jnp.where(keep, s, 1), 0).astype(A.dtype)
    X = _mH(Vh) @ (sinv[..., :, None] * (_mH(U) @ Bm))
    rank = jnp.sum(keep, axis=-1).astype(jnp.int64)
    real = jnp.zeros((), A.dtype).real.dtype
    if driver != "gelsy" and m > n:
        res = jnp.sum(jnp.abs(Bm - A @ X) ** 2, axis=-2)
    else:
        res = jnp.zeros((0,), real)
    sv = s if driver in ("gelsd", "gelss") else jnp.zeros((0,), real)
    if driver == "gels":
        rank = jnp.zeros((0,), jnp.int64)
    return (X[..., 0] if vec else X), res, rank, sv


def _rank_check(A, *a):
    matrix_check("linalg.matrix_rank", A, square=False)


@register("linalg_matrix_rank", tensors=("A",), check=_rank_check, dtype=_keep, function=False, method=False, out=True,
          differentiable=False)
def _matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    if tol is not None:
        atol, rtol = tol, 0.0
    s = jnp.abs(jnp.linalg.eigvalsh(A)) if hermitian else jnp.linalg.svd(A, compute_uv=False)
    smax = jnp.max(s, axis=-1, keepdims=True, initial=0.0)
    if rtol is None:
        rtol = (max(A.shape[-2:]) * jnp.finfo(A.dtype).eps) if atol is None or atol == 0 else 0.0
    tol = jnp.maximum(0.0 if atol is None else atol, rtol * smax)
    return jnp.sum(s > tol, axis=-1).astype(jnp.int64)
