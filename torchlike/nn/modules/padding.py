"""Padding layers: Constant/Zero/Reflection/Replication/CircularPad1d/2d/3d."""
from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"]


def _ntuple(n):
    def parse(x):
        if hasattr(x, "__iter__"):
            return tuple(x)
        return (x,) * n
    return parse


class _PadNd(Module):
    """Pads the last `_nd` dimensions (padding: an int, or 2 * _nd ints) with F.pad's mode `_mode`."""

    __constants__ = ["padding"]
    _nd = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(2 * self._nd)(padding)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def _check_input_dim(self, input):
        n = self._nd
        if input.dim() != n + 1 and input.dim() != n + 2:
            raise ValueError(f"expected {n + 1}D or {n + 2}D input (got {input.dim()}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Pads the last dimension circularly."""
    _nd = 1


class CircularPad2d(_CircularPadNd):
    """Pads the last 2 dimensions circularly."""
    _nd = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last 3 dimensions circularly."""
    _nd = 3


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dimension with a constant."""
    _nd = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the last 2 dimensions with a constant."""
    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last 3 dimensions with a constant."""
    _nd = 3


class _ReflectionPadNd(_PadNd):
    _mode = "reflect"


class ReflectionPad1d(_ReflectionPadNd):
    """Pads the last dimension with its reflection."""
    _nd = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Pads the last 2 dimensions with their reflection."""
    _nd = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Pads the last 3 dimensions with their reflection."""
    _nd = 3


class _ReplicationPadNd(_PadNd):
    _mode = "replicate"


class ReplicationPad1d(_ReplicationPadNd):
    """Pads the last dimension by repeating its edge values."""
    _nd = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Pads the last 2 dimensions by repeating their edge values."""
    _nd = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Pads the last 3 dimensions by repeating their edge values."""
    _nd = 3


class _ZeroPadNd(_ConstantPadNd):
    """ConstantPadNd with value 0.0 (each ZeroPadNd also derives from its ConstantPadNd, as in PyTorch)."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pads the last dimension with zeros."""


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pads the last 2 dimensions with zeros."""


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    """Pads the last 3 dimensions with zeros."""
