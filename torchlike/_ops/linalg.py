"""Matrix products: matmul mm bmm dot mv outer addmm ... (linalg.* lives in torchlike/linalg.py)."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from ._registry import register
from .dispatch import scalar_name

T2 = ("input", "other")


def _same_dtype_check(name):
    def check(a, b, *rest, **kw):
        if hasattr(b, "dtype") and a.dtype is not b.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_n(a.dtype)} != {_n(b.dtype)}"
                               if name in ("mm", "matmul", "bmm") else
                               f"{name} : expected both vectors to have same dtype, but found {scalar_name(a.dtype)} and "
                               f"{scalar_name(b.dtype)}")
    return check


def _n(d):
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16"}.get(d.name, d.name)


def _mm_check(a, b, *, out_dtype=None):
    _same_dtype_check("mm")(a, b)
    if a.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a._size[1] != b._size[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a._size[0]}x{a._size[1]} and "
                           f"{b._size[0]}x{b._size[1]})")


@register("mm", tensors=("input", "mat2"), out=True, check=_mm_check)
def _mm(input, mat2, *, out_dtype=None):
    return jnp.matmul(input, mat2)


def _matmul_check(a, b):
    _same_dtype_check("matmul")(a, b)
    if a.dim() == 0 or b.dim() == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.dim()}D and {b.dim()}D")
    ka = a._size[-1]
    kb = b._size[-2] if b.dim() > 1 else b._size[0]
    if ka != kb:
        if a.dim() == 1 and b.dim() == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have the same "
                               "number of elements, but got {ka} and {kb} elements respectively")
        sa = "x".join(map(str, a._size if a.dim() > 1 else (1,) + a._size))
        if a.dim() > 2:
            sa = f"{a.numel() // a._size[-1]}x{a._size[-1]}"
        sb = "x".join(map(str, b._size[-2:] if b.dim() > 1 else b._size + (1,)))
        if a.dim() == 2 or a.dim() > 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})")
        raise RuntimeError(f"size mismatch, got input ({a._size[0]}), mat ({'x'.join(map(str, b._size))}), vec ({ka})")


@register("matmul", tensors=T2, out=True, check=_matmul_check, grad=None)
def _matmul(input, other):
    return jnp.matmul(input, other)


def _bmm_check(a, b):
    _same_dtype_check("bmm")(a, b)
    if a.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a._size[0] != b._size[0] or a._size[2] != b._size[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{a._size[0]}, "
                           f"{a._size[2]}] but got: [{b._size[0]}, {b._size[1]}].")


@register("bmm", tensors=("input", "mat2"), out=True, check=_bmm_check)
def _bmm(input, mat2):
    return jnp.matmul(input, mat2)


def _dot_check(a, b):
    _same_dtype_check("dot")(a, b)
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    if a._size != b._size:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a._size[0]}] and src [{b._size[0]}] to have "
                           f"the same number of elements, but got {a._size[0]} and {b._size[0]} elements respectively")


@register("dot", tensors=("input", "tensor"), out=True, check=_dot_check)
def _dot(input, tensor):
    return jnp.dot(input, tensor)


@register("vdot", tensors=T2, out=True, check=_dot_check)
def _vdot(input, other):
    return jnp.vdot(input, other)


def _mv_check(a, v):
    _same_dtype_check("mv")(a, v)
    if a.dim() != 2 or v.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {v.dim()}")
    if a._size[1] != v._size[0]:
        raise RuntimeError(f"size mismatch, got input ({a._size[0]}), mat ({a._size[0]}x{a._size[1]}), "
                           f"vec ({v._size[0]})")


@register("mv", tensors=("input", "vec"), out=True, check=_mv_check)
def _mv(input, vec):
    return jnp.matmul(input, vec)


@register("outer", tensors=("input", "vec2"), out=True, aliases=("ger",), method_aliases=("ger",))
def _outer(input, vec2):
    return jnp.outer(input, vec2)


@register("addmm", tensors=("input", "mat1", "mat2"), inplace=True, out=True)
def _addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return _scaled(input, beta) + _scaled(jnp.matmul(mat1, mat2), alpha)


def _scaled(x, s):
    return x if s == 1 else (jnp.zeros_like(x) if s == 0 else x * s)


@register("addmv", tensors=("input", "mat", "vec"), inplace=True, out=True)
def _addmv(input, mat, vec, *, beta=1, alpha=1):
    return _scaled(input, beta) + _scaled(jnp.matmul(mat, vec), alpha)


@register("addr", tensors=("input", "vec1", "vec2"), inplace=True, out=True)
def _addr(input, vec1, vec2, *, beta=1, alpha=1):
    return _scaled(input, beta) + _scaled(jnp.outer(vec1, vec2), alpha)


@register("baddbmm", tensors=("input", "batch1", "batch2"), inplace=True, out=True)
def _baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return _scaled(input, beta) + _scaled(jnp.matmul(batch1, batch2), alpha)


@register("addbmm", tensors=("input", "batch1", "batch2"), inplace=True, out=True)
def _addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return _scaled(input, beta) + _scaled(jnp.sum(jnp.matmul(batch1, batch2), axis=0), alpha)
