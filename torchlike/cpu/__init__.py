"""torch.cpu: the CPU device module (always available, one device, no-op streams and events) and torch.cpu.amp."""
from __future__ import annotations

import functools
import types

from . import amp  # noqa: F401

__all__ = ["is_available", "is_initialized", "synchronize", "current_device", "current_stream", "stream",
           "set_device", "device_count", "Stream", "StreamContext", "Event", "get_capabilities"]


@functools.lru_cache(None)
def get_capabilities():
    return types.MappingProxyType({})


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return True


def synchronize(device=None) -> None:
    """Waits for the CPU device: nothing to wait for in PyTorch's CPU module either."""


def device_count() -> int:
    return 1


def set_device(device) -> None:
    """Sets the current device: the CPU has one, so nothing to do."""


def current_device() -> str:
    return "cpu"


class Stream:
    """N.B. This class only exists to facilitate device-agnostic code."""

    def __init__(self, priority: int = -1) -> None:
        pass

    def wait_stream(self, stream) -> None:
        pass

    def record_event(self) -> None:
        pass

    def wait_event(self, event) -> None:
        pass


class Event:
    def query(self) -> bool:
        return True

    def record(self, stream=None) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def wait(self, stream=None) -> None:
        pass


_default_cpu_stream = Stream()
_current = [_default_cpu_stream]


def current_stream(device=None) -> Stream:
    return _current[0]


class StreamContext:
    def __init__(self, stream):
        self.stream = stream
        self.prev_stream = _default_cpu_stream

    def __enter__(self):
        if self.stream is not None:
            self.prev_stream, _current[0] = _current[0], self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            _current[0] = self.prev_stream


def stream(stream) -> StreamContext:
    return StreamContext(stream)
