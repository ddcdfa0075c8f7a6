"""Tensor basics against PyTorch: dtypes, legacy types, conversions, the NumPy bridge, devices, errors."""
import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import check, make, sample

DTYPE_NAMES = ["float32", "float", "float64", "double", "float16", "half", "bfloat16", "uint8", "int8", "int16",
               "short", "int32", "int", "int64", "long", "bool", "complex64", "complex128", "cfloat", "cdouble"]


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_objects(name):
    a, b = getattr(TL, name), getattr(TH, name)
    assert str(a) == str(b) and repr(a) == repr(b)
    assert a.is_floating_point == b.is_floating_point and a.is_complex == b.is_complex and a.is_signed == b.is_signed
    assert a.itemsize == b.itemsize


@pytest.mark.parametrize("name", ["float32", "float64", "float16", "uint8", "int8", "int16", "int32", "int64", "bool"])
def test_type_strings(name):
    check(lambda lib: lib.zeros(1, dtype=getattr(lib, name)).type())


@pytest.mark.parametrize("legacy", ["FloatTensor", "LongTensor", "IntTensor", "BoolTensor", "DoubleTensor",
                                    "HalfTensor", "ByteTensor", "CharTensor", "ShortTensor"])
def test_legacy_constructors(legacy):
    def go(lib):
        cls = getattr(lib, legacy)
        a = cls([1, 0, 3])
        b = cls(2, 3)
        c = lib.tensor([1.7, -2.2]).type(cls)
        return a, b.shape, c, type(a).__name__, a.type(), isinstance(a, cls), isinstance(b, lib.FloatTensor)
    check(go)


def test_default_dtype_roundtrip():
    def go(lib):
        lib.set_default_dtype(lib.float64)
        try:
            return lib.tensor([1.5]).dtype, lib.ones(2).dtype, lib.arange(0.0, 1.0, 0.5).dtype, \
                (lib.tensor([1]) * 1.5).dtype, lib.get_default_dtype()
        finally:
            lib.set_default_dtype(lib.float32)
    check(go)
    check(lambda lib: lib.set_default_dtype(lib.int32))


@pytest.mark.parametrize("conv", ["float", "double", "half", "long", "int", "bool", "short", "char", "byte",
                                  "bfloat16"])
def test_conversion_methods(conv):
    check(lambda lib: getattr(make(lib, [[1.7, -2.5], [0.0, 3.2]], "float32"), conv)())


def test_item_tolist_scalars():
    check(lambda lib: (lib.tensor([2.5]).item(), lib.tensor(7).item(), lib.tensor(True).item(),
                       lib.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]], float(lib.tensor(2)),
                       int(lib.tensor(3.9)), bool(lib.tensor([0.0])), len(lib.zeros(4, 2))))
    check(lambda lib: lib.zeros(2).item())
    check(lambda lib: bool(lib.zeros(2)))
    check(lambda lib: len(lib.tensor(1.0)))
    check(lambda lib: [1, 2, 3][lib.tensor(1)])
    check(lambda lib: [1, 2, 3][lib.tensor(1.0)])
    check(lambda lib: list(lib.tensor(1.0)))


def test_iteration_and_array_protocol():
    check(lambda lib: list(lib.arange(6).reshape(2, 3)))
    check(lambda lib: (np.asarray(lib.arange(4.0)), np.asarray(lib.arange(4.0)).dtype == np.float32))


def test_ndarray_op_tensor_gives_tensor():
    # The core issue asks for `ndarray op tensor` to give a tensor (__array_priority__). Real torch 2.13 with
    # NumPy 2.x raises TypeError here instead, so this is checked against the expected values, not torch.
    t = TL.arange(4.0)
    r = np.ones(4) + t
    assert isinstance(r, TL.Tensor) and r.dtype is TL.float64 and r.tolist() == [1.0, 2.0, 3.0, 4.0]
    r = np.ones(4, np.float32) * t
    assert isinstance(r, TL.Tensor) and r.dtype is TL.float32


def test_numpy_bridge_shares_memory_both_ways():
    def go(lib):
        a = lib.ones(5)
        b = a.numpy()
        a.add_(1)
        first = b.copy()
        b[0] = 10
        n = np.ones(5)
        t = lib.from_numpy(n)
        np.add(n, 1, out=n)
        t.mul_(3)
        v = lib.arange(6.0).reshape(2, 3)
        vn = v.t().numpy()
        v[0, 1] = 99
        return a, first, t, n.copy(), vn.copy(), vn.strides
    check(go)


def test_numpy_errors():
    check(lambda lib: lib.ones(2, requires_grad=True).numpy())
    check(lambda lib: lib.from_numpy(np.arange(4)[::-1]))
    check(lambda lib: lib.from_numpy([1, 2]))
    check(lambda lib: lib.from_numpy(np.zeros(2, np.complex64)))


def test_tensor_copies_as_tensor_shares():
    def go(lib):
        nd = np.array([[1, 2], [3, 4]], np.int32)
        a, b = lib.tensor(nd), lib.as_tensor(nd)
        a[0, 0] = 100
        b[0, 1] = 200
        c = lib.as_tensor(nd, dtype=lib.float32)
        c[1, 1] = -1
        return a, b, nd.copy(), c
    check(go)


def test_devices():
    def go(lib):
        d = lib.device("cuda:1")
        return (str(lib.device("cpu")), repr(lib.device("cpu")), str(d), repr(d), d.type, d.index,
                lib.device("cuda", 0) == lib.device("cuda:0"), lib.zeros(2).device == lib.device("cpu"),
                lib.zeros(2).is_cuda, lib.zeros(2).get_device(), lib.cuda.is_available(), lib.cuda.device_count())
    check(go)
    check(lambda lib: lib.device("gpu"))
    check(lambda lib: lib.zeros(2).to("cuda"))
    check(lambda lib: lib.zeros(2).cuda())
    check(lambda lib: lib.zeros(2, device="cuda"))
    check(lambda lib: lib.cuda.current_device())


def test_to_variants():
    def go(lib):
        t = lib.zeros(2)
        return (t.to(lib.float64).dtype, t.to(dtype=lib.int32).dtype, t.to(t).dtype, t.to("cpu", lib.double).dtype,
                t.to("cpu") is t, t.to(lib.float32) is t, t.to(lib.float32, copy=True) is t, t.cpu() is t)
    check(go)


def test_size_and_metadata():
    def go(lib):
        x = lib.zeros(2, 3, 4)
        return (x.size(), x.shape, repr(x.size()), x.size(1), x.size(-1), x.dim(), x.ndim, x.numel(), x.nelement(),
                x.stride(), x.stride(0), x.element_size(), x.is_contiguous(), x.storage_offset(),
                x.shape[1:], type(x.shape[1:]).__name__, x.size() == (2, 3, 4), x.is_floating_point())
    check(go)
    check(lambda lib: lib.zeros(2).size(3))


def test_data_ptr_and_untyped_storage_identity():
    def go(lib):
        x = lib.arange(12.0).reshape(3, 4)
        v = x[1:, 2:]
        return (v.data_ptr() - x.data_ptr(), x.untyped_storage().data_ptr() == v.untyped_storage().data_ptr(),
                x.untyped_storage().nbytes(), x.clone().data_ptr() == x.data_ptr())
    check(go)


def test_cross_device_error_message_shape():
    # no GPU here: both raise the same assertion
    check(lambda lib: lib.ones(2) + lib.ones(2).cuda())


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_inplace_cast_rules(dtype):
    check(lambda lib: make(lib, sample((3,), dtype), dtype).add_(1.5))
    check(lambda lib: make(lib, sample((3,), dtype), dtype).mul_(2))
    check(lambda lib: make(lib, sample((3,), dtype), dtype).add_(lib.ones(2, 3, dtype=getattr(lib, dtype))))
