"""torch.cuda names beyond devices and memory: streams, events, graphs, nvtx, rng-state lists and cuda.amp.
torchlike runs each op as an XLA program on one stream, so these behave as on a PyTorch build without CUDA
when no GPU is present, and as ordered no-ops (stream/event objects that synchronize) when one is."""
from __future__ import annotations

import importlib.machinery
import sys
import types

from . import _device

_NO_CUDA = "Torch not compiled with CUDA enabled"


def _have():
    return len(_device.gpu_devices()) > 0


def _require():
    if not _have():
        raise AssertionError(_NO_CUDA)


def _sync():
    if _have():
        import jax
        for d in _device.gpu_devices():
            jax.device_put(0.0, d).block_until_ready()


class Stream:
    """torch.cuda.Stream: XLA orders the work itself; synchronize() waits for everything queued."""

    def __init__(self, device=None, priority=0, **kwargs):
        if not _have():
            raise RuntimeError("torch.cuda.Stream requires CUDA support")
        self.device = _device.canonical(device if device is not None else "cuda")
        self.priority = priority

    def synchronize(self):
        _sync()

    def wait_stream(self, stream):
        pass

    def wait_event(self, event):
        pass

    def record_event(self, event=None):
        event = event or Event()
        event.record(self)
        return event

    def query(self):
        return True


class Event:
    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        if not _have():
            raise RuntimeError("Tried to instantiate dummy base class Event")
        self.enable_timing = enable_timing
        self._t = None

    def record(self, stream=None):
        import time
        _sync()
        self._t = time.perf_counter()

    def synchronize(self):
        _sync()

    def wait(self, stream=None):
        pass

    def query(self):
        return True

    def elapsed_time(self, end_event):
        return (end_event._t - self._t) * 1000.0


class CUDAGraph:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class CUDAGraph")


class graph:
    """torch.cuda.graph(cuda_graph): needs a CUDAGraph, which cannot be made here."""

    def __init__(self, cuda_graph, pool=None, stream=None, capture_error_mode="global"):
        self.cuda_graph = cuda_graph

    def __enter__(self):
        raise RuntimeError("CUDA graphs are not available")

    def __exit__(self, *exc):
        return False


def is_current_stream_capturing():
    return False


def current_stream(device=None):
    _require()
    return Stream(device)


def default_stream(device=None):
    _require()
    return Stream(device)


class StreamContext:
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def stream(stream):
    return StreamContext(stream)


def set_stream(stream):
    pass


def get_rng_state_all():
    from .random import get_rng_state
    return [get_rng_state() for _ in range(len(_device.gpu_devices()))]


def set_rng_state_all(new_states):
    pass


def is_bf16_supported(including_emulation=True):
    return _have()


def get_arch_list():
    return []


def _stats():
    return (_device.gpu_devices()[0].memory_stats() or {}) if _have() else {}


def memory_reserved(device=None):
    return int(_stats().get("bytes_reserved", _stats().get("bytes_limit", 0))) if _have() else 0


def max_memory_reserved(device=None):
    return int(_stats().get("peak_bytes_reserved", memory_reserved(device))) if _have() else 0


def memory_stats(device=None):
    import collections
    return collections.OrderedDict(sorted(_stats().items()))


def reset_peak_memory_stats(device=None):
    pass


def reset_max_memory_allocated(device=None):
    pass


def mem_get_info(device=None):
    _require()
    s = _stats()
    total = int(s.get("bytes_limit", 0))
    return total - int(s.get("bytes_in_use", 0)), total


def get_device_properties(device=None):
    _require()
    d = _device.gpu_devices()[0]
    s = _stats()
    return types.SimpleNamespace(name=getattr(d, "device_kind", "GPU"), total_memory=int(s.get("bytes_limit", 0)),
                                 major=0, minor=0, multi_processor_count=0)


# --- torch.cuda.nvtx / graphs / amp as submodules -------------------------------------------------------------

def _nvtx_missing(*args, **kwargs):
    raise RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")


def _submodules(parent):
    """torch.cuda.amp, torch.cuda.nvtx and torch.cuda.graphs (importable as `import torch.cuda.amp`)."""
    out = {}
    from .amp import _cuda as amp     # torch.cuda.amp: the deprecated spellings of torch.amp's autocast/GradScaler
    amp_attrs = {n: getattr(amp, n) for n in amp.__all__}
    amp_attrs["common"] = types.SimpleNamespace(amp_definitely_not_available=amp.amp_definitely_not_available)
    for name, attrs in (("amp", amp_attrs),
                        ("nvtx", {n: _nvtx_missing for n in ("range_push", "range_pop", "mark", "range_start",
                                                             "range_end", "range")}),
                        ("graphs", {"CUDAGraph": CUDAGraph, "graph": graph,
                                    "is_current_stream_capturing": is_current_stream_capturing})):
        m = types.ModuleType(f"{parent}.{name}")
        m.__dict__.update(attrs)
        m.__spec__ = importlib.machinery.ModuleSpec(m.__name__, None)
        sys.modules[m.__name__] = m
        out[name] = m
    return out
