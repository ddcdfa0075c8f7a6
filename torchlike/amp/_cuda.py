"""torch.cuda.amp: the deprecated CUDA spellings of torch.amp.autocast('cuda'), GradScaler('cuda'), custom_fwd and
custom_bwd (each warns FutureWarning; without a GPU, autocast and GradScaler disable themselves as in PyTorch)."""
from __future__ import annotations

import functools
import warnings

from .. import _dtype as D
from .autocast_mode import (autocast as _autocast, _deprecated_class, _cuda_unavailable,
                            custom_fwd as _custom_fwd, custom_bwd as _custom_bwd)
from .grad_scaler import GradScaler as _GradScaler, _deprecated_init

__all__ = ["autocast", "custom_fwd", "custom_bwd", "GradScaler", "amp_definitely_not_available"]


def amp_definitely_not_available():
    return _cuda_unavailable()


@_deprecated_class("cuda")
class autocast(_autocast):
    """torch.cuda.amp.autocast(...) == torch.amp.autocast('cuda', ...) (deprecated; FutureWarning)."""

    def __init__(self, enabled=True, dtype=D.float16, cache_enabled=True):
        super().__init__("cuda", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class GradScaler(_GradScaler):
    """torch.cuda.amp.GradScaler(...) == torch.amp.GradScaler('cuda', ...) (deprecated; FutureWarning)."""

    @_deprecated_init("cuda")
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)


def custom_fwd(fwd=None, *, cast_inputs=None):
    warnings.warn("`torch.cuda.amp.custom_fwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_fwd(args..., device_type='cuda')` instead.", FutureWarning, stacklevel=2)
    return functools.partial(_custom_fwd, device_type="cuda")(fwd=fwd, cast_inputs=cast_inputs)


def custom_bwd(bwd):
    warnings.warn("`torch.cuda.amp.custom_bwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_bwd(args..., device_type='cuda')` instead.", FutureWarning, stacklevel=2)
    return functools.partial(_custom_bwd, device_type="cuda")(bwd)
