"""torchlike.vision.models: torchvision's parameter counts and state_dict keys, and a differential check against
the same architecture built with real torch (seeded init must agree bit for bit, forward outputs must agree)."""
import os
import types

import numpy as np
import pytest
import torch as TH

import torchlike as TL
from torchlike.vision import models
from torchlike.vision.models import _api

HERE = os.path.dirname(os.path.abspath(__file__))
VISION = os.path.join(os.path.dirname(HERE), "torchlike", "vision")


def _torch_twin(relpath, extra=None):
    """Execute one of our model files with `torchlike` replaced by real `torch` (test-only oracle)."""
    src = open(os.path.join(VISION, relpath)).read()
    src = src.replace("import torchlike as torch", "import torch").replace("from torchlike import nn",
                                                                           "from torch import nn")
    src = src.replace("from ._api import", "from torchlike.vision.models._api import")
    src = src.replace("from ..ops.misc import Conv2dNormActivation", "")
    mod = types.ModuleType("twin_" + relpath.replace("/", "_"))
    mod.__dict__.update(extra or {})
    saved = dict(_api._MODELS)
    try:
        exec(compile(src, relpath, "exec"), mod.__dict__)
    finally:
        _api._MODELS.clear()
        _api._MODELS.update(saved)
    assert "torchlike" not in src.replace("torchlike.vision.models._api", "")
    return mod


def _nparams(m):
    return sum(p.numel() for p in m.parameters())


@pytest.fixture(scope="module")
def resnet18_pair():
    TL.manual_seed(0)
    tl_model = models.resnet18(num_classes=10)
    TH.manual_seed(0)
    th_model = _torch_twin("models/resnet.py").resnet18(num_classes=10)
    return tl_model, th_model


def test_resnet18_counts_and_keys(resnet18_pair):
    m = models.resnet18()
    assert _nparams(m) == 11689512
    keys = list(m.state_dict().keys())
    assert keys[:6] == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                        "bn1.num_batches_tracked"]
    for k in ["layer1.0.conv1.weight", "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var",
              "layer4.1.bn2.bias", "fc.weight", "fc.bias"]:
        assert k in keys
    assert len(keys) == 122 and keys[-2:] == ["fc.weight", "fc.bias"]
    assert tuple(m.fc.weight.shape) == (1000, 512)


def test_resnet18_init_and_forward_match_torch(resnet18_pair):
    tl_model, th_model = resnet18_pair
    tl_sd, th_sd = tl_model.state_dict(), th_model.state_dict()
    assert list(tl_sd) == list(th_sd)
    for k in th_sd:
        np.testing.assert_array_equal(tl_sd[k].numpy(), th_sd[k].numpy(), err_msg=k)
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    tl_model.eval()
    th_model.eval()
    with TL.no_grad():
        y = tl_model(TL.from_numpy(x))
    with TH.no_grad():
        ref = th_model(TH.from_numpy(x))
    assert y.shape == (2, 10)
    np.testing.assert_allclose(y.numpy(), ref.numpy(), rtol=1e-3, atol=1e-4)


def test_resnet18_transfer_learning_pattern(resnet18_pair):
    m, _ = resnet18_pair
    m.fc = TL.nn.Linear(512, 3)
    m.train()
    out = m(TL.randn(2, 3, 32, 32))
    assert out.shape == (2, 3)
    out.sum().backward()
    assert m.fc.weight.grad.shape == (3, 512) and m.conv1.weight.grad is not None


def test_weights_are_not_downloaded():
    with pytest.raises(RuntimeError, match="Cannot download the pretrained weights ResNet18_Weights.IMAGENET1K_V1"):
        models.resnet18(weights=models.ResNet18_Weights.DEFAULT)
    with pytest.raises(RuntimeError, match="offline"):
        models.resnet18(weights="IMAGENET1K_V1")
    with pytest.warns(UserWarning) as record:
        with pytest.raises(RuntimeError, match="Cannot download"):
            models.mobilenet_v2(pretrained=True)
    assert any("The parameter 'pretrained' is deprecated" in str(w.message) for w in record)
    with pytest.warns(UserWarning, match="The parameter 'pretrained' is deprecated"):
        assert isinstance(models.resnet18(pretrained=False, num_classes=2), models.ResNet)
    assert models.ResNet18_Weights.DEFAULT is models.ResNet18_Weights.IMAGENET1K_V1
    assert models.ResNet18_Weights.DEFAULT.meta["num_params"] == 11689512
    assert "resnet18" in models.list_models() and "vgg16_bn" in models.list_models()


def test_mobilenet_v2_counts_keys_and_init_match_torch():
    TL.manual_seed(1)
    m = models.mobilenet_v2()
    assert _nparams(m) == 3504872
    keys = list(m.state_dict().keys())
    for k in ["features.0.0.weight", "features.0.1.running_mean", "features.1.conv.0.0.weight",
              "features.2.conv.1.0.weight", "features.18.0.weight", "classifier.1.weight"]:
        assert k in keys
    misc = _torch_twin("ops/misc.py")
    twin = _torch_twin("models/mobilenetv2.py", {"Conv2dNormActivation": misc.Conv2dNormActivation})
    TH.manual_seed(1)
    ref = twin.mobilenet_v2()
    ref_sd = ref.state_dict()
    assert keys == list(ref_sd)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), ref_sd[k].numpy(), err_msg=k)


@pytest.mark.slow
def test_mobilenet_v2_forward_matches_torch():
    TL.manual_seed(2)
    m = models.mobilenet_v2(num_classes=10).eval()
    misc = _torch_twin("ops/misc.py")
    twin = _torch_twin("models/mobilenetv2.py", {"Conv2dNormActivation": misc.Conv2dNormActivation})
    TH.manual_seed(2)
    ref = twin.mobilenet_v2(num_classes=10).eval()
    x = np.random.default_rng(1).standard_normal((2, 3, 32, 32)).astype(np.float32)
    with TL.no_grad():
        y = m(TL.from_numpy(x))
    with TH.no_grad():
        r = ref(TH.from_numpy(x))
    np.testing.assert_allclose(y.numpy(), r.numpy(), rtol=1e-3, atol=1e-5)


@pytest.mark.slow
def test_vgg_counts_and_keys():
    m = models.vgg11()
    assert _nparams(m) == 132863336
    keys = list(m.state_dict().keys())
    assert keys[:2] == ["features.0.weight", "features.0.bias"] and keys[-2:] == ["classifier.6.weight",
                                                                                     "classifier.6.bias"]
    bn = models.vgg11_bn(num_classes=10)
    assert "features.1.running_mean" in bn.state_dict() and _nparams(bn) == 128812810
    with TL.no_grad():
        assert bn.eval()(TL.randn(1, 3, 32, 32)).shape == (1, 10)


def test_vgg_features_small():
    """VGG's feature extractor (the full VGG-11 builds 132.9M parameters: see the slow test)."""
    feats = models.vgg.make_layers([8, "M", 16, "M"], batch_norm=True)
    assert [type(l).__name__ for l in feats] == ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d",
                                                  "BatchNorm2d", "ReLU", "MaxPool2d"]
    assert list(feats.state_dict())[:3] == ["0.weight", "0.bias", "1.weight"]
    with TL.no_grad():
        assert feats.eval()(TL.randn(2, 3, 28, 28)).shape == (2, 16, 7, 7)
    assert models.vgg.cfgs["A"].count("M") == 5 and len(models.vgg.cfgs["D"]) == 18


@pytest.mark.slow
def test_resnet50_counts_and_forward():
    m = models.resnet50()
    assert _nparams(m) == 25557032
    assert "layer1.0.conv3.weight" in m.state_dict() and "layer1.0.downsample.1.weight" in m.state_dict()
    with TL.no_grad():
        assert m.eval()(TL.randn(1, 3, 64, 64)).shape == (1, 1000)
    assert _nparams(models.resnet34()) == 21797672
