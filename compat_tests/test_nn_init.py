"""nn.init against PyTorch: same seed -> bit-identical values (uniform/normal based), QR-based to float rounding."""
import math
import warnings

import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import compare, to_numpy


def both(fn, seed=0):
    out = []
    for lib in (TL, TH):
        lib.manual_seed(seed)
        out.append(fn(lib))
    return out


def same(fn, seed=0, **kw):
    tl, th = both(fn, seed)
    compare(tl, th, **kw)
    return tl, th


def same_error(fn):
    errs = []
    for lib in (TL, TH):
        try:
            fn(lib)
        except Exception as e:  # noqa: BLE001
            errs.append(e)
        else:
            errs.append(None)
    tl, th = errs
    assert th is not None and tl is not None, f"torch: {th!r}, torchlike: {tl!r}"
    assert type(tl) is type(th) or type(tl).__name__ == type(th).__name__, f"{tl!r} != {th!r}"
    assert str(tl) == str(th), f"{tl} != {th}"


def param(lib, *shape, dtype=None):
    return lib.nn.Parameter(lib.empty(*shape, dtype=dtype or lib.float32))


# --- calculate_gain --------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("linear",), ("conv1d",), ("conv_transpose3d",), ("sigmoid",), ("tanh",),
                                  ("relu",), ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu",)])
def test_calculate_gain(args):
    tl = TL.nn.init.calculate_gain(*args)
    th = TH.nn.init.calculate_gain(*args)
    assert type(tl) is type(th) and tl == th


@pytest.mark.parametrize("args", [("foo",), ("leaky_relu", True), ("leaky_relu", "x")])
def test_calculate_gain_errors(args):
    same_error(lambda lib: lib.nn.init.calculate_gain(*args))


# --- bit-identical initialisers --------------------------------------------------------------------------

INITS = {
    "uniform": lambda lib, t: lib.nn.init.uniform_(t),
    "uniform_ab": lambda lib, t: lib.nn.init.uniform_(t, -3.0, 0.5),
    "normal": lambda lib, t: lib.nn.init.normal_(t),
    "normal_ms": lambda lib, t: lib.nn.init.normal_(t, 2.0, 0.1),
    "constant": lambda lib, t: lib.nn.init.constant_(t, 0.3),
    "ones": lambda lib, t: lib.nn.init.ones_(t),
    "zeros": lambda lib, t: lib.nn.init.zeros_(t),
    "xavier_uniform": lambda lib, t: lib.nn.init.xavier_uniform_(t),
    "xavier_uniform_gain": lambda lib, t: lib.nn.init.xavier_uniform_(t, gain=lib.nn.init.calculate_gain("relu")),
    "xavier_normal": lambda lib, t: lib.nn.init.xavier_normal_(t, gain=2.0),
    "kaiming_uniform": lambda lib, t: lib.nn.init.kaiming_uniform_(t),
    "kaiming_uniform_a": lambda lib, t: lib.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
    "kaiming_uniform_fan_out": lambda lib, t: lib.nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"),
    "kaiming_normal": lambda lib, t: lib.nn.init.kaiming_normal_(t),
    "kaiming_normal_fan_out": lambda lib, t: lib.nn.init.kaiming_normal_(t, mode="FAN_OUT", nonlinearity="tanh"),
    "trunc_normal": lambda lib, t: lib.nn.init.trunc_normal_(t),
    "trunc_normal_std": lambda lib, t: lib.nn.init.trunc_normal_(t, std=0.02),
    "trunc_normal_narrow": lambda lib, t: lib.nn.init.trunc_normal_(t, mean=0.0, std=1.0, a=0.5, b=0.7),
    "trunc_normal_offset": lambda lib, t: lib.nn.init.trunc_normal_(t, mean=1.0, std=2.0, a=-1.0, b=1.5),
    "sparse": lambda lib, t: lib.nn.init.sparse_(t.view(t.shape[0], -1), 0.4),
}
SHAPES = [(5, 7), (3, 4, 3), (4, 2, 3, 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=["2d", "3d", "4d"])
@pytest.mark.parametrize("name", sorted(INITS))
def test_init_bit_identical(name, shape):
    def fn(lib):
        t = param(lib, *shape)
        r = INITS[name](lib, t)
        return t, r is t or name == "sparse", t.requires_grad, t.grad_fn is None, lib.rand(2)
    same(fn, rtol=0, atol=0)


@pytest.mark.parametrize("name", ["uniform", "normal", "xavier_uniform", "kaiming_normal", "trunc_normal"])
def test_init_float64_and_plain_tensor(name):
    def fn(lib):
        t = lib.empty(6, 5, dtype=lib.float64)
        INITS[name](lib, t)
        return t, lib.rand(1)
    same(fn, rtol=0, atol=0)


@pytest.mark.parametrize("name", ["uniform", "normal", "kaiming_uniform", "xavier_normal", "trunc_normal",
                                  "trunc_normal_narrow", "orthogonal"])
def test_init_generator(name):
    def fn(lib):
        g = lib.Generator().manual_seed(123)
        t = param(lib, 6, 5)
        f = getattr(lib.nn.init, {"trunc_normal_narrow": "trunc_normal"}.get(name, name) + "_")
        if name == "trunc_normal_narrow":
            f(t, a=1.0, b=1.2, generator=g)
        else:
            f(t, generator=g)
        return t, lib.rand(2)     # the global generator is untouched
    same(fn, rtol=1e-5, atol=1e-6)


def test_init_noncontiguous_tensor():
    def fn(lib):
        base = lib.zeros(6, 8)
        view = base[:, ::2]
        lib.nn.init.kaiming_uniform_(view)
        return base
    same(fn, rtol=0, atol=0)


@pytest.mark.parametrize("shape", [(3, 3), (4, 7), (7, 4), (3, 2, 2, 2), (1, 5)])
def test_orthogonal(shape):
    def fn(lib):
        t = param(lib, *shape)
        lib.nn.init.orthogonal_(t, gain=1.5)
        return t, lib.rand(1)
    tl, th = same(fn, rtol=1e-5, atol=2e-6)
    w = to_numpy(tl[0]).reshape(shape[0], -1)
    rows, cols = w.shape
    gram = w @ w.T if rows <= cols else w.T @ w
    np.testing.assert_allclose(gram, 2.25 * np.eye(min(rows, cols)), atol=1e-5)


def test_eye_and_dirac():
    def fn(lib):
        e1 = lib.nn.init.eye_(param(lib, 3, 5))
        e2 = lib.nn.init.eye_(lib.empty(4, 2, dtype=lib.float64))
        d1 = lib.nn.init.dirac_(lib.empty(4, 3, 5))
        d2 = lib.nn.init.dirac_(lib.empty(6, 2, 3, 3), groups=2)
        d3 = lib.nn.init.dirac_(lib.empty(2, 4, 3, 3, 3))
        return e1, e2, d1, d2, d3, e1.requires_grad
    same(fn, rtol=0, atol=0)


def test_fan_helpers():
    for shape in [(3, 4), (5, 2, 3), (6, 3, 2, 2), (2, 2, 1, 1, 4)]:
        assert TL.nn.init._calculate_fan_in_and_fan_out(TL.empty(*shape)) == \
            TH.nn.init._calculate_fan_in_and_fan_out(TH.empty(*shape))
        for mode in ("fan_in", "fan_out", "Fan_In"):
            assert TL.nn.init._calculate_correct_fan(TL.empty(*shape), mode) == \
                TH.nn.init._calculate_correct_fan(TH.empty(*shape), mode)


INIT_ERRORS = {
    "fan_1d": lambda lib: lib.nn.init.xavier_uniform_(lib.empty(3)),
    "fan_0d": lambda lib: lib.nn.init.kaiming_normal_(lib.empty(())),
    "bad_mode": lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 3), mode="fan_avg"),
    "bad_nonlin": lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 3), nonlinearity="swish"),
    "eye_3d": lambda lib: lib.nn.init.eye_(lib.empty(2, 2, 2)),
    "dirac_2d": lambda lib: lib.nn.init.dirac_(lib.empty(2, 2)),
    "dirac_groups": lambda lib: lib.nn.init.dirac_(lib.empty(5, 2, 3), groups=2),
    "orthogonal_1d": lambda lib: lib.nn.init.orthogonal_(lib.empty(4)),
    "sparse_3d": lambda lib: lib.nn.init.sparse_(lib.empty(2, 2, 2), 0.5),
    "leaf_inplace": lambda lib: lib.nn.Parameter(lib.empty(2, 2)).uniform_(),
}


@pytest.mark.parametrize("case", sorted(INIT_ERRORS))
def test_init_errors(case):
    same_error(INIT_ERRORS[case])


def test_zero_element_warning_and_noop():
    for lib in (TL, TH):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            t = lib.empty(0, 3)
            assert lib.nn.init.kaiming_uniform_(t) is t
            assert lib.nn.init.kaiming_normal_(t) is t
            assert lib.nn.init.orthogonal_(t) is t
        assert [str(x.message) for x in w] == ["Initializing zero-element tensors is a no-op"] * 2


def test_trunc_normal_warning():
    for lib in (TL, TH):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.init.trunc_normal_(lib.empty(3), mean=10.0, a=-1.0, b=1.0)
        assert any("mean is more than 2 std" in str(x.message) for x in w)


@pytest.mark.parametrize("old", ["uniform", "normal", "constant", "xavier_uniform", "xavier_normal",
                                 "kaiming_uniform", "kaiming_normal", "orthogonal", "eye", "dirac", "sparse"])
def test_deprecated_aliases(old):
    args = {"constant": (0.5,), "sparse": (0.1,)}.get(old, ())
    shape = {"dirac": (2, 2, 3)}.get(old, (4, 4))

    def fn(lib):
        t = lib.empty(*shape)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            getattr(lib.nn.init, old)(t, *args)
        return t, [str(x.message) for x in w if issubclass(x.category, FutureWarning)]
    same(fn, rtol=1e-6, atol=1e-6)


def test_statistics():
    TL.manual_seed(3)
    w = to_numpy(TL.nn.init.kaiming_normal_(TL.empty(400, 300), nonlinearity="relu"))
    assert abs(w.std() - math.sqrt(2.0 / 300)) < 2e-3 and abs(w.mean()) < 2e-3
    w = to_numpy(TL.nn.init.xavier_uniform_(TL.empty(200, 300)))
    bound = math.sqrt(6.0 / 500)
    assert w.max() <= bound and w.min() >= -bound and abs(w.std() - bound / math.sqrt(3)) < 2e-3
    w = to_numpy(TL.nn.init.trunc_normal_(TL.empty(100000), std=1.0, a=-1.0, b=2.0))
    assert w.min() >= -1.0 and w.max() <= 2.0
    w = to_numpy(TL.nn.init.sparse_(TL.empty(10, 50), sparsity=0.3))
    assert ((w == 0).sum(axis=0) == 3).all()
