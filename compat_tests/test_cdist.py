"""torch.cdist against PyTorch: values and gradients for p = 0, 0.5, 1, 1.5, 2, 3, inf (torch's special cases where
the distance or a coordinate difference is zero, ties of the inf-norm), batched/broadcast inputs, compute modes,
and dtype / compute_mode errors."""
import numpy as np
import pytest

from _harness import check


def _data():
    r = np.random.default_rng(0)
    a, b = r.standard_normal((2, 4, 3)), r.standard_normal((3, 3))
    b[0] = a[0, 1]                  # a zero distance
    a[1, 2, :2] = b[1, :2]          # zero coordinate differences
    a[0, 0, 0] = b[2, 0] + 1.0      # an inf-norm tie
    a[0, 0, 1] = b[2, 1] - 1.0
    return a, b


@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, float("inf")])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary", "donot_use_mm_for_euclid_dist"])
def test_cdist_values_and_grads(p, dtype, mode):
    a, b = _data()

    def f(L):
        x = L.tensor(a, dtype=getattr(L, dtype), requires_grad=True)
        y = L.tensor(b, dtype=getattr(L, dtype), requires_grad=True)
        d = L.cdist(x, y, p=p, compute_mode=mode)
        gx, gy = L.autograd.grad((d * L.arange(d.numel(), dtype=d.dtype).reshape(d.shape)).sum(), [x, y])
        return d, gx, gy, type(d.grad_fn).__name__
    check(f, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "int64", "complex64", "bool"])
def test_cdist_dtype_errors(dtype):
    check(lambda L: L.cdist(L.ones(2, 3, dtype=getattr(L, dtype)), L.ones(2, 3, dtype=getattr(L, dtype))),
          message=True)


def test_cdist_argument_errors():
    check(lambda L: L.cdist(L.ones(2, 3), L.ones(2, 3), compute_mode="foo"), message=True)
    check(lambda L: L.cdist(L.ones(2, 3), L.ones(2, 3, dtype=L.float64)), message=True)
    check(lambda L: L.cdist(L.ones(2, 3), L.ones(2, 4)), message=True)
    check(lambda L: L.cdist(L.ones(2, 3), L.ones(2, 3), p=-1), message=True)
    check(lambda L: L.cdist(L.ones(3), L.ones(2, 3)), message=True)
    check(lambda L: L.cdist(L.ones(0, 3), L.ones(2, 3)))
