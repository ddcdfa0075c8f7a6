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
