"""torch.accelerator: the current accelerator (CUDA through JAX's GPU backend when present)."""
from __future__ import annotations

from . import cuda as _cuda
from ._device import device as _device_cls

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index", "set_device_index",
           "synchronize"]


def is_available():
    return _cuda.is_available()


def current_accelerator(check_available=False):
    return _device_cls("cuda") if _cuda.is_available() else None


def device_count():
    return _cuda.device_count() if _cuda.is_available() else 0


def current_device_index():
    return _cuda.current_device()


current_device_idx = current_device_index


def set_device_index(device):
    _cuda.set_device(device)


set_device_idx = set_device_index


def synchronize(device=None):
    if _cuda.is_available():
        _cuda.synchronize(device)
