"""Fixes found by running the ecosystem tier's libraries (einops, torchmetrics, timm, kornia, smp,
pytorch-metric-learning, ...): each compared with real PyTorch on the same call."""
import warnings

import pytest
import torch as TH

import torchlike as TL


def outcome(fn, *args):
    """(kind, value) of a call: its result's repr, or its exception's type and message."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = ("ok", repr(fn(*args)))
        except Exception as e:   # noqa: BLE001 - the exception is what is compared
            r = (type(e).__name__, str(e))
    return r, [(x.category.__name__, str(x.message).split(" (Triggered internally")[0]) for x in w]


@pytest.mark.parametrize("name,args", [
    ("is_autocast_enabled", ()), ("is_autocast_enabled", ("cpu",)), ("is_autocast_enabled", ("cuda",)),
    ("is_autocast_enabled", ("mps",)), ("is_autocast_enabled", ("nodevice",)), ("is_autocast_enabled", (1,)),
    ("get_autocast_dtype", ("cpu",)), ("get_autocast_dtype", ("cuda",)), ("get_autocast_dtype", ("xpu",)),
    ("get_autocast_dtype", ("hpu",)), ("get_autocast_dtype", ("meta",)), ("get_autocast_dtype", ("bad",)),
    ("is_autocast_cpu_enabled", ()), ("get_autocast_cpu_dtype", ()), ("get_autocast_gpu_dtype", ()),
    ("is_autocast_cache_enabled", ()),
])
def test_autocast_queries(name, args):
    """Outside any autocast region (torchlike has none) the queries answer as PyTorch's, warnings included."""
    assert outcome(getattr(TL, name), *args) == outcome(getattr(TH, name), *args)


@pytest.mark.parametrize("spec", ["hpu", "mtia", "privateuseone:1", "lazy", "ve", "ipu:0", "fpga"])
def test_device_types_torch_accepts(spec):
    assert str(TL.device(spec)) == str(TH.device(spec))
    assert TL.device(spec).type == TH.device(spec).type and TL.device(spec).index == TH.device(spec).index


def test_complex32_dtype_object():
    """torch.complex32 / torch.chalf: the dtype object libraries name in dtype checks (kornia's geometry does), with
    PyTorch's properties; making a tensor of it raises here (no ComplexHalf kernels) instead of storing another type."""
    import pickle
    for name in ("complex32", "chalf"):
        tl, th = getattr(TL, name), getattr(TH, name)
        assert repr(tl) == repr(th) and str(tl) == str(th)
        for attr in ("itemsize", "is_complex", "is_floating_point", "is_signed"):
            assert getattr(tl, attr) == getattr(th, attr), attr
        assert repr(tl.to_real()) == repr(th.to_real())
    assert TL.chalf is TL.complex32 and pickle.loads(pickle.dumps(TL.complex32)) is TL.complex32
    assert TL.complex32 not in (TL.float16, TL.complex64) and TL.complex32 != TL.complex64
    for make in (lambda: TL.ones(2, dtype=TL.complex32), lambda: TL.zeros(2).to(TL.complex32)):
        with pytest.raises(RuntimeError, match="complex32"):
            make()
