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
    """Outside any autocast region the queries answer as PyTorch's, warnings included."""
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


def _torch_twin_of(relpath):
    """One of torchlike/vision's model files executed on real torch (`torchlike` read as `torch`)."""
    import os
    import types
    from torchlike.vision.models import _api
    path = os.path.join(os.path.dirname(TL.__file__), "vision", relpath)
    src = open(path).read().replace("import torchlike as torch", "import torch")
    src = src.replace("from torchlike import", "from torch import").replace("from torchlike.", "from torch.")
    src = src.replace("from ._api import", "from torchlike.vision.models._api import")
    assert "torchlike" not in src.replace("torchlike.vision.models._api", "")
    mod = types.ModuleType("twin")
    saved = dict(_api._MODELS)
    try:
        exec(compile(src, path, "exec"), mod.__dict__)
    finally:
        _api._MODELS.clear()
        _api._MODELS.update(saved)
    return mod


def test_densenet_counts_keys_and_init_match_torch():
    """torchvision.models.densenet (segmentation-models-pytorch imports it): torchvision's parameter counts and
    state_dict keys; a seed gives the same weights as the same file run on real torch, and the same outputs."""
    import numpy as np
    from torchlike.vision import models
    TL.manual_seed(0)
    m = models.DenseNet(growth_rate=8, block_config=(2, 3), num_init_features=16, num_classes=5)
    TH.manual_seed(0)
    ref = _torch_twin_of("models/densenet.py").DenseNet(growth_rate=8, block_config=(2, 3), num_init_features=16,
                                                        num_classes=5)
    sd, rsd = m.state_dict(), ref.state_dict()
    assert list(sd) == list(rsd) and "features.denseblock1.denselayer2.conv2.weight" in sd
    for k in rsd:
        np.testing.assert_array_equal(sd[k].numpy(), rsd[k].numpy(), err_msg=k)
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    y, r = m(TL.from_numpy(x)), ref(TH.from_numpy(x))
    np.testing.assert_allclose(y.detach().numpy(), r.detach().numpy(), rtol=1e-4, atol=1e-5)
    y.sum().backward()
    r.sum().backward()
    w = "features.denseblock1.denselayer1.conv1.weight"
    np.testing.assert_allclose(dict(m.named_parameters())[w].grad.numpy(),
                               dict(ref.named_parameters())[w].grad.numpy(), rtol=1e-3, atol=1e-5)


def test_densenet_memory_efficient_same_gradients():
    from torchlike.vision import models
    grads = []
    for eff in (False, True):
        TL.manual_seed(1)
        m = models.DenseNet(growth_rate=4, block_config=(2, 2), num_init_features=8, num_classes=3,
                            memory_efficient=eff)
        m(TL.randn(1, 3, 16, 16, generator=None)).sum().backward()
        grads.append(m.features.denseblock1.denselayer1.conv1.weight.grad)
    assert TL.allclose(grads[0], grads[1], rtol=1e-5, atol=1e-6)


def test_frozen_batchnorm2d_matches_batchnorm_eval():
    """torchvision.ops.FrozenBatchNorm2d (timm imports it): eval-mode BatchNorm2d with fixed buffers; a BatchNorm2d
    state_dict (with num_batches_tracked) loads into it."""
    from torchlike.vision.ops import FrozenBatchNorm2d
    from torchlike.vision.ops.misc import FrozenBatchNorm2d as F2
    assert F2 is FrozenBatchNorm2d
    TL.manual_seed(0)
    bn = TL.nn.BatchNorm2d(4)
    bn(TL.randn(8, 4, 3, 3) * 2 + 1)
    bn.weight.data.uniform_(0.5, 1.5)
    bn.bias.data.uniform_(-1, 1)
    bn.eval()
    fb = FrozenBatchNorm2d(4)
    assert repr(fb) == "FrozenBatchNorm2d(4, eps=1e-05)"
    assert sorted(n for n, _ in fb.named_buffers()) == ["bias", "running_mean", "running_var", "weight"]
    assert list(fb.parameters()) == []
    fb.load_state_dict(bn.state_dict())
    x = TL.randn(2, 4, 5, 5)
    assert TL.allclose(fb(x), bn(x), rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_densenet121_parameter_count():
    from torchlike.vision import models
    m = models.densenet121()
    assert sum(p.numel() for p in m.parameters()) == 7978856 == models.DenseNet121_Weights.DEFAULT.meta["num_params"]
    assert len(m.state_dict()) == len(_torch_twin_of("models/densenet.py").densenet121().state_dict())


@pytest.mark.parametrize("make,msg", [
    (lambda t: t.tensor(True), None), (lambda t: t.tensor(False), None), (lambda t: t.tensor(False), "msg here"),
    (lambda t: t.tensor(False), ""), (lambda t: t.tensor([1, 1]), None), (lambda t: t.tensor(0.0), None),
    (lambda t: t.tensor(2), None), (lambda t: t.tensor([]), None), (lambda t: True, None),
])
def test_assert_async(make, msg):
    """torch._assert_async (kornia's label checks call it): PyTorch's errors on CPU."""
    args = () if msg is None else (msg,)
    assert outcome(lambda: TL._assert_async(make(TL), *args)) == outcome(lambda: TH._assert_async(make(TH), *args))


def test_assert():
    TL._assert(True, "fine")
    with pytest.raises(AssertionError, match="boom"):
        TL._assert(False, "boom")
