"""torch.special: special mathematical functions.

torch.special's own functions are the special_* op-table entries of _ops/special.py (values, dtypes, gradients,
out= and errors from the table); the rest are the core torch.* ops under their SciPy names (expit is sigmoid,
gammaln is lgamma, gammainc is igamma, multigammaln is mvlgamma, psi is digamma ...).
"""
from __future__ import annotations

import torchlike as _torch
from ._ops import _make_function
from ._ops import dispatch as _dispatch
from ._ops import special as _special
from ._ops._registry import OPS as _OPS

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
           "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
           "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]


def _publish(name):
    fn = _make_function(_OPS["special_" + name])
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "torch.special"
    return fn


for _name in _special.UNARY + _special.BINARY:
    globals()[_name] = _publish(_name)

# the core ops torch.special re-exports
digamma = psi = _torch.digamma
erf, erfc, erfinv, exp2, expm1, log1p = _torch.erf, _torch.erfc, _torch.erfinv, _torch.exp2, _torch.expm1, _torch.log1p
i0, sinc, logit, polygamma, xlogy, logsumexp = (_torch.i0, _torch.sinc, _torch.logit, _torch.polygamma, _torch.xlogy,
                                                _torch.logsumexp)
expit, gammaln = _torch.sigmoid, _torch.lgamma
gammainc, gammaincc, multigammaln = _torch.igamma, _torch.igammac, _torch.mvlgamma


def softmax(input, dim, *, dtype=None):
    """softmax(input, dim, *, dtype=None) -> Tensor"""
    return _dispatch.call("softmax", (input, dim, dtype), {})


def log_softmax(input, dim, *, dtype=None):
    """log_softmax(input, dim, *, dtype=None) -> Tensor"""
    return _dispatch.call("log_softmax", (input, dim, dtype), {})


softmax.__module__ = log_softmax.__module__ = "torch.special"
