"""torchlike.testing.check_grads at float32 and float64 (issue 13, item 5): finite differences are taken in float64
whatever the inputs' dtype, so a float32 check compares the tape with the true gradient, not with rounding noise."""
from __future__ import annotations

import numpy as np
import pytest

import torchlike as torch
import torchlike.nn.functional as F

FUNCTIONS = {
    "tanh_matmul_exp": (lambda a, b: (b @ a.tanh()).exp(), [(3,), (2, 3)]),
    "log_softmax": (lambda a: F.log_softmax(a, dim=-1) * torch.arange(4.0, dtype=a.dtype), [(2, 4)]),
    "div_pow": (lambda a, b: (a / (b * b + 1.0)) ** 3, [(5,), (5,)]),
    "norm_mean": (lambda a: a.norm(dim=1) + a.mean(), [(3, 4)]),
    "linear_sigmoid": (lambda x, w, b: torch.sigmoid(F.linear(x, w, b)), [(4, 3), (2, 3), (2,)]),
    "broadcast_sin": (lambda a, b: torch.sin(a[:, None] * b[None, :]).square(), [(3,), (4,)]),
}


def _inputs(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [torch.tensor(rng.uniform(-1.5, 1.5, s), dtype=dtype) for s in shapes]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_agrees_with_finite_differences(name, dtype):
    fn, shapes = FUNCTIONS[name]
    report = torch.testing.check_grads(fn, *_inputs(shapes, getattr(torch, dtype)))
    # float64: only the finite differences' own error; float32: the tape's rounding (a cast-back perturbation
    # gave errors of 0.1 to 1 here)
    bound = 1e-7 if dtype == "float64" else 1e-4
    assert max(report.vs_finite_differences) < bound, str(report)
    assert max(report.vs_jax) < (1e-12 if dtype == "float64" else 1e-5), str(report)


def _scaled_backward(factor):
    class Scaled(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * factor
    return Scaled


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("factor", [3.0, 2.01])
def test_a_wrong_backward_is_caught(dtype, factor):
    """A custom backward that is off (by 50%, or only by 0.5%) fails the check at float32 as at float64."""
    fn = _scaled_backward(factor)
    x = torch.tensor([0.3, -1.2, 2.0], dtype=getattr(torch, dtype))
    with pytest.raises(AssertionError, match="gradient mismatch for input"):
        torch.testing.check_grads(lambda a: fn.apply(a).sin(), x)
    report = torch.testing.check_grads(lambda a: fn.apply(a).sin(), x, raise_on_mismatch=False)
    assert report.vs_finite_differences[0] > 1e-3 and report.vs_jax[0] > 1e-3


def test_right_custom_backward_passes_at_float32():
    fn = _scaled_backward(2.0)
    report = torch.testing.check_grads(lambda a: fn.apply(a).sin(), torch.tensor([0.3, -1.2, 2.0]))
    assert max(report.vs_finite_differences) < 1e-4


def test_low_precision_inputs_use_looser_defaults():
    fn, shapes = FUNCTIONS["tanh_matmul_exp"]
    for dtype in (torch.float16, torch.bfloat16):
        report = torch.testing.check_grads(fn, *_inputs(shapes, dtype))
        assert max(report.vs_finite_differences) < 5e-2, str(report)


def test_explicit_rtol_overrides_the_default():
    x = torch.tensor([0.5, -0.25, 1.5])
    with pytest.raises(AssertionError, match="rtol"):
        torch.testing.check_grads(lambda a: _scaled_backward(2.0005).apply(a), x, rtol=1e-5)
    torch.testing.check_grads(lambda a: _scaled_backward(2.0005).apply(a), x, rtol=1e-3)
