"""Issue 14 census nn additions vs real PyTorch: FractionalMaxPool2d/3d (same random windows from the same seed),
CrossMapLRN2d, AdaptiveLogSoftmaxWithLoss, nn.utils.parametrizations.orthogonal."""
import numpy as np
import pytest

from _harness import check, sample

FRACTIONAL = [(2, (2, 3, 9, 11), 3, (4, 5), None), (2, (3, 10, 10), 2, None, (0.5, 0.6)),
              (2, (1, 2, 12, 7), (3, 2), (5, 3), None), (3, (2, 2, 7, 8, 9), 2, (3, 4, 5), None),
              (3, (2, 6, 6, 6), (2, 3, 2), None, (0.5, 0.5, 0.5))]


@pytest.mark.parametrize("nd,shape,kernel,out,ratio", FRACTIONAL)
def test_fractional_max_pool_functional(nd, shape, kernel, out, ratio):
    x = sample(shape, seed=1)

    def fn(lib):
        lib.manual_seed(5)
        t = lib.tensor(x, dtype=lib.float32, requires_grad=True)
        f = getattr(lib.nn.functional, f"fractional_max_pool{nd}d")
        y, idx = f(t, kernel, output_size=out, output_ratio=ratio, return_indices=True)
        (g,) = lib.autograd.grad((y * y).sum(), t)
        return y, idx, g
    check(fn)


@pytest.mark.parametrize("nd", [2, 3])
def test_fractional_max_pool_module(nd):
    shape = (2, 3, 8, 8) if nd == 2 else (1, 2, 6, 7, 8)

    def fn(lib):
        lib.manual_seed(0)
        m = getattr(lib.nn, f"FractionalMaxPool{nd}d")(2, output_ratio=0.5)
        x = lib.randn(*shape)
        samples = lib.rand(shape[0], shape[1], nd)
        fixed = getattr(lib.nn, f"FractionalMaxPool{nd}d")(2, output_size=3, return_indices=True,
                                                          _random_samples=samples)
        return m(x), fixed(x), repr(m)
    check(fn)


@pytest.mark.parametrize("call", ["FractionalMaxPool2d(2)", "FractionalMaxPool2d(2, output_size=3, output_ratio=0.5)",
                                  "FractionalMaxPool2d(2, output_ratio=1.5)", "FractionalMaxPool3d(2)"])
def test_fractional_max_pool_errors(call):
    check(lambda lib: eval("lib.nn." + call, {"lib": lib}), message=True)


def test_fractional_max_pool_too_large():
    check(lambda lib: lib.nn.functional.fractional_max_pool2d(lib.ones(1, 1, 4, 4), 3, output_size=3),
          message=True)


@pytest.mark.parametrize("size,channels", [(3, 5), (5, 3), (2, 6), (4, 4)])   # size 1: torch's backward fails
def test_cross_map_lrn2d(size, channels):
    x = sample((2, channels, 3, 4), seed=2)

    def fn(lib):
        t = lib.tensor(x, dtype=lib.float64, requires_grad=True)
        m = lib.nn.CrossMapLRN2d(size, alpha=0.1, beta=0.75, k=2)
        y = m(t)
        (g,) = lib.autograd.grad((y * lib.linspace(0.5, 1.5, y.numel(), dtype=lib.float64).view(y.shape)).sum(), t)
        return y, g, repr(m)
    check(fn, rtol=1e-6, atol=1e-7)
    check(lambda lib: lib.nn.CrossMapLRN2d(3)(lib.ones(2, 3, 4)), message=True)


@pytest.mark.parametrize("head_bias", [False, True])
def test_adaptive_log_softmax(head_bias):
    def fn(lib):
        lib.manual_seed(0)
        m = lib.nn.AdaptiveLogSoftmaxWithLoss(16, 20, [5, 12], div_value=2.0, head_bias=head_bias)
        x = lib.randn(9, 16)
        target = lib.tensor([0, 4, 5, 11, 12, 19, 3, 7, 15])
        out = m(x, target)
        grads = lib.autograd.grad(out.loss, list(m.parameters()))
        single = m(x[0], target[0])
        return out, grads, m.log_prob(x), m.predict(x), single.output, single.loss, \
            [tuple(v.shape) for v in m.state_dict().values()], repr(m)
    check(fn, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("call", ["m(lib.randn(3, 8), lib.tensor([0, 1, 10]))", "m(lib.randn(3, 8), lib.tensor([0, 1]))",
                                  "m(lib.randn(3, 8), lib.tensor([[0]]))",
                                  "lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 4])",
                                  "lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])"])
def test_adaptive_log_softmax_errors(call):
    def fn(lib):
        m = lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 7])
        return eval(call, {"lib": lib, "m": m})
    check(fn, message=True)


ORTH = [((4, 4), None, True), ((5, 3), None, True), ((3, 5), None, True), ((4, 4), "cayley", True),
        ((5, 3), "matrix_exp", True), ((3, 5), "cayley", True), ((5, 3), "householder", False),
        ((4, 4), "householder", True), ((2, 4, 4), None, True), ((2, 5, 3), "householder", False)]


@pytest.mark.parametrize("shape,orth_map,triv", ORTH)
def test_orthogonal(shape, orth_map, triv):
    def fn(lib):
        lib.manual_seed(0)
        lin = lib.nn.Linear(shape[-1], shape[-2])
        if len(shape) == 3:
            lin.weight = lib.nn.Parameter(lib.randn(*shape))
        lib.nn.utils.parametrizations.orthogonal(lin, orthogonal_map=orth_map, use_trivialization=triv)
        w = lin.weight
        (g,) = lib.autograd.grad(w.pow(3).sum(), lin.parametrizations.weight.original)
        gram = w @ w.mT if shape[-2] < shape[-1] else w.mT @ w
        return w, g, gram
    check(fn, rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("call", ["orthogonal(lib.nn.Linear(3, 3), orthogonal_map='qr')",
                                  "orthogonal(lib.nn.Linear(3, 3), name='bias')",
                                  "orthogonal(lib.nn.Linear(3, 3), name='nope')",
                                  "orthogonal(lib.nn.Linear(3, 3), orthogonal_map='cayley', use_trivialization=False)"])
def test_orthogonal_errors(call):
    def fn(lib):
        lib.manual_seed(0)
        return eval("lib.nn.utils.parametrizations." + call, {"lib": lib}).weight
    check(fn, message=True, rtol=1e-5, atol=1e-6)


def test_orthogonal_assign():
    q = np.linalg.qr(sample((4, 4), seed=9))[0]

    def fn(lib):
        lin = lib.nn.Linear(4, 4)
        lib.nn.utils.parametrizations.orthogonal(lin)
        with lib.no_grad():
            lin.weight = lib.tensor(q, dtype=lib.float32)
        return lin.weight
    check(fn, rtol=1e-5, atol=1e-5)
