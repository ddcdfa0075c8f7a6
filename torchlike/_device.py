"""torch.device and its mapping onto JAX devices ('cuda' -> JAX's GPU backend)."""
from __future__ import annotations

import functools

import jax

__all__ = ["device", "set_default_device", "get_default_device"]


class device:
    """torch.device('cpu' | 'cuda' | 'cuda:1' | ('cuda', 1))."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - torch's argument name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and index is None:
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError("device() received an invalid combination of arguments")
        if ":" in type:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in _KNOWN:
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, "
                "lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: " + type)
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative")
        self.type, self.index = type, index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):      # torch compares with any string, known device type or not ('npu')
            try:
                other = device(other)
            except RuntimeError:
                return False
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        """`with torch.device('cuda'):` makes factories without device= allocate there."""
        _entered.append(_default_device[0])
        _default_device[0] = device(self)
        return self

    def __exit__(self, *exc):
        _default_device[0] = _entered.pop()
        return False


_KNOWN = {"cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
          "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone"}     # the types torch.device accepts


@functools.lru_cache(maxsize=None)
def gpu_devices():
    try:
        return tuple(jax.local_devices(backend="gpu"))
    except RuntimeError:
        return ()


@functools.lru_cache(maxsize=None)
def cpu_device():
    return jax.local_devices(backend="cpu")[0]


CPU = device("cpu")
_current_cuda = [0]
_default_device = [None]      # torch.set_default_device / `with torch.device(...)`: used by factories
_entered = []


def set_default_device(dev):
    """torch.set_default_device: the device factories use when given none (None: back to the CPU)."""
    _default_device[0] = None if dev is None else device(dev)


def get_default_device():
    d = _default_device[0]
    if d is None:
        return CPU
    return canonical(d) if d.type == "cuda" else d


def canonical(dev) -> device:
    """A concrete device (cuda always with an index). Raises torch's error when CUDA is absent."""
    if dev is None:
        dev = _default_device[0]
        if dev is None:
            return CPU
    if not isinstance(dev, device):
        dev = device(dev)
    if dev.type == "cpu":
        return CPU
    if dev.type == "cuda":
        gpus = gpu_devices()
        if not gpus:
            raise AssertionError("Torch not compiled with CUDA enabled")
        idx = _current_cuda[0] if dev.index is None else dev.index
        if idx >= len(gpus):
            raise RuntimeError("CUDA error: invalid device ordinal\nCUDA kernel errors might be asynchronously "
                               "reported at some other API call, so the stacktrace below might be incorrect.")
        return device("cuda", idx)
    if dev.type == "meta":
        raise NotImplementedError("torchlike has no meta tensors")
    raise RuntimeError(f"torchlike supports only cpu and cuda devices, got {dev}")


def jax_device(dev: device):
    """The jax.Device a canonical torch device maps to."""
    if dev.type == "cpu":
        return cpu_device()
    return gpu_devices()[dev.index]


def from_jax_device(jd) -> device:
    if jd.platform == "cpu":
        return CPU
    return device("cuda", gpu_devices().index(jd))
