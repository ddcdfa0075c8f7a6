"""Every differentiable entry of the op table, called with generic float64 arguments that PyTorch accepts, has its
gradients compared with PyTorch's (and, for a sample, with jax.grad via torchlike.testing.check_grads). Entries whose
signature needs specific arguments are skipped here; their families' test files cover them."""
from __future__ import annotations

import numpy as np
import pytest
import torch as TH

from _harness import check_grad

from torchlike._ops import OPS

# sgn: torch returns a ZeroTensor gradient for real inputs, which cannot be compared through NumPy
NAMES = sorted(n for n, op in OPS.items() if op.differentiable and not n.startswith("_") and op.function
               and n not in ("sgn",))

A = np.array([[0.7, 1.3, 0.9, 1.1], [1.4, 0.6, 1.2, 0.8], [1.05, 0.95, 1.25, 0.75]])
B = np.array([[1.2, 0.8, 1.1, 0.9], [0.65, 1.35, 0.85, 1.15], [1.3, 0.7, 0.6, 1.4]])
S = np.array([[1.5, 0.2, 0.1], [0.2, 1.2, 0.3], [0.1, 0.3, 1.8]])

# argument patterns tried in order: (arrays, extra positional args)
PATTERNS = [((A,), ()), ((A, B), ()), ((S,), ()), ((S, S), ()), ((A,), (1,)), ((A,), (0,)), ((A,), (2,)),
            ((A, B.T.copy()), ()), ((A, B, A), ()), ((A,), (1.5,)), ((A, B), (0.3,))]


def _torch_accepts(name, arrays, extra):
    fn = getattr(TH, name, None)
    if fn is None:
        return False
    try:
        ts = [TH.tensor(a, dtype=TH.float64, requires_grad=True) for a in arrays]
        out = fn(*ts, *extra)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        return any(isinstance(o, TH.Tensor) and o.requires_grad for o in outs)
    except Exception:
        return False


@pytest.mark.parametrize("name", NAMES)
def test_grad_matches_torch(name):
    for arrays, extra in PATTERNS:
        if _torch_accepts(name, arrays, extra):
            check_grad(lambda lib, *ts: getattr(lib, name)(*ts, *extra), [(a, "float64") for a in arrays],
                       rtol=1e-6, atol=1e-8)
            return
    pytest.skip("needs specific arguments (covered by its family's tests)")
