"""Types and constants of the torch namespace (issue 14 item 3), against real PyTorch."""
from __future__ import annotations

import math

import pytest
import torch as TH

import torchlike as TL

FLOATS = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128", "float8_e4m3fn", "float8_e5m2",
          "float8_e4m3fnuz", "float8_e5m2fnuz"]
INTS = ["uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo(name):
    a, b = TL.finfo(getattr(TL, name)), TH.finfo(getattr(TH, name))
    assert repr(a) == repr(b)
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert str(a.dtype) == str(b.dtype)


@pytest.mark.parametrize("name", INTS)
def test_iinfo(name):
    a, b = TL.iinfo(getattr(TL, name)), TH.iinfo(getattr(TH, name))
    assert repr(a) == repr(b) and (a.bits, a.min, a.max) == (b.bits, b.min, b.max)


def test_info_errors_and_default():
    assert repr(TL.finfo()) == repr(TH.finfo())
    for lib_a, lib_b in ((TL, TH),):
        for f, d in (("iinfo", "float32"), ("finfo", "int32")):
            with pytest.raises(TypeError) as ea:
                getattr(lib_a, f)(getattr(lib_a, d))
            with pytest.raises(TypeError) as eb:
                getattr(lib_b, f)(getattr(lib_b, d))
            assert str(ea.value) == str(eb.value)


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64"])
def test_wide_unsigned(name):
    def run(lib):
        d = getattr(lib, name)
        x = lib.tensor([1, 2, 3], dtype=d)
        out = [repr(x), repr(x * 2), repr(x == 2), repr(x.float()), repr(x.to(lib.int32)), repr(x[0]), x.tolist(),
               repr(lib.zeros(2, dtype=d)), x.is_signed(), str(d)]
        try:
            lib.promote_types(d, lib.int32)
        except RuntimeError as e:
            out.append(str(e))
        return out
    assert run(TL) == run(TH)


@pytest.mark.parametrize("name", ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"])
def test_float8(name):
    def run(lib):
        d = getattr(lib, name)
        x = lib.tensor([1.5, 2.5, -0.25, 300.0]).to(d)
        out = [repr(x), repr(x.float()), repr(x.tolist()), repr(lib.zeros(2, dtype=d)), d.itemsize, d.is_floating_point]
        try:
            lib.promote_types(d, lib.float32)
        except RuntimeError as e:
            out.append(str(e))
        return out
    assert run(TL) == run(TH)


def test_layouts_constants_and_module():
    for n in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn", "jagged"):
        assert repr(getattr(TL, n)) == repr(getattr(TH, n)) and isinstance(getattr(TL, n), TL.layout)
    assert TL.ones(2).layout is TL.strided and TL.zeros(2, layout=TL.strided).layout is TL.strided
    assert (TL.e, TL.pi, TL.inf, TL.newaxis) == (TH.e, TH.pi, TH.inf, TH.newaxis) and math.isnan(TL.nan)
    assert TL.torch is TL
    assert isinstance(3, TL.SymInt) is isinstance(3, TH.SymInt) is False
    assert (TL.version.cuda, TL.version.hip, TL.version.debug) == (TH.version.cuda, TH.version.hip, False)
    assert TL.__config__.show() and "get_num_threads" in TL.__config__.parallel_info()


def test_default_device_and_device_equality():
    assert (TL.device("cpu") == "npu") is (TH.device("cpu") == "npu") is False
    assert str(TL.get_default_device()) == str(TH.get_default_device()) == "cpu"
    with TL.device("meta"):
        assert str(TL.get_default_device()) == "meta"
    TL.set_default_device("cpu")
    assert TL.zeros(1).device == TL.device("cpu")
    TL.set_default_device(None)
    assert str(TL.get_default_device()) == "cpu"


def test_threads_and_determinism():
    n = TL.get_num_threads()
    TL.set_num_threads(1)
    assert TL.get_num_threads() == 1
    TL.set_num_threads(n)
    assert TL.get_num_interop_threads() >= 1
    assert TL.are_deterministic_algorithms_enabled() is TH.are_deterministic_algorithms_enabled()
    TL.use_deterministic_algorithms(True, warn_only=True)
    assert TL.are_deterministic_algorithms_enabled() and TL.is_deterministic_algorithms_warn_only_enabled()
    TL.use_deterministic_algorithms(False)
    assert not TL.is_deterministic_algorithms_warn_only_enabled()


def test_complex_polar_empty_strided_frombuffer():
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        c = lib.complex(a, a * 2)
        p = lib.polar(lib.tensor([1.0, 2.0]), lib.tensor([0.0, 1.5]))
        c.abs().sum().backward()
        out = [repr(c), type(c.grad_fn).__name__, repr(p), a.grad.tolist(),
               lib.empty_strided((2, 3), (1, 2)).stride(),
               repr(lib.frombuffer(bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00"), dtype=lib.int32)),
               repr(lib.frombuffer(bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00"), dtype=lib.int32, count=1,
                                   offset=4))]
        for bad in (lambda: lib.complex(lib.ones(2, dtype=lib.long), lib.ones(2, dtype=lib.long)),
                    lambda: lib.complex(lib.ones(2), lib.ones(2, dtype=lib.double))):
            with pytest.raises(RuntimeError) as e:
                bad()
            out.append(str(e.value))
        buf = bytearray(8)
        t = lib.frombuffer(buf, dtype=lib.int32)
        t[0] = 7
        out.append(buf[0])
        return out
    assert run(TL) == run(TH)


def test_tensor_extras():
    def run(lib):
        x = lib.arange(12, dtype=lib.float32).reshape(3, 4)
        out = [x.is_mps, x.is_xpu, x.is_inference(), x.is_pinned(), x.is_shared(), x.share_memory_() is x,
               x.is_shared(), repr(x.view(lib.int32)), tuple(x.view(lib.int16).shape), repr(x.view(lib.uint8)[0])]
        for bad in (lambda: x.t().view(lib.int16), lambda: lib.ones(3).view(lib.float64)):
            with pytest.raises(RuntimeError) as e:
                bad()
            out.append(str(e.value))
        y = lib.zeros(5, 3)
        y.fill_diagonal_(2, wrap=True)
        z = lib.zeros(3, 3, 3).fill_diagonal_(1)
        r = lib.arange(6.)
        r.resize_(2, 2)
        a = lib.arange(4.)
        a.apply_(lambda v: v * 10)
        seen = []
        w = lib.ones(2, requires_grad=True)
        w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
        (w * 3).sum().backward()
        out += [repr(y), repr(z.sum()), repr(r), repr(r.resize_as_(lib.ones(1))), repr(a), seen]
        return out
    assert run(TL) == run(TH)


def test_bare_grad_mode_decorators():
    def run(lib):
        @lib.no_grad
        def f(x):
            return (x * 2).requires_grad

        @lib.enable_grad
        def g():
            return lib.is_grad_enabled()

        x = lib.ones(1, requires_grad=True)
        with lib.no_grad():
            inner = g()
        return f(x), inner, f.__name__
    assert run(TL) == run(TH)


def test_cuda_names_on_a_build_without_cuda():
    if TL.cuda.is_available():
        pytest.skip("a GPU is present")

    def run(lib):
        c = lib.cuda
        out = [c.device_count(), c.is_bf16_supported(), c.memory_allocated(), c.memory_reserved(),
               c.max_memory_reserved(), c.get_rng_state_all(), c.amp.GradScaler(enabled=False).is_enabled()]
        for f in (lambda: c.Stream(), lambda: c.Event(), lambda: c.current_stream(), lambda: c.CUDAGraph(),
                  lambda: c.nvtx.range_push("a")):
            try:
                f()
            except (RuntimeError, AssertionError) as e:
                out.append((type(e).__name__, str(e)))
        return out
    assert run(TL) == run(TH)
