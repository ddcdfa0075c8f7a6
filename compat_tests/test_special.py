"""torch.special against real PyTorch, driven by one sample table: values (float32/float64, integer and bool inputs,
edge values), dtypes, the half types and complex inputs (values or PyTorch's error), gradients (vs torch, and float64
finite differences), out=, broadcasting, errors and printed grad_fn names; plus torch.igamma/igammac/mvlgamma/
polygamma and their Tensor methods."""
from __future__ import annotations

import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import check, check_grad, compare, make

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 5.0, 5.0001, -2.09, 2.09, 8.4, 30.0, 104.0, 1e-6, -1e10, 1e10,
         np.inf, -np.inf, np.nan]


def _r(seed, n, low, high):
    return np.random.default_rng(seed).uniform(low, high, n)


# name -> (sampler of the input values, half types supported, differentiable, float32 (rtol, atol))
UNARY = {
    "airy_ai": (lambda: _r(1, 40, -8, 8), False, False, (1e-4, 1e-5)),
    "bessel_j0": (lambda: _r(2, 40, -20, 20), False, False, (1e-4, 1e-5)),
    "bessel_j1": (lambda: _r(3, 40, -20, 20), False, False, (1e-4, 1e-5)),
    "bessel_y0": (lambda: _r(4, 40, -2, 20), False, False, (1e-4, 1e-5)),
    "bessel_y1": (lambda: _r(5, 40, -2, 20), False, False, (1e-4, 1e-5)),
    "modified_bessel_i0": (lambda: _r(6, 40, -15, 15), False, False, (1e-4, 1e-5)),
    "modified_bessel_i1": (lambda: _r(7, 40, -15, 15), False, False, (1e-4, 1e-5)),
    "modified_bessel_k0": (lambda: _r(8, 40, -1, 15), False, False, (1e-4, 1e-5)),
    "modified_bessel_k1": (lambda: _r(9, 40, -1, 15), False, False, (1e-4, 1e-5)),
    "scaled_modified_bessel_k0": (lambda: _r(10, 40, -1, 15), False, False, (1e-4, 1e-5)),
    "scaled_modified_bessel_k1": (lambda: _r(11, 40, -1, 15), False, False, (1e-4, 1e-5)),
    "spherical_bessel_j0": (lambda: _r(12, 40, -20, 20), False, False, (1e-4, 1e-5)),
    "entr": (lambda: _r(13, 40, -1, 5), True, True, (1e-5, 1e-5)),
    "erfcx": (lambda: _r(14, 40, -5, 40), False, True, (1e-5, 1e-5)),
    "i0e": (lambda: _r(15, 40, -20, 20), True, True, (1e-5, 1e-5)),
    "i1": (lambda: _r(16, 40, -15, 15), True, True, (1e-5, 1e-5)),
    "i1e": (lambda: _r(17, 40, -20, 20), True, True, (1e-5, 1e-5)),
    "log_ndtr": (lambda: _r(18, 40, -30, 8), False, True, (1e-5, 1e-5)),
    "ndtri": (lambda: _r(19, 40, 0, 1), False, True, (1e-5, 1e-5)),
    "ndtr": (lambda: _r(20, 40, -6, 6), True, True, (1e-5, 1e-5)),
    "round": (lambda: _r(21, 40, -5, 5), True, True, (0, 0)),
    # the core ops torch.special re-exports
    "expit": (lambda: _r(22, 40, -8, 8), True, True, (1e-5, 1e-6)),
    "gammaln": (lambda: _r(23, 40, 0.1, 8), True, True, (1e-5, 1e-5)),
    "digamma": (lambda: _r(24, 40, 0.1, 8), True, True, (1e-5, 1e-5)),
    "psi": (lambda: _r(25, 40, 0.1, 8), True, True, (1e-5, 1e-5)),
    "erf": (lambda: _r(26, 40, -3, 3), True, True, (1e-5, 1e-6)),
    "erfc": (lambda: _r(27, 40, -3, 3), True, True, (1e-5, 1e-6)),
    "erfinv": (lambda: _r(28, 40, -0.99, 0.99), True, True, (1e-5, 1e-5)),
    "exp2": (lambda: _r(29, 40, -5, 5), True, True, (1e-5, 1e-6)),
    "expm1": (lambda: _r(30, 40, -5, 5), True, True, (1e-5, 1e-6)),
    "log1p": (lambda: _r(31, 40, -0.9, 5), True, True, (1e-5, 1e-6)),
    "i0": (lambda: _r(32, 40, -10, 10), True, True, (1e-5, 1e-5)),
    "sinc": (lambda: _r(33, 40, -5, 5), True, True, (1e-5, 1e-6)),
    "logit": (lambda: _r(34, 40, 0.01, 0.99), True, True, (1e-5, 1e-6)),
}
TORCH_SPECIAL = sorted(n for n in dir(TH.special) if not n.startswith("_") and n not in
                       ("Tensor", "torch", "common_args", "multi_dim_common"))


def test_namespace_complete():
    assert TORCH_SPECIAL == sorted(TL.special.__all__)
    for n in TORCH_SPECIAL:
        assert callable(getattr(TL.special, n)), n
    assert len(TORCH_SPECIAL) == 56


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values(name, dtype):
    sampler, _, _, tol32 = UNARY[name]
    rtol, atol = tol32 if dtype == "float32" else (1e-7, 1e-9)
    x = np.concatenate([sampler(), EDGES])
    check(lambda lib: getattr(lib.special, name)(make(lib, x, dtype)), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_other_dtypes(name):
    """Integer and bool inputs promote to the default float dtype; the half types compute (or raise as torch);
    complex inputs raise PyTorch's NotImplementedError with its message."""
    half = UNARY[name][1]
    for dtype in ("int64", "int32", "bool", "uint8"):
        check(lambda lib: getattr(lib.special, name)(make(lib, np.array([0, 1, 3, 2]), dtype)), rtol=1e-5,
              atol=1e-5, message=True)
    for dtype in ("float16", "bfloat16"):
        r = check(lambda lib: getattr(lib.special, name)(make(lib, np.array([0.25, 0.5, 1.5]), dtype)),
                  rtol=2e-2, atol=2e-2, message=True)
        assert (r is not None) == half or name == "round"
    check(lambda lib: getattr(lib.special, name)(make(lib, np.array([0.5, 1.5]), "complex64")), message=True)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_gradients(name):
    sampler, _, diff, _ = UNARY[name]
    x = sampler()[:12]
    if name in ("entr", "modified_bessel_k0", "modified_bessel_k1", "bessel_y0", "bessel_y1",
                "scaled_modified_bessel_k0", "scaled_modified_bessel_k1"):
        x = np.abs(x) + 0.1
    if not diff:
        def go(lib):
            t = make(lib, x, "float64", requires_grad=True)
            return getattr(lib.special, name)(t)
        (tl, th) = check(go, rtol=1e-7, atol=1e-9)
        assert not tl.requires_grad and tl.grad_fn is None
        return
    check_grad(lambda lib, t: getattr(lib.special, name)(t), [(x, "float64")], rtol=1e-6, atol=1e-9)
    check_grad(lambda lib, t: getattr(lib.special, name)(t), [(x, "float32")], rtol=1e-4, atol=1e-5)
    if name != "round":             # finite differences (round's gradient is zero, not its slope)
        t = TL.tensor(x, dtype=TL.float64, requires_grad=True)
        assert TL.autograd.gradcheck(getattr(TL.special, name), (t,), eps=1e-6, atol=1e-5, rtol=1e-4)


def test_grad_fn_names_and_printing():
    for name in ("entr", "erfcx", "i0e", "i1", "i1e", "log_ndtr", "ndtri", "ndtr", "round", "expit", "gammaln",
                 "psi", "multigammaln", "xlog1py", "zeta", "gammainc", "gammaincc", "polygamma"):
        def go(lib):
            x = lib.tensor([2.5, 3.25], requires_grad=True)
            f = getattr(lib.special, name)
            if name == "multigammaln":
                y = f(x, 2)
            elif name == "polygamma":
                y = f(1, x)
            elif name in ("xlog1py", "zeta", "gammainc", "gammaincc"):
                y = f(x, x * 1.5)
            else:
                y = f(x * 0.3)
            return type(y.grad_fn).__name__, repr(y)
        (a, b) = check(go)
        assert a == b


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["xlog1py", "xlogy", "zeta", "gammainc", "gammaincc"])
def test_binary_values(name, dtype):
    r = np.random.default_rng(40)
    if name == "zeta":
        a, b = r.uniform(0.5, 10, 60), np.concatenate([r.uniform(-6, 10, 50), r.integers(-4, 3, 10)])
    elif name.startswith("gamma"):
        a, b = np.exp(r.uniform(-4, 4, 60)), np.exp(r.uniform(-5, 4, 60))
    else:
        a, b = r.uniform(-3, 3, 60), r.uniform(-0.9, 5, 60)
    edge = np.array([0.0, 1.0, -1.0, 2.0, np.inf, -np.inf, np.nan, 0.5, -1.5])
    ea, eb = (g.ravel() for g in np.meshgrid(edge, edge, indexing="ij"))
    a, b = np.concatenate([a, ea]), np.concatenate([b, eb])
    rtol, atol = (1e-4, 1e-5) if dtype == "float32" else (1e-7, 1e-9)
    check(lambda lib: getattr(lib.special, name)(make(lib, a, dtype), make(lib, b, dtype)), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", ["xlog1py", "xlogy", "zeta", "gammainc", "gammaincc"])
def test_binary_broadcast_scalars_dtypes(name):
    a, b = np.array([[0.5], [1.5], [3.0]]), np.array([1.25, 2.0])
    f = lambda lib: getattr(lib.special, name)      # noqa: E731
    check(lambda lib: f(lib)(make(lib, a), make(lib, b, "float64")), rtol=1e-6, atol=1e-7)
    check(lambda lib: f(lib)(make(lib, a, "float32"), make(lib, b, "float32")), rtol=1e-5, atol=1e-6)
    check(lambda lib: f(lib)(make(lib, a * 2, "int64"), make(lib, b * 4, "int64")), rtol=1e-5, atol=1e-6)
    for args in ((2.5, "t"), ("t", 2), ("t", True)) + (((2.0, 3),) if name != "xlogy" else ()):
        check(lambda lib: f(lib)(*(make(lib, b, "float32") if v == "t" else v for v in args)), rtol=1e-5,
              atol=1e-6)
    check(lambda lib: f(lib)(make(lib, np.ones(3)), make(lib, np.ones(2))), message=True)
    for dtype in ("float16", "bfloat16", "complex64"):
        check(lambda lib: f(lib)(make(lib, b, dtype), make(lib, b, dtype)), rtol=2e-2, atol=2e-2, message=True)


def test_binary_gradients():
    a, b = np.array([0.0, 0.7, 1.5, 3.0]), np.array([0.5, 0.25, 2.0, 1.5])
    check_grad(lambda lib, x, y: lib.special.xlog1py(x, y), [(a, "float64"), (b, "float64")], rtol=1e-7)
    check_grad(lambda lib, x, y: lib.special.xlogy(x, y), [(a[1:], "float64"), (b[1:], "float64")], rtol=1e-7)
    for name in ("zeta", "gammainc", "gammaincc", "igamma", "igammac"):
        lib_f = lambda lib: getattr(lib.special, name, None) or getattr(lib, name)      # noqa: E731
        # the gradient with respect to the second argument
        check_grad(lambda lib, y: lib_f(lib)(make(lib, a + 1.5, "float64"), y), [(b, "float64")], rtol=1e-6)
        # none with respect to the first: backward raises torch's NotImplementedError
        check(lambda lib: lib_f(lib)(make(lib, a + 1.5, "float64", requires_grad=True),
                                     make(lib, b, "float64", requires_grad=True)).sum().backward(), message=True)
    y = TL.tensor(b + 1.0, dtype=TL.float64, requires_grad=True)
    assert TL.autograd.gradcheck(lambda t: TL.special.zeta(TL.tensor(a + 2.0, dtype=TL.float64), t), (y,),
                                 eps=1e-6, atol=1e-5, rtol=1e-4)
    assert TL.autograd.gradcheck(lambda t: TL.special.gammainc(TL.tensor(a + 1.0, dtype=TL.float64), t), (y,),
                                 eps=1e-6, atol=1e-5, rtol=1e-4)
    t = TL.tensor(a, dtype=TL.float64, requires_grad=True)
    assert TL.autograd.gradcheck(lambda u: TL.special.xlog1py(u, y), (t,), eps=1e-6, atol=1e-5, rtol=1e-4)


POLYS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
         "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
         "laguerre_polynomial_l", "legendre_polynomial_p"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", POLYS)
def test_polynomial_values(name, dtype):
    """Degrees below 0, the recurrences, the closed forms for large n inside (-1, 1), the values at |x| == 1,
    fractional, NaN and infinite degrees, and the hermite limit."""
    xs = np.concatenate([_r(50, 12, -1.2, 1.2), [0.0, 1.0, -1.0, 0.5, 1.5, -2.0, np.inf]])
    ns = np.array([-2, 0, 1, 2, 3, 5, 7, 9, 10, 2.7, np.nan, np.inf, -np.inf] + ([200, 600] if dtype == "float64"
                                                                                 else [130]))
    x, n = (g.ravel() for g in np.meshgrid(xs, ns, indexing="ij"))
    # NaN x: only degrees whose value torch defines (its recurrences leave the result unset when x is NaN)
    x, n = np.concatenate([x, [np.nan] * 3]), np.concatenate([n, [-2, 0, 1]])
    rtol, atol = (2e-4, 1e-4) if dtype == "float32" else (1e-7, 1e-7)
    check(lambda lib: getattr(lib.special, name)(make(lib, x, dtype), make(lib, n, dtype)), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", POLYS)
def test_polynomial_arguments(name):
    x = np.array([[-0.75], [0.3], [0.9]])
    f = lambda lib: getattr(lib.special, name)       # noqa: E731
    check(lambda lib: f(lib)(make(lib, x), 4), rtol=1e-6, atol=1e-6)                        # scalar degree
    check(lambda lib: f(lib)(make(lib, x, "float32"), make(lib, np.array([0, 2, 5]), "int64")), rtol=1e-5,
          atol=1e-5)                                                                      # broadcast, int n
    check(lambda lib: f(lib)(0.25, make(lib, np.array([1, 3, 4]), "int64")), rtol=1e-5, atol=1e-5)
    check(lambda lib: f(lib)(make(lib, np.array([1, 2]), "int64"), make(lib, np.array([2, 3]), "int64")))
    check(lambda lib: f(lib)(0.5, 3), message=True)                                        # two numbers
    for dtype in ("float16", "complex64"):
        check(lambda lib: f(lib)(make(lib, x, dtype), 2), message=True)
    (tl, th) = check(lambda lib: f(lib)(make(lib, x, "float64", requires_grad=True), 3), rtol=1e-7)
    assert not tl.requires_grad


def test_out_variants():
    x = np.array([0.25, 1.5, 3.0])
    for name in ("erfcx", "bessel_j0", "i1e", "ndtr", "entr", "log_ndtr"):
        check(lambda lib: getattr(lib.special, name)(make(lib, x, "float32"),
                                                     out=lib.empty(3, dtype=lib.float64)), rtol=1e-5, atol=1e-6)
        check(lambda lib: getattr(lib.special, name)(make(lib, x, "float32"), out=lib.empty(3, dtype=lib.int64)),
              message=True)
    for name in ("xlog1py", "zeta", "chebyshev_polynomial_t", "gammainc", "multigammaln", "polygamma"):
        def go(lib):
            o = lib.empty(3)
            a = make(lib, x + 1, "float32")
            if name == "multigammaln":
                r = lib.special.multigammaln(a, 2, out=o)
            elif name == "polygamma":
                r = lib.special.polygamma(2, a, out=o)
            else:
                r = getattr(lib.special, name)(a, make(lib, x, "float32") if name != "chebyshev_polynomial_t"
                                               else 3, out=o)
            return r is o, o
        check(go, rtol=1e-5, atol=1e-6)


def test_special_round_decimals_and_softmax():
    x = np.array([[0.123456, -2.5, 3.75], [1.0, 0.5, -0.25]])
    check(lambda lib: lib.special.round(make(lib, x), decimals=2), rtol=1e-6)
    check(lambda lib: lib.special.softmax(make(lib, x), 1), rtol=1e-6)
    check(lambda lib: lib.special.log_softmax(make(lib, x), 0, dtype=lib.float64), rtol=1e-6)
    check(lambda lib: lib.special.softmax(make(lib, x, "int64"), 1, dtype=lib.float32), rtol=1e-6)
    check(lambda lib: lib.special.logsumexp(make(lib, x), 1, keepdim=True), rtol=1e-6)
    check(lambda lib: lib.special.logit(make(lib, x * 0.1 + 0.4), eps=0.45), rtol=1e-6)
    check(lambda lib: lib.special.polygamma(3, make(lib, np.abs(x) + 0.5)), rtol=1e-5)


def test_igamma_mvlgamma_top_level_and_methods():
    a, b = np.array([0.5, 1.0, 2.5, 7.0]), np.array([0.25, 1.0, 3.0, 6.0])
    for name in ("igamma", "igammac"):
        check(lambda lib: getattr(lib, name)(make(lib, a), make(lib, b)), rtol=1e-6, atol=1e-7)
        check(lambda lib: getattr(make(lib, a, "float32"), name)(make(lib, b, "float32")), rtol=1e-5, atol=1e-6)

        def inplace(lib):
            t = make(lib, a, "float32")
            r = getattr(t, name + "_")(make(lib, b, "float64"))
            return r is t, t
        check(inplace, rtol=1e-5, atol=1e-6)
        for args in (("int64", "int64"), ("bool", "bool"), ("complex64", "complex64")):
            check(lambda lib: getattr(lib, name)(make(lib, a, args[0]), make(lib, b, args[1])), message=True)
        check(lambda lib: getattr(lib, name)(make(lib, a), 2.0), message=False)
        check(lambda lib: getattr(lib.special, "gammainc" if name == "igamma" else "gammaincc")(
            make(lib, a, "float16"), make(lib, b, "float16")), rtol=2e-2, atol=2e-2)
    x = np.array([2.5, 3.0, 4.75])
    for p in (1, 2, 3, 5):
        check(lambda lib: lib.mvlgamma(make(lib, x + p), p), rtol=1e-5, atol=1e-5)
        check(lambda lib: make(lib, x + p, "float64").mvlgamma(p), rtol=1e-7)
    check(lambda lib: lib.mvlgamma(make(lib, np.array([3, 4]), "int64"), 2), rtol=1e-5)
    check(lambda lib: lib.special.multigammaln(make(lib, x), 0), message=True)
    check(lambda lib: lib.mvlgamma(make(lib, np.array([True]), "bool"), 1), message=True)
    check(lambda lib: lib.mvlgamma(make(lib, x, "complex64"), 1), message=True)

    def inplace(lib):
        t = make(lib, x, "float64")
        return t.mvlgamma_(2) is t, t
    check(inplace, rtol=1e-7)
    check_grad(lambda lib, t: lib.mvlgamma(t, 3), [(x + 1, "float64")], rtol=1e-7)
    check_grad(lambda lib, t: lib.polygamma(2, t), [(x, "float64")], rtol=1e-7)
    check(lambda lib: make(lib, x, "float32").polygamma(1), rtol=1e-5)

    def poly_inplace(lib):
        t = make(lib, x, "float32")
        return t.polygamma_(1) is t, t
    check(poly_inplace, rtol=1e-5)


def test_compiled_special_ops():
    """The entries trace under torch.compile like any op (the loops are lax.while_loops)."""
    x = np.array([0.3, -0.7, 1.5])

    def f(t):
        return TL.special.chebyshev_polynomial_t(t, 9) + TL.special.airy_ai(t) + TL.special.erfcx(t)
    eager = f(TL.tensor(x))
    compiled = TL.compile(f)(TL.tensor(x))
    compare(compiled, TH.special.chebyshev_polynomial_t(TH.tensor(x), 9) + TH.special.airy_ai(TH.tensor(x)) +
            TH.special.erfcx(TH.tensor(x)), rtol=1e-4, atol=1e-5)
    compare(eager, TH.special.chebyshev_polynomial_t(TH.tensor(x), 9) + TH.special.airy_ai(TH.tensor(x)) +
            TH.special.erfcx(TH.tensor(x)), rtol=1e-4, atol=1e-5)
