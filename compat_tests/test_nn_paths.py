"""Every torch.nn.modules submodule path exists in torchlike, holding the classes torchlike.nn has under the same
names (libraries import e.g. torch.nn.modules.batchnorm._BatchNorm, torch.nn.modules.utils._pair)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import torch.nn.modules as TM

import torchlike.nn as TLN

# torch-internal implementation modules with nothing a library imports (chunked linear cross-entropy kernels)
_SKIP = {"linear_cross_entropy", "linear_cross_entropy_options"}
PATHS = sorted(m.name for m in pkgutil.iter_modules(TM.__path__) if m.name not in _SKIP)


def _classes(mod, modname):
    return {k: v for k, v in vars(mod).items() if inspect.isclass(v) and v.__module__ == modname}


@pytest.mark.parametrize("path", PATHS)
def test_path_has_torchs_classes(path):
    tmod = importlib.import_module(f"torch.nn.modules.{path}")
    lmod = importlib.import_module(f"torchlike.nn.modules.{path}")
    import torch.nn as TN
    checked = 0
    for name, cls in _classes(tmod, tmod.__name__).items():
        if getattr(TN, name, cls) is not cls:         # a same-named helper (_functions.SyncBatchNorm is the
            assert hasattr(lmod, name) or name != "BackwardHookFunction"   # autograd Function, not the layer)
            continue
        public = getattr(TLN, name, None) or getattr(lmod, name, None)
        if public is None:
            continue              # a layer torchlike.nn lacks (counted by the API census, not by this test)
        assert getattr(lmod, name, None) is public, f"torch.nn.modules.{path}.{name}"
        checked += 1
    assert checked or not _classes(tmod, tmod.__name__)


@pytest.mark.parametrize("name", ["_single", "_pair", "_triple", "_quadruple", "_ntuple", "_reverse_repeat_tuple",
                                  "_list_with_default", "consume_prefix_in_state_dict_if_present"])
def test_modules_utils_helpers(name):
    import torch.nn.modules.utils as tu
    import torchlike.nn.modules.utils as lu
    assert hasattr(lu, name)
    if name in ("_single", "_pair", "_triple", "_quadruple"):
        for arg in (3, (1, 2), [4]):
            assert getattr(lu, name)(arg) == getattr(tu, name)(arg)
        assert getattr(lu, name).__name__ == getattr(tu, name).__name__


def test_private_bases_that_libraries_subclass():
    from torchlike.nn.modules.batchnorm import _BatchNorm, _NormBase
    from torchlike.nn.modules.conv import _ConvNd
    from torchlike.nn.modules.dropout import _DropoutNd
    from torchlike.nn.modules.instancenorm import _InstanceNorm
    from torchlike.nn.modules.linear import NonDynamicallyQuantizableLinear
    from torchlike.nn.modules.loss import _Loss, _WeightedLoss
    from torchlike.nn.modules.module import _addindent
    from torchlike.nn.modules.pooling import _MaxPoolNd
    from torchlike.nn.modules.rnn import RNNBase
    assert issubclass(TLN.BatchNorm2d, _BatchNorm) and issubclass(_BatchNorm, _NormBase)
    assert issubclass(TLN.InstanceNorm2d, _InstanceNorm) and issubclass(TLN.Conv2d, _ConvNd)
    assert issubclass(TLN.Dropout, _DropoutNd) and issubclass(TLN.MaxPool2d, _MaxPoolNd)
    assert issubclass(TLN.CrossEntropyLoss, _WeightedLoss) and issubclass(_WeightedLoss, _Loss)
    assert issubclass(TLN.LSTM, RNNBase) and issubclass(NonDynamicallyQuantizableLinear, TLN.Linear)
    assert _addindent("a\nb", 2) == "a\n  b"
