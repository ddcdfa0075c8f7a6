"""DLPack exchange (torch.utils.dlpack, torch.from_dlpack, Tensor.__dlpack__), zero-copy both ways.

Export: a tensor over a NumPy-shared storage exports that memory (writes stay visible to both sides); otherwise
its jax.Array is exported through JAX's DLPack support. Import: a jax.Array is wrapped as it is; any other CPU
producer (a NumPy array, a PyTorch tensor, a bare capsule) is viewed through NumPy and shared like
torch.from_numpy, so in-place changes on either side are seen by the other; accelerator producers go through
jax.dlpack.
"""
from __future__ import annotations

import jax
import numpy as np

_CPU, _CUDA = 1, 2


class _Capsule:
    """A bare DLPack capsule dressed as a producer (np/jax.from_dlpack want __dlpack__)."""

    def __init__(self, capsule, device=(_CPU, 0)):
        self.capsule, self.device = capsule, device

    def __dlpack__(self, stream=None, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device


def _host_view(t):
    from ._storage import numpy_view
    return numpy_view(t._storage._np, t._size, t._stride, t._offset)


def tensor_dlpack(self, stream=None, *, max_version=None, dl_device=None, copy=None):
    """Tensor.__dlpack__: a capsule over this tensor's memory."""
    if self.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    if self._storage._np is not None:
        view = _host_view(self)
        kw = {} if max_version is None else {"max_version": max_version}
        return view.__dlpack__(**kw)
    arr = self._value()
    kw = {} if max_version is None else {"max_version": max_version}
    return arr.__dlpack__(**kw)


def tensor_dlpack_device(self):
    dev = self.device
    return (_CPU, 0) if dev.type == "cpu" else (_CUDA, dev.index or 0)


def to_dlpack(tensor):
    """torch.utils.dlpack.to_dlpack: a DLPack capsule sharing the tensor's memory."""
    return tensor_dlpack(tensor)


def from_dlpack(ext_tensor):
    """torch.from_dlpack: a tensor sharing the memory of a DLPack producer (or capsule)."""
    from ._ops.creation import from_numpy
    from ._tensor import Tensor, from_array
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    if isinstance(ext_tensor, jax.Array):
        return from_array(ext_tensor)
    if not hasattr(ext_tensor, "__dlpack__"):
        if type(ext_tensor).__name__ != "PyCapsule":
            raise TypeError(f"from_dlpack(): expected an object with __dlpack__ or a DLPack capsule, got "
                            f"{type(ext_tensor).__name__}")
        ext_tensor = _Capsule(ext_tensor)
    device = ext_tensor.__dlpack_device__()
    if device[0] != _CPU:
        from ._device import device as _dev
        return from_array(jax.dlpack.from_dlpack(ext_tensor), None, _dev("cuda", device[1]))
    arr = np.from_dlpack(ext_tensor)
    if not arr.flags.writeable:        # legacy (unversioned) capsules come back read-only: the memory is not
        arr = _writable_alias(arr)      # (torch tensors and our own exports are writable), so view it writable
    return from_numpy(arr)


def _writable_alias(arr):
    """A writable ndarray over `arr`'s memory (which it keeps alive)."""
    import ctypes
    if arr.size == 0:
        return np.array(arr)
    lo = sum(st * (n - 1) for st, n in zip(arr.strides, arr.shape) if st < 0)
    hi = sum(st * (n - 1) for st, n in zip(arr.strides, arr.shape) if st > 0) + arr.itemsize
    base_ptr = arr.__array_interface__["data"][0] + lo
    buf = (ctypes.c_char * (hi - lo)).from_address(base_ptr)
    buf.__dict__["_owner"] = arr
    return np.ndarray(arr.shape, arr.dtype, buffer=buf, offset=-lo, strides=arr.strides)
