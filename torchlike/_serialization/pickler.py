"""Writing torch.save's data.pkl: PyTorch's pickle of an object, with storages as persistent ids.

A tensor pickles as `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())`
whose storage is the persistent id ('storage', torch.<Type>Storage, key, location, numel); views of one storage
share one key. Every torchlike class or function is written under its torch name (see names.py).
"""
from __future__ import annotations

import collections
import pickle
import types

import numpy as np

from .. import _dtype as D
from . import names, rebuild as R


class _StorageRef:
    """A tensor's storage, as met while pickling (its persistent id is computed by the pickler)."""

    __slots__ = ("storage", "dtype")

    def __init__(self, storage, dtype):
        self.storage, self.dtype = storage, dtype


def location_tag(storage):
    dev = storage.device
    return "cpu" if dev.type == "cpu" else f"{dev.type}:{dev.index or 0}"


def storage_bytes(storage):
    """The storage's bytes: a flat little-endian uint8 NumPy array (device values are copied to the host)."""
    if storage._np is not None:
        arr = storage._np
    else:
        arr = np.asarray(storage._data).reshape(-1)
    arr = np.ascontiguousarray(arr)
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr.view(np.uint8)


class TorchPickler(pickle._Pickler):
    """The pure-Python pickler (it lets us write globals under PyTorch's names) with tensor reducers."""

    def __init__(self, file, protocol):
        super().__init__(file, protocol=protocol)
        self.storages = {}          # key -> torchlike Storage, in first-seen order
        self._keys = {}             # id(Storage) -> key
        self._dtypes = {}

    def persistent_id(self, obj):
        if type(obj) is not _StorageRef:
            return None
        st = obj.storage
        key = self._keys.get(id(st))
        if key is None:
            key = self._keys[id(st)] = str(len(self._keys))
            self.storages[key] = st
        return ("storage", R.BY_DTYPE[st.dtype], key, location_tag(st), st.numel)

    def reducer_override(self, obj):
        from .._tensor import Tensor
        from .._device import device
        from .._size import Size
        if isinstance(obj, Tensor):
            return _reduce_tensor(obj)
        if isinstance(obj, D.dtype):
            return obj.name               # a string: pickled as the global torch.<name>
        if type(obj) is device:
            return (device, (obj.type,) if obj.index is None else (obj.type, obj.index))
        if type(obj) is Size:
            return (Size, (tuple(obj),))
        return NotImplemented

    def save_global(self, obj, name=None):
        mapped = names.torch_name(obj, name)
        if mapped is None:
            return super().save_global(obj, name)
        module, qualname = mapped
        if self.proto >= 4:
            self.save(module)
            self.save(qualname)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + module.encode("utf-8") + b"\n" + qualname.encode("utf-8") + b"\n")
        self.memoize(obj)


def _tensor_args(t):
    """(storage ref, offset, size, stride) of a tensor whose dtype matches its storage's (else a compact copy)."""
    st = t._storage
    if st.dtype is not t._dtype:
        t = t.detach().clone().contiguous()
        st = t._storage
    return (_StorageRef(st, t._dtype), t._offset, tuple(t._size), tuple(t._stride))


def _reduce_tensor(t):
    from .._tensor import Tensor
    from ..nn.parameter import Parameter
    state = t.__dict__ or None
    if isinstance(t, Parameter):
        data = Tensor._wrap(t._storage, t._size, t._stride, t._offset, t._dtype, contig=t._contig)
        if not state:
            return (R._rebuild_parameter, (data, t.requires_grad, collections.OrderedDict()))
        return (R._rebuild_parameter_with_state, (data, t.requires_grad, collections.OrderedDict(), dict(state)))
    args = _tensor_args(t) + (t.requires_grad, collections.OrderedDict())
    if type(t) is Tensor and not state:
        return (R._rebuild_tensor_v2, args)
    return (R._rebuild_from_type_v2, (R._rebuild_tensor_v2, type(t), args, dict(state) if state else None))


def dumps(obj, protocol):
    """(data.pkl bytes, {key: Storage}) for torch.save."""
    import io
    buf = io.BytesIO()
    p = TorchPickler(buf, protocol)
    p.dump(obj)
    return buf.getvalue(), p.storages



# the pure pickler dispatches functions straight to _Pickler.save_global: route them through our override
TorchPickler.dispatch = {**pickle._Pickler.dispatch, types.FunctionType: TorchPickler.save_global}
