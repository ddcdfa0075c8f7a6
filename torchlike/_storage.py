"""Storage: the mutable cell behind tensors, and strided reads/writes of views into it.

A Storage holds one jax.Array (any shape; views index it as a flat buffer) or, once shared with NumPy
on the CPU, a flat writable NumPy buffer. Every write bumps `version` (PyTorch's version counter).
"""
from __future__ import annotations

import functools
import math
import sys
import threading
import weakref

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from . import _device, _dtype, _trace_state

try:                 # the C module: signal.signal/getsignal wrap handlers in enums at ~5 us per call
    import _signal as _sig
except ImportError:  # pragma: no cover - not CPython
    import signal as _sig

__all__ = ["Storage", "read_view", "write_view", "contiguous_strides", "unshared", "no_interrupt", "scrub_consumed",
           "device_copy"]


def device_copy(host, device, dtype=None):
    """A jax.Array on `device` that owns a copy of the NumPy array (or scalar/sequence) `host`, cast to `dtype`.

    The door from memory someone may still write (a user's ndarray, a NumPy-shared Storage) into JAX: on the CPU,
    jax.device_put and jit's arguments wrap a suitably aligned NumPy buffer instead of copying it (may_alias=False
    does not change that for NumPy inputs in jax 0.10), and on an accelerator the transfer may read the buffer
    after the call returns. So the values are first copied into a private C-contiguous array nothing else reaches.
    (device_put rather than an identity jit: jit compiles once per shape, ~40 ms, too slow for torch.tensor.)
    """
    private = np.array(host, dtype=dtype, order="C")     # always a new array (copy=True)
    return jax.device_put(private, _device.jax_device(device))


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
        if dtype is not None and dtype.np is None:      # a dtype named for fidelity, with no array type (complex32)
            raise _dtype.no_storage_error(dtype)
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
            return device_copy(self._np, self.device)
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


_MAIN_THREAD = threading.main_thread().ident
_SIGINT = int(_sig.SIGINT)


class no_interrupt:
    """`with no_interrupt():` around a donating XLA call and the write-back of its outputs into the storages.

    Donation invalidates the old arrays as soon as the call starts; until every storage holds its new array, a
    KeyboardInterrupt (Ctrl-C) would leave tensors whose arrays are deleted, so a checkpoint saved in
    `except KeyboardInterrupt:` fails. On the main thread, while a Python SIGINT handler is installed (the default
    one raises KeyboardInterrupt), this records a SIGINT arriving inside the block and hands it to that handler on
    exit, after the write-back. Other threads never receive Python signal handlers; SIG_IGN and SIG_DFL raise
    nothing. Costs one or two microseconds (two sigaction calls)."""
    __slots__ = ("_old", "_hit")

    def __enter__(self):
        self._old = None
        if threading.get_ident() == _MAIN_THREAD:
            old = _sig.getsignal(_SIGINT)
            if callable(old):
                self._hit = None
                _sig.signal(_SIGINT, self._record)
                self._old = old
        return self

    def _record(self, signum, frame):
        self._hit = (signum, frame)

    def __exit__(self, *exc):
        old = self._old
        if old is not None:
            _sig.signal(_SIGINT, old)             # runs a SIGINT still pending first (through _record)
            self._old = None
            hit, self._hit = self._hit, None
            if hit is not None:
                old(*hit)                         # default_int_handler: KeyboardInterrupt, now that all is written
        return False


def scrub_consumed(storages, exc):
    """After a donating XLA call raised: a storage still holding an array the call consumed (XLA deletes donated
    inputs once it runs, and a failed run has no outputs) gets the same shape filled with NaN (zeros for integer
    and bool dtypes), so that every tensor stays readable; `exc` gets a note naming what was lost."""
    lost = []
    for st in storages:
        d = st._data
        if st._np is None and isinstance(d, jax.Array) and not isinstance(d, jax.core.Tracer) and d.is_deleted():
            fill = np.nan if np.issubdtype(d.dtype, np.inexact) else 0
            st._data = jax.device_put(np.full(d.shape, fill, d.dtype), _device.jax_device(st.device))
            st.version += 1
            lost.append(f"{d.dtype}{list(d.shape)}")
    if lost:
        exc.add_note(f"torchlike: the failed call had already consumed the donated arrays of {len(lost)} tensor(s) "
                     f"({', '.join(lost[:4])}{', ...' if len(lost) > 4 else ''}); their values are lost and they now "
                     "hold NaN (zeros for integer dtypes).")
    return len(lost)


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


def _dense_order(size, stride):
    """The dimension order (outermost first) when (size, stride) lays its elements out densely in a permuted
    order, else None."""
    if 0 in size or len(size) < 2:
        return None
    order = sorted(range(len(size)), key=lambda d: (size[d] != 1, -stride[d]))
    expected = 1
    for d in reversed(order):
        if size[d] != 1:
            if stride[d] != expected:
                return None
            expected *= size[d]
    return tuple(order)


@functools.lru_cache(maxsize=4096)
def _read_kernel(size, stride, offset, numel):
    n = math.prod(size)
    if n == 0:                      # an empty view reads nothing (its offset may lie past the end, as in PyTorch)
        return jax.jit(lambda data: jnp.zeros(size, data.dtype))
    perm = _dense_order(size, stride)
    if _is_contig(size, stride):
        def read(data):
            flat = data.reshape(-1)
            return lax.slice(flat, (offset,), (offset + n,)).reshape(size)
    elif perm is not None:          # a permuted dense block (transposed, channels-last): one slice and a transpose
        phys, inv = tuple(size[d] for d in perm), tuple(perm.index(d) for d in range(len(size)))

        def read(data):
            return lax.slice(data.reshape(-1), (offset,), (offset + n,)).reshape(phys).transpose(inv)
    else:
        itype = jnp.int32 if numel < 2**31 else jnp.int64

        def read(data):
            return data.reshape(-1)[_flat_index(size, stride, offset, itype)]
    return jax.jit(read)


@functools.lru_cache(maxsize=4096)
def _write_kernel(size, stride, offset, numel):
    perm = _dense_order(size, stride)
    if _is_contig(size, stride) or perm is not None:
        perm = perm or tuple(range(len(size)))

        def write(data, value):
            value = value.transpose(perm).reshape(-1).astype(data.dtype)
            flat = lax.dynamic_update_slice(data.reshape(-1), value, (offset,))
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
