"""What a loaded pickle calls to rebuild tensors (torch._utils._rebuild_tensor_v2 and friends), and the storage
objects it receives.

A record `data/<key>` is read once into a LoadedStorage (raw bytes plus the device it goes to); each tensor built
from it is a view (size, stride, offset) of one shared torchlike Storage, so views saved together load back sharing
memory, as in PyTorch.
"""
from __future__ import annotations

import collections

import numpy as np

from .. import _device, _dtype as D
from . import validate

# legacy storage class name of each dtype, as pickled by PyTorch ('torch.FloatStorage' ...)
STORAGE_NAMES = {d: d._legacy.replace("Tensor", "Storage") for d in D.ALL}


class _StorageType:
    """torch.FloatStorage & co. as pickle globals: only their dtype matters."""

    dtype = None

    def __init__(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} is only a serialization tag in torchlike")


STORAGE_TYPES = {name: type(name, (_StorageType,), {"dtype": d, "__module__": "torchlike._serialization.rebuild"})
                 for d, name in STORAGE_NAMES.items()}
BY_DTYPE = {d: STORAGE_TYPES[name] for d, name in STORAGE_NAMES.items()}


class UntypedStorageTag(_StorageType):
    """torch.storage.UntypedStorage in a pickle: bytes, reinterpreted by _rebuild_tensor_v3."""

    dtype = D.uint8


class LoadedStorage:
    """The bytes of one record and where they will live; what a map_location callable receives and returns."""

    def __init__(self, raw, location, key=None):
        self._raw = raw                # 1-d uint8 NumPy array (possibly memory-mapped)
        self.location = location
        self.key = key
        self._device = None            # set by the restore step
        self._made = {}                # dtype -> torchlike Storage
        self.resizable = False         # legacy format: views may claim more bytes than the storage (an error later)
        self.resized = 0               # the most bytes a view claimed

    # the small part of the torch.UntypedStorage API that map_location callables use
    @property
    def device(self):
        return self._device if self._device is not None else _device.device(self.location)

    def nbytes(self):
        return self._raw.nbytes

    size = nbytes

    def __len__(self):
        return self._raw.nbytes

    def _moved(self, dev):
        out = LoadedStorage(self._raw, self.location, self.key)
        out._device = _device.canonical(dev)
        out.resizable = self.resizable
        return out

    def cpu(self):
        return self._moved("cpu")

    def cuda(self, device=None, non_blocking=False):
        if isinstance(device, int):
            return self._moved(_device.device("cuda", device))
        return self._moved(device if device is not None else "cuda")

    def to(self, device=None, non_blocking=False):
        return self._moved(device)

    def __repr__(self):
        return f"torchlike serialized storage (nbytes={self.nbytes()}, location={self.location})"

    # turning bytes into a torchlike Storage
    def storage_for(self, dtype, shape=None):
        """The shared torchlike Storage of this record viewed as `dtype` (made on first use)."""
        st = self._made.get(dtype)
        if st is None:
            st = self._made[dtype] = _make_storage(self._raw, dtype, self._device or _device.CPU, shape)
        return st


def _make_storage(raw, dtype, dev, shape):
    import jax
    from .._storage import Storage
    n = raw.nbytes // dtype.itemsize
    flat = raw[:n * dtype.itemsize].view(dtype.np)
    if isinstance(raw, np.memmap) and dev.type == "cpu":
        return Storage(None, dev, dtype, np_buffer=flat)      # mmap=True: values stay in the (copy-on-write) map
    arr = flat.reshape(shape) if shape is not None else flat
    return Storage(jax.device_put(arr, _device.jax_device(dev)), dev, dtype)


class TypedRef:
    """A (LoadedStorage, dtype) pair: the storage argument of _rebuild_tensor_v2."""

    __slots__ = ("loaded", "dtype")

    def __init__(self, loaded, dtype):
        self.loaded, self.dtype = loaded, dtype


def _contiguous(size, stride):
    from .._storage import contiguous_strides
    return tuple(stride) == contiguous_strides(tuple(size))


def _tensor_from(storage, storage_offset, size, stride, dtype):
    import math
    from .._tensor import Tensor
    if isinstance(storage, TypedRef):
        nbytes = storage.loaded.nbytes()
    elif hasattr(storage, "_storage"):            # a torchlike UntypedStorage
        nbytes = storage._storage.nbytes()
    else:
        raise TypeError(f"cannot rebuild a tensor from {type(storage).__name__}")
    # untrusted metadata: the view must lie inside the storage's bytes (PyTorch's set_ checks and errors)
    resizable = isinstance(storage, TypedRef) and storage.loaded.resizable
    storage_offset, size, stride, need = validate.tensor_metadata(storage_offset, size, stride, dtype.itemsize,
                                                                  None if resizable else nbytes)
    if not isinstance(storage, TypedRef):
        return Tensor._wrap(storage._storage, size, stride, storage_offset, dtype)
    loaded = storage.loaded
    if need > nbytes:                             # legacy files: PyTorch grows the storage, then fails reading it
        loaded.resized = max(loaded.resized, need)
    whole = storage_offset == 0 and _contiguous(size, stride) and math.prod(size) == nbytes // dtype.itemsize
    st = loaded.storage_for(dtype, size if whole and dtype not in loaded._made else None)
    return Tensor._wrap(st, size, stride, storage_offset, dtype)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _tensor_from(storage, storage_offset, size, stride, storage.dtype)


def _apply_metadata(t, metadata):
    """PyTorch's lazy conj/neg bits (saved as metadata): torchlike has none, so the values are materialised."""
    if not metadata or not (metadata.get("conj") or metadata.get("neg")):
        return t
    import jax.numpy as jnp
    from .._tensor import from_array
    v = t._value()
    if metadata.get("neg"):
        v = -v
    if metadata.get("conj"):
        v = jnp.conj(v)
    return from_array(v, t.dtype, t.device)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    t = _apply_metadata(_tensor_from(storage, storage_offset, size, stride, storage.dtype), metadata)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    if isinstance(storage, TypedRef):
        storage = TypedRef(storage.loaded, dtype)
    t = _apply_metadata(_tensor_from(storage, storage_offset, size, stride, dtype), metadata)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from ..nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _set_obj_state(obj, state):
    if isinstance(state, tuple):
        if len(state) != 2:
            raise RuntimeError(f"Invalid serialized state: {state}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for k, v in (dict_state or {}).items():
        setattr(obj, k, v)
    for k, v in (slots_state or {}).items():
        setattr(obj, k, v)
    return obj


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_obj_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    ret = func(*args)
    if type(ret) is not new_type:
        ret = _as_subclass(ret, new_type)
    setstate = getattr(type(ret), "__setstate__", None)
    if setstate is not None and getattr(setstate, "__qualname__", "").split(".")[0] not in ("Tensor", "object"):
        ret.__setstate__(state)
        return ret
    return _set_obj_state(ret, state)


def _as_subclass(t, cls):
    from .._tensor import Tensor
    out = cls._wrap(t._storage, t._size, t._stride, t._offset, t._dtype) if issubclass(cls, Tensor) else cls(t)
    out._requires_grad = t._requires_grad
    return out


def _rebuild_device_tensor_from_numpy(data, dtype, device, requires_grad):
    from .._ops.creation import tensor
    t = tensor(data, dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    t = data.to(dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad = True
    return t


def _get_layout(name):
    return name


def _empty_hooks():
    return collections.OrderedDict()
