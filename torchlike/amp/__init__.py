"""torch.amp: autocast regions (PyTorch's mixed-precision cast policy, see torchlike/_autocast.py), GradScaler
(dynamic loss scaling), custom_fwd/custom_bwd."""
from __future__ import annotations

from .autocast_mode import (_enter_autocast, _exit_autocast, autocast, custom_bwd, custom_fwd,  # noqa: F401
                            is_autocast_available)
from .grad_scaler import GradScaler, OptState  # noqa: F401

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
