"""torch.complex and torch.polar: a complex tensor from two real ones."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from ._registry import register


def _rule_complex(op, vals):
    a, b = vals[0], vals[1]
    ok = (D.float16, D.float32, D.float64)
    if a.dtype not in ok or b.dtype not in ok:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{D.scalar_type_name(a.dtype)} and {D.scalar_type_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {D.scalar_type_name(a.dtype)} but got scalar type "
                           f"{D.scalar_type_name(b.dtype)} for second argument")
    return a.dtype, (D.complex128 if a.dtype is D.float64 else D.complex64,)


@register("complex", tensors=("real", "imag"), tensor_only=("real", "imag"), dtype=_rule_complex, method=False,
          out=True)
def complex_(real, imag):
    return real + 1j * imag.astype(jnp.result_type(real, jnp.complex64))


@register("polar", tensors=("abs", "angle"), tensor_only=("abs", "angle"), dtype=_rule_complex, method=False,
          out=True)
def polar(abs, angle):  # noqa: A002 - torch's argument names
    return abs * jnp.cos(angle) + 1j * (abs * jnp.sin(angle))
