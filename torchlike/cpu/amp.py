"""torch.cpu.amp: the deprecated CPU spellings of torch.amp.autocast('cpu') and torch.amp.GradScaler('cpu')."""
from __future__ import annotations

from .. import _dtype as D
from ..amp.autocast_mode import autocast as _autocast, _deprecated_class
from ..amp.grad_scaler import GradScaler as _GradScaler, _deprecated_init

__all__ = ["autocast", "GradScaler"]


@_deprecated_class("cpu")
class autocast(_autocast):
    """torch.cpu.amp.autocast(...) == torch.amp.autocast('cpu', ...) (deprecated; FutureWarning)."""

    def __init__(self, enabled=True, dtype=D.bfloat16, cache_enabled=True):
        super().__init__("cpu", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class GradScaler(_GradScaler):
    """torch.cpu.amp.GradScaler(...) == torch.amp.GradScaler('cpu', ...) (deprecated; FutureWarning)."""

    @_deprecated_init("cpu")
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        super().__init__("cpu", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)
