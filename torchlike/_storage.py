"""Storage: the mutable cell behind tensors, and strided reads/writes of views into it.

A Storage holds one jax.Array (any shape; views index it as a flat buffer) or, once shared with NumPy
on the CPU, a flat writable NumPy buffer. Every write bumps `version` (PyTorch's version counter).
"""
from __future__ import annotations

import functools
import math
import sys
import weakref

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from . import _device, _trace_state

__all__ = ["Storage", "read_view", "write_view", "contiguous_strides", "unshared"]


@functools.lru_cache(maxsize=8192)
def contiguous_strides(size):
    strides, acc = [], 1
    for s in reversed(size):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


class Storage:
    __slots__ = ("_data", "_np", "device", "version", "dtype", "__weakref__")

    def __init__(self, data, device, dtype, np_buffer=None):
        self._data = data          # jax.Array, or None while a NumPy buffer holds the values
        self._np = np_buffer       # flat NumPy array shared with the user (CPU only)
        self.device = device
        self.dtype = dtype
        self.version = 0
        tr = _trace_state.current
        if tr is not None:         # compile: storages created while tracing may escape it (_compile/_trace.py)
            tr.created.append(weakref.ref(self))
            tr.created_data.add(id(data))

    @property
    def numel(self):
        return self._np.size if self._np is not None else self._data.size

    def nbytes(self):
        return self.numel * self.dtype.itemsize

    def flat_numpy(self):
        """Switch to (or stay in) NumPy mode and return the flat shared buffer."""
        if self._np is None:
            self._np = np.array(self._data).reshape(-1)   # a writable host copy that now owns the values
            self._data = None
        return self._np

    def jax_array(self):
        """The values as a jax.Array (a copy when the NumPy buffer owns them: NumPy may change it at any time)."""
        if self._np is not None:
            return jax.device_put(self._np, _device.jax_device(self.device))
        return self._data

    def set_array(self, arr):
        if self._np is not None:
            self._np[...] = np.asarray(arr).reshape(-1)
        else:
            self._data = arr
        self.version += 1


def unshared(arrays, storages, held=1):
    """True when each array is referenced only by its storage (when that holds it) and by the caller's `held`
    containers of it: nothing else (a tensor view's cached read, a saved graph, an array handed out by `t.jax()`,
    another program) can read it after it is donated to XLA, which then reuses its memory."""
    for i in range(len(arrays)):
        # + 1: getrefcount's own argument
        if sys.getrefcount(arrays[i]) > held + 1 + (storages[i]._data is arrays[i]):
            return False
    return True


def _is_contig(size, stride):
    expected = 1
    for s, st in zip(reversed(size), reversed(stride)):
        if s != 1 and st != expected:
            return False
        expected *= s
    return True


def _flat_index(size, stride, offset, dtype):
    idx = jnp.full(size, offset, dtype)
    for d, (n, st) in enumerate(zip(size, stride)):
        if n > 1 and st:
            idx = idx + lax.broadcasted_iota(dtype, size, d) * st
    return idx


@functools.lru_cache(maxsize=4096)
def _read_kernel(size, stride, offset, numel):
    n = math.prod(size)
    if _is_contig(size, stride):
        def read(data):
            flat = data.reshape(-1)
            return lax.slice(flat, (offset,), (offset + n,)).reshape(size)
    else:
        itype = jnp.int32 if numel < 2**31 else jnp.int64

        def read(data):
            return data.reshape(-1)[_flat_index(size, stride, offset, itype)]
    return jax.jit(read)


@functools.lru_cache(maxsize=4096)
def _write_kernel(size, stride, offset, numel):
    if _is_contig(size, stride):
        def write(data, value):
            flat = lax.dynamic_update_slice(data.reshape(-1), value.reshape(-1).astype(data.dtype), (offset,))
            return flat.reshape(data.shape)
    else:
        itype = jnp.int32 if numel < 2**31 else jnp.int64

        def write(data, value):
            idx = _flat_index(size, stride, offset, itype)
            return data.reshape(-1).at[idx].set(value.astype(data.dtype)).reshape(data.shape)
    return jax.jit(write)


def read_view(data, size, stride, offset):
    """The values of the view (size, stride, offset) of the jax array `data` (flat indexing)."""
    return _read_kernel(size, stride, offset, data.size)(data)


def write_view(data, value, size, stride, offset):
    """`data` with the view (size, stride, offset) replaced by `value`."""
    return _write_kernel(size, stride, offset, data.size)(data, jnp.broadcast_to(value, size))


def numpy_view(flat, size, stride, offset):
    """A NumPy view of a flat buffer with torch-style (element) strides."""
    item = flat.itemsize
    return np.lib.stride_tricks.as_strided(flat[offset:] if flat.size else flat, shape=size,
                                           strides=tuple(s * item for s in stride))
