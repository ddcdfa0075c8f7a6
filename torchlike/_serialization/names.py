"""The names PyTorch's pickles use, mapped to torchlike's objects and back.

Saving: torchlike objects are written under PyTorch's names (`torch._utils._rebuild_tensor_v2`, `torch.FloatStorage`,
`torch.nn.parameter.Parameter`, `torch.float32`, any `torchlike.x.Y` class as `torch.x.Y`), so real PyTorch loads
torchlike's files. Loading: `torch.*` names resolve to torchlike's objects; real torch is never imported.
"""
from __future__ import annotations

import collections
import functools
import importlib

from .. import _dtype as D
from . import rebuild as R

_RB = ("_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
       "_rebuild_parameter_with_state", "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor")


@functools.lru_cache(maxsize=1)
def _fixed():
    """full torch name -> torchlike object, for names whose torchlike home differs."""
    import torchlike
    from ..nn.parameter import Parameter
    from .._legacy import CPU_TYPES, CUDA_TYPES
    table = {f"torch._utils.{n}": getattr(R, n) for n in _RB}
    table["torch._tensor._rebuild_from_type_v2"] = R._rebuild_from_type_v2
    table["torch.serialization._get_layout"] = R._get_layout
    table["torch.nn.parameter.Parameter"] = Parameter
    table["torch.Size"] = torchlike.Size
    table["torch.Tensor"] = torchlike.Tensor
    table["torch._tensor.Tensor"] = torchlike.Tensor
    table["torch.device"] = torchlike.device
    for d in D.ALL:
        table[f"torch.{d.name}"] = d
    for name, cls in R.STORAGE_TYPES.items():
        table[f"torch.{name}"] = cls
        table[f"torch.cuda.{name}"] = cls
    table["torch.storage.UntypedStorage"] = R.UntypedStorageTag
    table["torch.UntypedStorage"] = R.UntypedStorageTag
    for name, cls in CPU_TYPES.items():
        table[f"torch.{name}"] = cls
    for name, cls in CUDA_TYPES.items():
        table[f"torch.cuda.{name}"] = cls
    return table


@functools.lru_cache(maxsize=1)
def _reverse():
    """id(torchlike object) -> (torch module, name) for the objects in _fixed (first name wins)."""
    out = {}
    for full, obj in _fixed().items():
        if full in ("torch._tensor.Tensor", "torch.UntypedStorage") or full.startswith("torch.cuda."):
            continue
        mod, _, name = full.rpartition(".")
        out.setdefault(id(obj), (mod, name))
    return out


def torch_name(obj, name=None):
    """(module, qualname) under which PyTorch knows `obj`, or None when the default pickling name is right."""
    hit = _reverse().get(id(obj))
    if hit is not None:
        return hit
    if isinstance(obj, D.dtype):
        return ("torch", obj.name)
    module = getattr(obj, "__module__", None)
    if not isinstance(module, str) or not (module == "torchlike" or module.startswith("torchlike.")):
        return None
    qualname = name or getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    public = _public_home(obj, qualname)
    if public is not None:
        return public
    if module.startswith("torchlike.nn.modules.") and qualname in _NN_MODULE_HOMES:
        return (_NN_MODULE_HOMES[qualname], qualname)
    return ("torch" + module[len("torchlike"):], qualname)


# nn classes that torchlike defines next to a relative but PyTorch keeps in another file of torch.nn.modules: their
# pickled name must be PyTorch's, or PyTorch cannot load a whole saved model
_NN_MODULE_HOMES = {
    **dict.fromkeys(("InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
                     "LazyInstanceNorm3d"), "torch.nn.modules.instancenorm"),
    **dict.fromkeys(("PixelShuffle", "PixelUnshuffle"), "torch.nn.modules.pixelshuffle"),
    **dict.fromkeys(("Fold", "Unfold"), "torch.nn.modules.fold"),
    **dict.fromkeys(("FractionalMaxPool2d", "FractionalMaxPool3d"), "torch.nn.modules.pooling"),
    "AdaptiveLogSoftmaxWithLoss": "torch.nn.modules.adaptive",
    "ChannelShuffle": "torch.nn.modules.channelshuffle",
    "CrossMapLRN2d": "torch.nn.modules.normalization",
    "MultiheadAttention": "torch.nn.modules.activation",
}


def _public_home(obj, qualname):
    """torchlike keeps many functions in private modules (torchlike._ops...): name them by their public home."""
    module = obj.__module__
    if not any(part.startswith("_") for part in module.split(".")[1:]):      # (torchlike._ops, torchlike.nn._functional)
        return None
    import torchlike
    short = qualname.rsplit(".", 1)[-1]
    for home in ("torchlike", "torchlike.nn.functional", "torchlike.linalg", "torchlike.fft", "torchlike.special"):
        try:
            mod = importlib.import_module(home)
        except ImportError:
            continue
        public = getattr(mod, short, None)
        if public is obj or (public is not None and getattr(public, "__wrapped__", None) is obj):
            return ("torch" + home[len("torchlike"):], short)
    if getattr(torchlike.Tensor, short, None) is obj:
        return ("torch._C.TensorBase", short)
    return None


def resolve(module, name):
    """The torchlike object for a `torch.*` (or `torchvision.*`) global in a pickle; raises like find_class."""
    full = f"{module}.{name}"
    fixed = _fixed().get(full)
    if fixed is not None:
        return fixed
    top, _, rest = module.partition(".")
    real = {"torch": "torchlike", "torchvision": "torchlike.vision"}[top] + ("." + rest if rest else "")
    obj = _lookup(real, name)
    if obj is not None:
        return obj
    # e.g. torch.nn.modules.linear.Linear when torchlike keeps it elsewhere: try the public namespaces
    short = name.rsplit(".", 1)[-1]
    for home in ("torchlike", "torchlike.nn", "torchlike.nn.functional", "torchlike.optim",
                 "torchlike.optim.lr_scheduler"):
        obj = _lookup(home, short)
        if obj is not None:
            return obj
    raise AttributeError(f"Can't get attribute '{name}' on <module '{module}'> (torchlike has no equivalent)")


def _lookup(module, qualname):
    try:
        obj = importlib.import_module(module)
    except ImportError:
        return None
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def is_torch_module(module):
    return module in ("torch", "torchvision") or module.startswith(("torch.", "torchvision."))


@functools.lru_cache(maxsize=1)
def weights_only_allowed():
    """PyTorch's weights_only allowlist (torch/_weights_only_unpickler.py), resolved to torchlike's objects."""
    from _codecs import encode
    table = dict(_fixed())
    table.update({
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "_codecs.encode": encode,
        "builtins.bytearray": bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
    })
    table.pop("torch.UntypedStorage", None)
    return table
