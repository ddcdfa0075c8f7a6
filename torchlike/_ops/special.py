"""torch.special's own ops (aten's special_* functions): one op-table entry each, numerics in special_math.

They are published under torch.special only (function=False keeps them out of the torch.* namespace; see
torchlike/special.py); the functions torch.special shares with torch.* (erf, digamma, logit ...) are the core ops.
Integer inputs promote to the default float dtype; complex inputs, and the half types where PyTorch's CPU kernel
has none, raise PyTorch's NotImplementedError. The Bessel/Airy functions and the polynomials have no gradient in
PyTorch (their results never require grad); zeta has none for its first argument.
"""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from . import special_math as M
from ._registry import defop, not_for, rule_promote_float
from .dispatch import scalar_name
from .pointwise import _round

_HALF = (D.float16, D.bfloat16)


def _float_rule(kernel, half):
    """Promote to floating (ints to the default dtype); the half types raise where torch's kernel has none."""
    def rule(op, vals):
        r, out = rule_promote_float(op, vals)
        if not half and r in _HALF:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(r)}\'')
        return r, out
    return rule


def _via_float32(f):
    """torch computes these kernels in float for the half types."""
    def g(*xs):
        d = xs[0].dtype
        if d in (jnp.float16, jnp.bfloat16):
            return f(*(x.astype(jnp.float32) for x in xs)).astype(d)
        return f(*xs)
    return g


def _not_two_numbers(name, params):
    def check(a, b):
        if not hasattr(a, "_storage") and not hasattr(b, "_storage"):
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({type(a).__name__}, {type(b).__name__}), but expected one of:\n"
                            f" * (Tensor {params[0]}, Tensor {params[1]}, *, Tensor out = None)\n"
                            f" * (Number {params[0]}, Tensor {params[1]}, *, Tensor out = None)\n"
                            f" * (Tensor {params[0]}, Number {params[1]}, *, Tensor out = None)\n")
    return check


def _unary(name, f, *, half, grad=None, kernel=None, differentiable=True):
    name = "special_" + name
    kernel = kernel or name[8:] + "_cpu"
    defop(name, (lambda g: lambda input: g(input))(_via_float32(f) if half else f),
          dtype=_float_rule(kernel, half), out=True, method=False, function=False, grad=grad,
          differentiable=differentiable, reject=not_for("c", kernel))


# --- no gradient in PyTorch: Bessel, Airy -----------------------------------------------------------------------

for _n in ("airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0"):
    _unary(_n, getattr(M, _n), half=False, differentiable=False)

# --- differentiable, with torch's backward names ----------------------------------------------------------------

_unary("entr", M.entr, half=True)
_unary("erfcx", M.erfcx, half=False)
_unary("i0e", M.i0e, half=True, grad="SpecialI0EBackward0")
_unary("i1", M.i1, half=True)
_unary("i1e", M.i1e, half=True, grad="SpecialI1EBackward0")
_unary("log_ndtr", M.log_ndtr, half=False)
_unary("ndtri", M.ndtri, half=False)
_unary("ndtr", M.ndtr, half=True, grad="MulBackward1", kernel="erf_vml_cpu")    # torch: (1 + erf(x/sqrt2)) * 0.5

defop("special_round", _round, dtype="same", out=True, method=False, function=False, grad="RoundBackward1",
      reject=not_for("bic", "round_vml_cpu"))

defop("special_xlog1py", lambda input, other: M.xlog1py(input, other), tensors=("input", "other"),
      dtype=_float_rule("xlog1py_cpu", True), out=True, method=False, function=False,
      grad="SpecialXlog1PyBackward0", reject=not_for("c", "xlog1py_cpu"),
      check=_not_two_numbers("special_xlog1py", ("self", "other")))

defop("special_zeta", lambda input, other: M.zeta(input, other), tensors=("input", "other"),
      dtype=_float_rule("zeta_cpu", False), out=True, method=False, function=False,
      reject=not_for("c", "zeta_cpu"), no_derivative={"input": "zeta"},
      check=_not_two_numbers("special_zeta", ("self", "other")))

# --- orthogonal polynomials (no gradient in PyTorch) ------------------------------------------------------------

_POLY_FNS = {**{f"chebyshev_polynomial_{k}": M.chebyshev_polynomial(k) for k in "tuvw"},
             **{f"shifted_chebyshev_polynomial_{k}": M.shifted_chebyshev_polynomial(k) for k in "tuvw"},
             **{n: getattr(M, n) for n in ("hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
                                           "legendre_polynomial_p")}}
POLYNOMIALS = tuple(_POLY_FNS)

for _n in POLYNOMIALS:
    defop("special_" + _n, (lambda g: lambda input, n: g(input, n))(_POLY_FNS[_n]), tensors=("input", "n"),
          dtype=_float_rule(_n + "_cpu", False), out=True, method=False, function=False, differentiable=False,
          reject=not_for("c", _n + "_cpu"), check=_not_two_numbers("special_" + _n, ("input", "n")))

UNARY = ("airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
         "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
         "spherical_bessel_j0", "entr", "erfcx", "i0e", "i1", "i1e", "log_ndtr", "ndtri", "ndtr", "round")
BINARY = ("xlog1py", "zeta") + POLYNOMIALS
