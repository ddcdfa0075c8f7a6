"""Matrix products: matmul mm bmm dot vdot mv outer addmm addmv addr baddbmm addbmm inner kron tensordot einsum ...

Decompositions and the other linear-algebra entries live in linalg_ops.py; the torch.linalg namespace in
torchlike/linalg.py. The eager `check` functions reproduce ATen's error types and texts (they differ per op).
"""
from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from ._registry import register
from .dispatch import scalar_name

T2 = ("input", "other")

_CNAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
           "int8": "signed char", "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
           "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def cname(d):
    """The C++ name of a dtype as ATen prints it in some messages ('float', 'long int')."""
    return _CNAMES.get(d.name, d.name)


def dims(s):
    return ", ".join(map(str, s))


def xs(s):
    return "x".join(map(str, s))


def not_implemented(kernel, t):
    if t.dtype is D.bool_:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(t.dtype)}\'')


def expand_check(size, target):
    """ATen's expand error for `input` of an add* op that cannot broadcast to the product's shape."""
    lead = len(target) - len(size)
    if lead < 0:
        raise RuntimeError(f"expand(torch.FloatTensor{{[{dims(size)}]}}, size=[{dims(target)}]): the number of sizes "
                           f"provided ({len(target)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(size)})")
    for i in reversed(range(len(size))):      # ATen reports the last mismatching dimension
        s = size[i]
        if s != 1 and s != target[lead + i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[lead + i]}) must match the existing size "
                               f"({s}) at non-singleton dimension {lead + i}.  Target sizes: [{dims(target)}].  "
                               f"Tensor sizes: [{dims(size)}]")


def broadcast_check(sa, sb):
    """infer_size: the broadcast shape of two shapes or torch's error."""
    n = max(len(sa), len(sb))
    out = []
    for i in range(n):
        a = sa[i - n + len(sa)] if i - n + len(sa) >= 0 else 1
        b = sb[i - n + len(sb)] if i - n + len(sb) >= 0 else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                               f"dimension {i}")
        out.append(b if a == 1 else a)
    return tuple(out)


def scale_arg(x, s):
    """beta*input / alpha*product as ATen does: the scalar is converted to the tensor's dtype first (ints truncate)."""
    if x.dtype.kind in "iu":
        s = np.array(int(s)).astype(x.dtype).item()     # wraps like c10's conversion (-1 -> 255 for uint8)
    elif x.dtype.kind == "b":
        s = bool(s)
    if s == 1 or s is True:
        return x
    if s == 0 or s is False:
        return jnp.zeros_like(x)      # beta=0 ignores nan/inf in input (as torch)
    if x.dtype.kind == "b":
        return x
    return x * jnp.asarray(s, x.dtype)


# --- checks ------------------------------------------------------------------------------------------------

def _dot_dtype(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {scalar_name(a.dtype)} and "
                           f"{scalar_name(b.dtype)}")


def _dot_check(a, b):
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    _dot_shape(a, b)


def _dot_shape(a, b):
    _dot_dtype(a, b)
    if a._size != b._size:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a._size[0]}] and src [{b._size[0]}] to have "
                           f"the same number of elements, but got {a._size[0]} and {b._size[0]} elements respectively")
    not_implemented("dot", a)


def _mm_shape(sa, sb, a, b):
    if sa[1] != sb[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({xs(sa)} and {xs(sb)})")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {cname(a.dtype)} != {cname(b.dtype)}")
    not_implemented("addmm_impl_cpu_", a)


def _mm_check(a, b, out_dtype=None):
    if a.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    _mm_shape(a._size, b._size, a, b)


def _mv_shape(n, mat, k, vec, self=None, self_n=None):
    if k != vec._size[0] or (self is not None and self_n != n and self_n != 1):
        raise RuntimeError(f"size mismatch, got input ({n if self is None else self_n}), mat ({n}x{k}), "
                           f"vec ({vec._size[0]})")
    s = vec if self is None else self
    if not (s.dtype is mat.dtype is vec.dtype):
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {scalar_name(s.dtype)}, "
                           f"{scalar_name(mat.dtype)}, and {scalar_name(vec.dtype)}")
    not_implemented("addmv_impl_cpu", mat)


def _mv_check(a, v):
    if a.dim() != 2 or v.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {v.dim()}")
    _mv_shape(a._size[0], a, a._size[1], v)


def _bmm_shape(sa, sb, a, b, kernel="bmm"):
    if sa[0] != sb[0] or sa[2] != sb[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] but "
                           f"got: [{sb[0]}, {sb[1]}].")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {scalar_name(a.dtype)} but found {scalar_name(b.dtype)}")
    not_implemented(kernel, a)


def _bmm_check(a, b):
    if a.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _bmm_shape(a._size, b._size, a, b)


def _matmul_check(a, b):
    da, db = a.dim(), b.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return _dot_shape(a, b)
    if da == 2 and db == 1:
        return _mv_shape(a._size[0], a, a._size[1], b)
    if da == 1 and db == 2:
        return _mm_shape((1, a._size[0]), b._size, a, b)
    if da == 2 and db == 2:
        return _mm_shape(a._size, b._size, a, b)
    if da >= 3 and db == 1:
        n = math.prod(a._size[:-1])
        return _mv_shape(n, a, a._size[-1], b)
    if da >= 3 and db == 2:
        return _mm_shape((math.prod(a._size[:-1]), a._size[-1]), b._size, a, b)
    sa = a._size if da > 1 else (1,) + a._size
    sb = b._size if db > 1 else b._size + (1,)
    batch = broadcast_check(sa[:-2], sb[:-2])
    B = math.prod(batch)
    _bmm_shape((B,) + sa[-2:], (B,) + sb[-2:], a, b)


def _nonbool_rule(op, vals):
    """Same dtype in and out (the checks have enforced equal dtypes)."""
    d = vals[op.tensor_idx[0]].dtype
    return d, (d,)


@register("mm", tensors=("input", "mat2"), out=True, check=_mm_check, dtype=_nonbool_rule)
def _mm(input, mat2):
    return jnp.matmul(input, mat2)


@register("matmul", tensors=T2, out=True, check=_matmul_check, dtype=_nonbool_rule, grad="MmBackward0")
def _matmul(input, other):
    return jnp.matmul(input, other)


@register("bmm", tensors=("input", "mat2"), out=True, check=_bmm_check, dtype=_nonbool_rule)
def _bmm(input, mat2):
    return jnp.matmul(input, mat2)


@register("dot", tensors=("input", "tensor"), out=True, check=_dot_check, dtype=_nonbool_rule)
def _dot(input, tensor):
    return jnp.dot(input, tensor)


@register("vdot", tensors=T2, out=True, check=_dot_check, dtype=_nonbool_rule)
def _vdot(input, other):
    return jnp.vdot(input, other)


@register("mv", tensors=("input", "vec"), out=True, check=_mv_check, dtype=_nonbool_rule)
def _mv(input, vec):
    return jnp.matmul(input, vec)


def _outer_check(a, b):
    for t, n in ((a, "self"), (b, "vec2")):
        if isinstance(t, type(a)) and t.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {n}, but got {t.dim()}-D")


@register("outer", tensors=("input", "vec2"), out=True, aliases=("ger",), method_aliases=("ger",),
          check=_outer_check, grad="MulBackward0")
def _outer(input, vec2):
    return jnp.multiply.outer(input, vec2)


def _addmm_dtypes(s, m1, m2):
    if s.dtype is not m2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {scalar_name(s.dtype)} and "
                           f"{scalar_name(m2.dtype)}")
    if m1.dtype is not m2.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {scalar_name(m1.dtype)} and "
                           f"{scalar_name(m2.dtype)}")


def _addmm_check(s, m1, m2, beta=1, alpha=1):
    for t, n in ((m1, "mat1"), (m2, "mat2")):
        if t.dim() != 2:
            raise RuntimeError(f"{n} must be a matrix, got {t.dim()}-D tensor")
    _addmm_dtypes(s, m1, m2)
    _mm_shape(m1._size, m2._size, m1, m2)
    expand_check(s._size, (m1._size[0], m2._size[1]))


@register("addmm", tensors=("input", "mat1", "mat2"), inplace=True, out=True, check=_addmm_check,
          dtype=_nonbool_rule)
def _addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return scale_arg(input, beta) + scale_arg(jnp.matmul(mat1, mat2), alpha)


def _addmv_check(s, mat, vec, beta=1, alpha=1):
    if mat.dim() != 2 or vec.dim() != 1 or s.dim() > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {s.dim()}, {mat.dim()}, {vec.dim()}")
    _mv_shape(mat._size[0], mat, mat._size[1], vec, s, s._size[0] if s.dim() else 1)


@register("addmv", tensors=("input", "mat", "vec"), inplace=True, out=True, check=_addmv_check, dtype=_nonbool_rule)
def _addmv(input, mat, vec, *, beta=1, alpha=1):
    return scale_arg(input, beta) + scale_arg(jnp.matmul(mat, vec), alpha)


def _addr_check(s, v1, v2, beta=1, alpha=1):
    for t, n in ((v1, "vec1"), (v2, "vec2")):
        if t.dim() != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {n}, but got {t.dim()}-D")
    r = D.result_type(s, v1, v2)
    if r.is_integral:
        for v, n in ((beta, "beta"), (alpha, "alpha")):
            if isinstance(v, float):
                raise RuntimeError(f"For integral input tensors, argument {n} must not be a floating point number.")
    expand_check(s._size, (v1._size[0], v2._size[0]))


@register("addr", tensors=("input", "vec1", "vec2"), inplace=True, out=True, check=_addr_check)
def _addr(input, vec1, vec2, *, beta=1, alpha=1):
    if input.dtype == jnp.bool_:
        return (input & bool(beta)) | (jnp.outer(vec1, vec2) & bool(alpha))
    return scale_arg(input, beta) + scale_arg(jnp.multiply.outer(vec1, vec2), alpha)


def _baddbmm_check(s, b1, b2, beta=1, alpha=1):
    _bmm_check(b1, b2) if b1.dim() != 3 or b2.dim() != 3 else None
    sa, sb = b1._size, b2._size
    if sa[0] != sb[0] or sa[2] != sb[1]:
        _bmm_shape(sa, sb, b1, b2)
    if not (s.dtype is b1.dtype is b2.dtype):
        raise RuntimeError(f"Input dtypes must be the same, got: input {cname(s.dtype)}, batch1: {cname(b1.dtype)}, "
                           f"batch2: {cname(b2.dtype)}")
    not_implemented("baddbmm", b1)
    expand_check(s._size, (sa[0], sa[1], sb[2]))


@register("baddbmm", tensors=("input", "batch1", "batch2"), inplace=True, out=True, check=_baddbmm_check,
          dtype=_nonbool_rule)
def _baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return scale_arg(input, beta) + scale_arg(jnp.matmul(batch1, batch2), alpha)


def _addbmm_check(s, b1, b2, beta=1, alpha=1):
    for t, n in ((b1, "batch1"), (b2, "batch2")):
        if t.dim() != 3:
            raise RuntimeError(f"{n} must be a 3D tensor")
    sa, sb = b1._size, b2._size
    if sa[0] != sb[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {sa[0]} and {sb[0]}")
    if sa[2] != sb[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({sa[1]}x{sa[2]} and {sb[1]}x{sb[2]})")
    _addmm_dtypes(s, b1, b2)
    not_implemented("addmm_impl_cpu_", b1)
    expand_check(s._size, (sa[1], sb[2]))


@register("addbmm", tensors=("input", "batch1", "batch2"), inplace=True, out=True, check=_addbmm_check,
          dtype=_nonbool_rule)
def _addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return scale_arg(input, beta) + scale_arg(jnp.sum(jnp.matmul(batch1, batch2), axis=0), alpha)
