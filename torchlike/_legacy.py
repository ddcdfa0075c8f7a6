"""Legacy typed tensor constructors (torch.FloatTensor ...) and x.type() strings."""
from __future__ import annotations

from . import _dtype as D


def type_string(dtype, device):
    prefix = "torch.cuda." if device.type == "cuda" else "torch."
    return prefix + dtype._legacy


def parse_type(t):
    """x.type(arg): a legacy class, a dtype, or a string like 'torch.cuda.LongTensor'."""
    if isinstance(t, D.dtype):
        return t, None
    if isinstance(t, _LegacyMeta):
        return t._dtype, t._device
    if isinstance(t, str):
        cuda = ".cuda." in t
        name = t.rsplit(".", 1)[-1]
        if name in D.BY_LEGACY:
            return D.BY_LEGACY[name], ("cuda" if cuda else "cpu")
        raise ValueError(f"invalid type: '{t}'")
    raise TypeError(f"type() expected a dtype or a tensor type, got {type(t).__name__}")


class _LegacyMeta(type):
    """Metaclass making `torch.FloatTensor` callable like a constructor and usable in isinstance()."""

    def __call__(cls, *args, device=None):
        from ._tensor import Tensor
        from ._ops import creation
        if len(args) == 1 and not isinstance(args[0], int):
            t = creation.tensor(args[0], dtype=cls._dtype) if not isinstance(args[0], Tensor) else args[0].to(cls._dtype)
        else:
            size = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            t = creation.zeros(*size, dtype=cls._dtype)
        if cls._device == "cuda":
            t = t.cuda()
        return t

    def __instancecheck__(cls, obj):
        from ._tensor import Tensor
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype and obj.device.type == cls._device

    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__name__}'>"


def _make(name, dtype, device):
    return _LegacyMeta(name, (), {"_dtype": dtype, "_device": device,
                                  "__module__": "torch.cuda" if device == "cuda" else "torch"})


CPU_TYPES = {d._legacy: _make(d._legacy, d, "cpu") for d in D.ALL}
CUDA_TYPES = {d._legacy: _make(d._legacy, d, "cuda") for d in D.ALL}
