"""torch.fft against PyTorch: values, dtype rules (real -> complex, ints promoted), n/s/dim/norm, layouts, errors,
out= and gradients."""
import pytest
from hypothesis import given, settings, strategies as st

import torch as TH

from _harness import check as _check, check_grad, make, sample


def rc(x):
    """Materialise torch's lazy conjugate views (ihfft returns one; the harness reads values through numpy())."""
    return x.resolve_conj() if isinstance(x, TH.Tensor) else x


def check(fn, **kw):
    return _check(lambda L: rc(fn(L)), **kw)

NORMS = [None, "backward", "ortho", "forward"]
C2C = ["fft", "ifft"]
R2C = ["rfft", "ihfft"]
C2R = ["irfft", "hfft"]
ND = ["fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn", "hfft2", "ihfft2", "hfftn", "ihfftn"]


def cplx(shape, seed=0):
    return sample(shape, "float64", seed) + 1j * sample(shape, "float64", seed + 1)


def X(lib, shape, dtype, seed=0, layout="contig"):
    data = cplx(shape, seed) if dtype.startswith("complex") else sample(shape, dtype, seed)
    return make(lib, data, dtype, layout)


@pytest.mark.parametrize("name", C2C + R2C + C2R)
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128", "int64", "bool"])
def test_1d_dtypes(name, dtype):
    check(lambda L: getattr(L.fft, name)(X(L, (3, 8), dtype)), message=True)


@pytest.mark.parametrize("name", C2C + R2C + C2R)
@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_1d_norm_n_dim(name, norm):
    for kw in (dict(n=5), dict(n=12, dim=0)):
        check(lambda L: getattr(L.fft, name)(X(L, (6, 4), "float64"), norm=norm, **kw))
    if name not in R2C:
        check(lambda L: getattr(L.fft, name)(X(L, (6, 4), "complex128"), 7, 0, norm))


@pytest.mark.parametrize("name", ND)
def test_nd(name):
    real_only = name.startswith(("rfft", "ihfft"))
    dtype = "float64" if real_only else "complex128"
    for kw in (dict(norm="ortho"), dict(s=(4, 6)), dict(s=(3, 5), dim=(2, 0), norm="forward")):
        check(lambda L: getattr(L.fft, name)(X(L, (4, 3, 6), dtype), **kw))
    check(lambda L: getattr(L.fft, name)(X(L, (4, 6), "float32"), dim=(0, 1), norm="backward"))


@pytest.mark.parametrize("layout", ["transposed", "strided"])
@pytest.mark.parametrize("name", ["fft", "rfft", "irfft", "fft2", "rfftn"])
def test_layouts(name, layout):
    check(lambda L: getattr(L.fft, name)(X(L, (4, 6), "float64", layout=layout)))


ERRORS = [
    lambda L: L.fft.fft(L.ones(4, dtype=L.float16)),
    lambda L: L.fft.fft(L.ones(4, dtype=L.bfloat16)),
    lambda L: L.fft.rfft(L.ones(4, dtype=L.complex64)),
    lambda L: L.fft.ihfft(L.ones(4, dtype=L.complex64)),
    lambda L: L.fft.fft(L.ones(4), n=0),
    lambda L: L.fft.fft(L.ones(4), dim=2),
    lambda L: L.fft.fft(L.ones(())),
    lambda L: L.fft.fft(L.ones(4), norm="x"),
    lambda L: L.fft.fft2(L.ones(4)),
    lambda L: L.fft.fftn(L.ones(2, 4), s=(3,), dim=(0, 1)),
    lambda L: L.fft.rfft2(L.ones(2, 2, dtype=L.complex64)),
    lambda L: L.fft.ihfftn(L.ones(2, 2, dtype=L.complex64)),
    lambda L: L.fft.irfft(L.ones(1)),
    lambda L: L.fft.fftshift(L.ones(())),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    check(ERRORS[i], message=True)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_shift(name):
    for kw in (dict(), dict(dim=0), dict(dim=(0, -1)), dict(dim=[1])):
        check(lambda L: getattr(L.fft, name)(X(L, (5, 4), "int64"), **kw))


def test_freq():
    for n, d in ((4, 1.0), (5, 0.5), (1, 2.0)):
        check(lambda L: L.fft.fftfreq(n, d))
        check(lambda L: L.fft.rfftfreq(n, d))
    check(lambda L: L.fft.fftfreq(6, dtype=L.float64))
    check(lambda L: L.fft.rfftfreq(7, 0.1, dtype=L.float64, requires_grad=True))


def test_out():
    def go(L):
        out = L.empty(0, dtype=L.complex128)
        r = L.fft.fft(X(L, (5,), "float64"), out=out)
        assert r is out
        return out
    check(go)


@pytest.mark.parametrize("name", C2C + R2C + C2R + ["fft2", "rfftn", "irfftn"])
@pytest.mark.parametrize("norm", [None, "ortho"])
def test_grad(name, norm):
    real_in = name in R2C or name == "rfftn"
    shape = (3, 6)

    def fn(L, a, b=None):
        x = a if real_in else a + b * 1j
        y = getattr(L.fft, name)(x, norm=norm)
        return y.abs() if y.is_complex() else y       # |y| is smooth here: no zero coefficients
    inputs = [(sample(shape, "float64", 0), "float64")]
    if not real_in:
        inputs.append((sample(shape, "float64", 1), "float64"))
    check_grad(fn, inputs)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 9), st.one_of(st.none(), st.integers(1, 10)), st.sampled_from(NORMS),
       st.sampled_from(["fft", "rfft", "irfft", "ihfft"]))
def test_hypothesis(length, n, norm, name):
    check(lambda L: getattr(L.fft, name)(X(L, (2, length), "float64"), n=n, norm=norm))
