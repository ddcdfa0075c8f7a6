"""torch.stft / torch.istft against PyTorch: values, dtypes, strides, grad_fn names, gradients (input and window),
batched and complex inputs, windows, center/pad modes, onesided, normalized, align_to_window, lengths, errors
(ATen's messages) and the once-per-process warnings."""
import warnings

import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import check, check_grad, make, sample

FLOAT = ["float32", "float64"]


def X(L, shape, dtype="float64", seed=0):
    if dtype.startswith("complex"):
        return make(L, sample(shape, "float64", seed) + 1j * sample(shape, "float64", seed + 1), dtype)
    return make(L, sample(shape, dtype, seed), dtype)


def win(L, kind, n, dtype="float64"):
    if kind is None:
        return None
    if kind == "ones":
        return L.ones(n, dtype=getattr(L, dtype))
    return getattr(L, kind + "_window")(n, dtype=getattr(L, dtype))


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.mark.parametrize("shape", [(64,), (3, 64), (1, 37)])
@pytest.mark.parametrize("dtype", FLOAT)
@pytest.mark.parametrize("window", [None, "hann", "hamming", "blackman", "bartlett", "kaiser"])
def test_stft_values(shape, dtype, window):
    check(lambda L: L.stft(X(L, shape, dtype), 16, window=win(L, window, 16, dtype), return_complex=True),
          strides=True, message=True)


@pytest.mark.parametrize("kw", [dict(center=False), dict(hop_length=3), dict(hop_length=7, center=False),
                                dict(win_length=10, window="hann"), dict(win_length=9), dict(normalized=True),
                                dict(onesided=False), dict(pad_mode="constant"), dict(pad_mode="replicate"),
                                dict(pad_mode="circular"), dict(center=False, win_length=8, align_to_window=True),
                                dict(center=False, win_length=9, window="hann", align_to_window=True),
                                dict(center=False, align_to_window=False), dict(n_fft=64, center=False),
                                dict(n_fft=5), dict(n_fft=1, center=False)])
def test_stft_options(kw):
    def f(L):
        k = dict(kw)
        n = k.pop("n_fft", 16)
        if k.get("window"):
            k["window"] = win(L, k["window"], k.get("win_length", n))
        return L.stft(X(L, (2, 40)), n, return_complex=True, **k)
    check(f, strides=True, message=True)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("onesided", [None, False])
def test_stft_complex_input(dtype, onesided):
    check(lambda L: L.stft(X(L, (2, 50), dtype), 12, window=win(L, "hann", 12), onesided=onesided),
          strides=True, message=True)


def test_stft_complex_window_and_promotion():
    check(lambda L: L.stft(X(L, (50,), "float32"), 12, window=L.ones(12, dtype=L.complex64)), strides=True)
    check(lambda L: L.stft(X(L, (50,), "float32"), 12, window=win(L, "hann", 12, "float64"), return_complex=True))
    check(lambda L: L.stft(X(L, (50,), "float64"), 12, window=L.ones(12, dtype=L.int64), return_complex=True))
    check(lambda L: L.stft(X(L, (50,), "float32"), 12, window=L.ones(12, dtype=L.float16), return_complex=True))


@pytest.mark.parametrize("shape", [(64,), (3, 64)])
def test_stft_return_complex_false(shape):
    check(lambda L: L.stft(X(L, shape, "float32"), 16, window=win(L, "hann", 16, "float32"),
                           return_complex=False), strides=True)


def test_stft_grad_fn_names():
    for shape, rc, name in (((2, 64), True, "TransposeBackward1"), ((64,), True, "SqueezeBackward4"),
                            ((64,), False, "ViewAsRealBackward0")):
        names = []
        for L in (TL, TH):
            x = make(L, sample(shape), "float32", requires_grad=True)
            names.append(type(L.stft(x, 16, window=L.hann_window(16), return_complex=rc).grad_fn).__name__)
        assert names == [name, name]


@pytest.mark.parametrize("kw", [dict(), dict(center=False, hop_length=5), dict(win_length=10),
                                dict(normalized=True, onesided=False), dict(pad_mode="constant")])
def test_stft_grad(kw):
    def f(L, x, w):
        return L.view_as_real(L.stft(x, 16, window=w, return_complex=True, **kw))
    n = kw.get("win_length", 16)
    check_grad(f, [(sample((2, 48)), "float64"), (sample((n,), seed=3), "float64")])


def test_stft_grad_complex_input():
    def f(L, re, im, w):
        return L.stft(L.complex(re, im), 8, window=w).abs()
    check_grad(f, [(sample((30,)), "float64"), (sample((30,), seed=1), "float64"), (sample((8,), seed=2), "float64")])


def test_stft_tensor_method():
    check(lambda L: X(L, (2, 40)).stft(16, 4, window=win(L, "hann", 16), return_complex=True), strides=True)


@pytest.mark.parametrize("case", range(14))
def test_stft_errors(case):
    def f(L):
        x = X(L, (2, 64), "float32")
        return [lambda: L.stft(x, 16),
                lambda: L.stft(x, 0, return_complex=True),
                lambda: L.stft(x, 16, hop_length=0, return_complex=True),
                lambda: L.stft(x, 16, win_length=20, return_complex=True),
                lambda: L.stft(x, 16, window=L.ones(5), return_complex=True),
                lambda: L.stft(x, 16, window=L.ones(2, 8), return_complex=True),
                lambda: L.stft(x, 16, onesided=True, window=L.ones(16, dtype=L.complex64), return_complex=True),
                lambda: L.stft(x, 16, align_to_window=True, return_complex=True),
                lambda: L.stft(L.ones(3), 16, return_complex=True),
                lambda: L.stft(L.ones(2, 3, 40), 16, return_complex=True),
                lambda: L.stft(L.ones(40, dtype=L.int64), 16, center=False, return_complex=True),
                lambda: L.stft(L.ones(40, dtype=L.float16), 16, center=False, return_complex=True),
                lambda: L.stft(x, 16, pad_mode="foo", return_complex=True),
                lambda: L.stft(L.ones(40, dtype=L.complex64), 50, center=False)][case]()
    check(f, message=True)


def test_stft_warnings():
    from torchlike._ops import signal
    signal._WARNED.clear()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        TL.stft(TL.ones(40), 16, return_complex=False)
        TL.stft(TL.ones(40), 16, return_complex=False)
    msgs = [str(m.message) for m in w]
    assert len(msgs) == 2 and msgs[0].startswith("A window was not provided")
    assert msgs[1].startswith("stft with return_complex=False is deprecated")


# --- istft -----------------------------------------------------------------------------------------------------------

def spec(L, shape=(2, 64), n_fft=16, dtype="float64", window="hann", **kw):
    return L.stft(X(L, shape, dtype), n_fft, window=win(L, window, kw.get("win_length", n_fft), dtype),
                  return_complex=True, **kw)


@pytest.mark.parametrize("shape", [(64,), (3, 64)])
@pytest.mark.parametrize("dtype", FLOAT)
def test_istft_roundtrip(shape, dtype):
    def f(L):
        w = win(L, "hann", 16, dtype)
        y = L.istft(spec(L, shape, 16, dtype), 16, window=w)
        return y, L.istft(spec(L, shape, 16, dtype), 16, window=w, length=shape[-1])
    r = check(f, strides=True, message=True)
    np.testing.assert_allclose(r[0][1].numpy(), sample(shape), atol=1e-4)


@pytest.mark.parametrize("kw", [dict(length=30), dict(length=100), dict(hop_length=8), dict(win_length=12),
                                dict(normalized=True), dict(onesided=False), dict(center=False, window="ones"),
                                dict(window="ones"), dict(return_complex=True, onesided=False)])
def test_istft_options(kw):
    def f(L):
        k = dict(kw)
        wk = k.pop("window", "hann")
        sk = {n: k[n] for n in ("hop_length", "win_length", "normalized", "onesided", "center") if n in k}
        s = spec(L, (2, 64), 16, window=wk, **sk)
        return L.istft(s, 16, window=win(L, wk, k.get("win_length", 16)), **k)
    check(f, strides=True, message=True)


def test_istft_dtype_promotion():
    # a complex64 spectrum: torch's c2r FFT runs in float32 before the float64 window
    check(lambda L: L.istft(spec(L, dtype="float32"), 16, window=win(L, "hann", 16, "float64")), rtol=1e-5,
          atol=1e-5)
    check(lambda L: L.istft(spec(L, dtype="float64"), 16, window=win(L, "hann", 16, "float32")))
    check(lambda L: L.istft(spec(L, (40,), dtype="float64").unsqueeze(0), 16, window=win(L, "hann", 16)))


def test_istft_grad():
    def f(L, re, im, w):
        return L.istft(L.complex(re, im), 16, window=w)
    check_grad(f, [(sample((9, 17)), "float64"), (sample((9, 17), seed=1), "float64"),
                   (sample((16,), seed=2, low=0.5, high=1.5), "float64")])


def test_istft_grad_fn_names():
    names = []
    for L in (TL, TH):
        s = spec(L).requires_grad_()
        names.append([type(L.istft(s[0], 16, window=win(L, "hann", 16)).grad_fn).__name__,
                      type(L.istft(s, 16, window=win(L, "hann", 16)).grad_fn).__name__,
                      type(L.istft(s[0], 16, window=win(L, "hann", 16), length=90).grad_fn).__name__])
    assert names[0] == names[1]


@pytest.mark.parametrize("case", range(13))
def test_istft_errors(case):
    def f(L):
        s = spec(L, (64,))
        return [lambda: L.istft(s.real, 16),
                lambda: L.istft(s[0], 16),
                lambda: L.istft(s[:, :0], 16),
                lambda: L.istft(s, 16, onesided=False),
                lambda: L.istft(s, 15),
                lambda: L.istft(s, 16, hop_length=20),
                lambda: L.istft(s, 16, win_length=20),
                lambda: L.istft(s, 16, window=L.ones(5)),
                lambda: L.istft(s, 16, return_complex=True),
                lambda: L.istft(s, 16, window=L.ones(16, dtype=L.complex64)),
                lambda: L.istft(s[None, None], 16),
                lambda: L.istft(s, 16, window=L.hann_window(16, periodic=False, dtype=L.float64), center=False),
                lambda: L.istft(s, 16, window=L.zeros(16))][case]()
    check(f, message=True)
