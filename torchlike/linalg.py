"""torch.linalg: the public namespace over the op-table entries of _ops/linalg_ops.py and _ops/contractions.py.

Entries named `linalg_<x>` are published here as `<x>`; functions torch shares with the top level (det, inverse,
matrix_power, matrix_exp) are re-exported under their linalg names. This module also publishes the top-level
varargs functions `torch.einsum` and `torch.chain_matmul` (the op table binds a fixed signature; torchlike's
__init__ copies _ops.FUNCTIONS into the torch namespace after importing this module).
"""
from __future__ import annotations

import math as _math

from . import _ops
from ._ops import dispatch as _dispatch
from ._tensor import Tensor as _Tensor
from ._ops._registry import OPS as _OPS
from ._ops.linalg_ops import LinAlgError  # noqa: F401  (torch.linalg.LinAlgError)

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "inv", "inv_ex", "lstsq", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
           "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vecdot",
           "vector_norm"]


def _publish(opname, name):
    op = _OPS[opname]
    if op.out:
        def fn(*args, out=None, **kwargs):
            r = _dispatch.call(op, args, kwargs)
            return r if out is None else _dispatch.write_out(out, r)
    else:
        def fn(*args, **kwargs):
            return _dispatch.call(op, args, kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "torch.linalg"
    return fn


for _name in ("slogdet", "inv_ex", "pinv", "cholesky", "cholesky_ex", "svd", "svdvals", "qr", "eigh", "eigvalsh",
              "eig", "eigvals", "solve", "lstsq", "matrix_rank", "cross", "multi_dot", "vecdot", "vector_norm",
              "matrix_norm"):
    globals()[_name] = _publish("linalg_" + _name, _name)

_inverse, _det = _publish("inverse", "inv"), _publish("det", "det")
_matrix_power, _matrix_exp, _matmul = (_publish("matrix_power", "matrix_power"), _publish("matrix_exp", "matrix_exp"),
                                       _publish("matmul", "matmul"))


def inv(A, *, out=None):
    return _inverse(A, out=out)


def det(A, *, out=None):
    r = _det(A)
    return r if out is None else _dispatch.write_out(out, r)


def matrix_power(A, n, *, out=None):
    r = _matrix_power(A, n)
    return r if out is None else _dispatch.write_out(out, r)


def matrix_exp(A):
    return _matrix_exp(A)


def matmul(input, other, *, out=None):
    return _matmul(input, other, out=out)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset=offset, dim1=dim1, dim2=dim2)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """Vector norm for 1 dim (or a flattened input without ord), matrix norm for 2 dims."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        dim = tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got "
                               f"[{', '.join(map(str, dim))}]")
    elif ord is not None and not isinstance(ord, str) and A.dim() not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.dim()}D.")
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and ord is not None
                                                                          and A.dim() == 2):
        r = matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    else:
        r = vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    return r if out is None else _dispatch.write_out(out, r)


def cond(A, p=None, *, out=None):
    """Condition number: ratio of extreme singular values for p in (None, 2, -2), else norm(A) * norm(inv(A))."""
    if p in (None, 2, -2):
        s = svdvals(A)
        r = s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    else:
        r = matrix_norm(A, p) * matrix_norm(inv(A), p)
    return r if out is None else _dispatch.write_out(out, r)


# --- top-level varargs functions (torch.einsum, torch.chain_matmul) ------------------------------------------

def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if len(operands) == 1 and isinstance(operands[0], _Tensor) and isinstance(equation, str):
        from ._ops.einsum_views import einsum_view
        v = einsum_view(equation, operands[0])      # no contraction: PyTorch returns a view of the operand
        if v is not None:
            return v
    return _dispatch.call("einsum", (equation, tuple(operands)), {})


def chain_matmul(*matrices, out=None):
    import warnings
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    r = _dispatch.call("chain_matmul", (tuple(matrices),), {})
    return r if out is None else _dispatch.write_out(out, r)


from ._ops.linalg_extra import LINALG as _EXTRA  # noqa: E402  (lu, lu_factor, solve_triangular, ... )
globals().update(_EXTRA)
__all__ += sorted(_EXTRA)

einsum.__module__ = chain_matmul.__module__ = "torch.functional"
_ops.FUNCTIONS.setdefault("einsum", einsum)
_ops.FUNCTIONS.setdefault("chain_matmul", chain_matmul)
del _math
