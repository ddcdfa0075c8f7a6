"""torch.amp: `GradScaler` (dynamic loss scaling, PyTorch's algorithm) and `autocast`.

Autocast regions are not modelled by torchlike: `autocast(enabled=False)` is exact; an enabled region warns and runs
in full precision (for 'cuda' with PyTorch's own "CUDA is not available. Disabling" warning, as on a CPU-only build),
and `is_autocast_available` answers False."""
from __future__ import annotations

from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler, OptState

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
