"""torch.cuda: maps onto JAX's GPU devices; on a machine without one, behaves like a CPU-only PyTorch build."""
from __future__ import annotations

from . import _device
from ._legacy import CUDA_TYPES

globals().update(CUDA_TYPES)

_NO_CUDA = "Torch not compiled with CUDA enabled"


def is_available() -> bool:
    return len(_device.gpu_devices()) > 0


def device_count() -> int:
    return len(_device.gpu_devices())


def _require():
    if not is_available():
        raise AssertionError(_NO_CUDA)


def current_device() -> int:
    _require()
    return _device._current_cuda[0]


def set_device(device) -> None:
    _require()
    d = device if isinstance(device, int) else _device.device(device).index or 0
    if not 0 <= d < device_count():
        raise RuntimeError("CUDA error: invalid device ordinal")
    _device._current_cuda[0] = d


def get_device_name(device=None) -> str:
    _require()
    idx = current_device() if device is None else (device if isinstance(device, int) else
                                                  _device.device(device).index or 0)
    return getattr(_device.gpu_devices()[idx], "device_kind", "CUDA GPU")


def get_device_capability(device=None):
    _require()
    cc = getattr(_device.gpu_devices()[0], "compute_capability", "0.0")
    major, minor = str(cc).split(".")[:2]
    return int(major), int(minor)


def synchronize(device=None) -> None:
    if is_available():
        import jax
        for d in _device.gpu_devices():
            jax.device_put(0.0, d).block_until_ready()


def is_initialized() -> bool:
    return is_available()


def manual_seed(seed) -> None:
    from . import random as _random
    _random._cuda_seed[0] = int(seed)


def manual_seed_all(seed) -> None:
    manual_seed(seed)


def empty_cache() -> None:
    pass


def memory_allocated(device=None) -> int:
    if not is_available():
        return 0
    stats = _device.gpu_devices()[0].memory_stats() or {}
    return int(stats.get("bytes_in_use", 0))


def max_memory_allocated(device=None) -> int:
    if not is_available():
        return 0
    stats = _device.gpu_devices()[0].memory_stats() or {}
    return int(stats.get("peak_bytes_in_use", 0))


class device:
    """torch.cuda.device(idx): context manager selecting the current CUDA device."""

    def __init__(self, idx):
        self.idx = idx if isinstance(idx, int) else (_device.device(idx).index or 0)

    def __enter__(self):
        self.prev = _device._current_cuda[0]
        if is_available():
            _device._current_cuda[0] = self.idx

    def __exit__(self, *exc):
        _device._current_cuda[0] = self.prev
        return False


from ._cuda_extras import (Stream, Event, CUDAGraph, graph, StreamContext, current_stream, default_stream,  # noqa
                           stream, set_stream, get_rng_state_all, set_rng_state_all, is_bf16_supported,
                           get_arch_list, memory_reserved, max_memory_reserved, memory_stats, reset_peak_memory_stats,
                           reset_max_memory_allocated, mem_get_info, get_device_properties,
                           is_current_stream_capturing)
from ._cuda_extras import _submodules  # noqa: E402
globals().update(_submodules(__name__))
__path__ = []       # a package for the import system, so `import torch.cuda.amp` finds the submodules above
