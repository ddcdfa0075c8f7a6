"""torchvision.transforms.v2: the v1 transforms (same behaviour for images) plus ToImage, ToDtype, ToPureTensor.

Differences from torchvision's v2: bounding boxes/masks (tv_tensors) are not supported, and the random transforms
draw their parameters like the v1 transforms.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import torchlike as torch
from torchlike import nn

from ..transforms import *  # noqa: F401,F403
from ..transforms import __all__ as _v1_all
from ..functional import InterpolationMode  # noqa: F401
from .. import functional as _F


class Transform(nn.Module):
    """Base class of the v2 transforms: repr lists the simple public attributes."""

    def extra_repr(self):
        extra = []
        for name, value in self.__dict__.items():
            if name.startswith("_") or name == "training":
                continue
            if not isinstance(value, (bool, int, float, str, tuple, list)):
                continue
            extra.append(f"{name}={value}")
        return ", ".join(extra)


class Compose(Transform):
    """Composes several transforms together (v2: an nn.Module; several inputs are passed through as a tuple)."""

    def __init__(self, transforms):
        super().__init__()
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence of callables")
        elif not transforms:
            raise ValueError("Pass at least one transform")
        self.transforms = transforms

    def forward(self, *inputs):
        needs_unpacking = len(inputs) > 1
        for transform in self.transforms:
            outputs = transform(*inputs)
            inputs = outputs if needs_unpacking else (outputs,)
        return outputs

    def extra_repr(self):
        return "\n".join(f"    {t}" for t in self.transforms)


class ToImage(Transform):
    """PIL Image or ndarray (H x W x C) or tensor -> tensor image (C x H x W), keeping the dtype."""

    def forward(self, inpt):
        if isinstance(inpt, torch.Tensor):
            return inpt if inpt.ndim >= 3 else inpt.unsqueeze(0)
        if isinstance(inpt, np.ndarray):
            arr = inpt if inpt.ndim == 3 else inpt[:, :, None]
            return torch.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))
        return _F.pil_to_tensor(inpt)


class ToPureTensor(Transform):
    def forward(self, inpt):
        return inpt


class ToDtype(Transform):
    """Convert to `dtype`; with scale=True the values are rescaled like convert_image_dtype."""

    def __init__(self, dtype, scale=False):
        super().__init__()
        self.dtype = dtype
        self.scale = scale

    def forward(self, inpt):
        dtype = self.dtype
        if isinstance(dtype, dict):
            dtype = dtype.get(torch.Tensor, dtype.get("others"))
            if dtype is None:
                return inpt
        if not isinstance(inpt, torch.Tensor):
            return inpt
        if not self.scale:
            return inpt.to(dtype)
        return _to_dtype_scaled(inpt, dtype)


def _to_dtype_scaled(image, dtype):
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        eps = 1e-3
        max_value = float(_F.F_t._max_value(dtype))
        return image.mul(max_value + 1.0 - eps).to(dtype)
    if dtype.is_floating_point:
        return image.to(dtype).mul_(1.0 / _F.F_t._max_value(image.dtype))
    return _F.convert_image_dtype(image, dtype)


class ConvertImageDtype(ToDtype):  # noqa: F811 (v2 keeps the name)
    def __init__(self, dtype=torch.float32):
        super().__init__(dtype, scale=True)


from . import functional  # noqa: E402,F401  (v2.functional)

__all__ = list(_v1_all) + ["Transform", "Compose", "ToImage", "ToPureTensor", "ToDtype"]
