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

    def save(self, obj, save_persistent_id=True):
        if type(obj) is not dict and isinstance(obj, dict) and id(obj) not in self.memo and _reduces_to_dict(obj):
            self.save_dict(obj)             # e.g. a Module's parameter registry: a plain dict, as in PyTorch's pickle
            return
        super().save(obj, save_persistent_id)

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


def _reduces_to_dict(obj):
    """A dict subclass that declares (by its __reduce_ex__) that it pickles as a plain dict of its items."""
    reduce_ex = getattr(type(obj), "__reduce_ex__", None)
    if reduce_ex is None or reduce_ex is dict.__reduce_ex__:
        return False
    rv = obj.__reduce_ex__(2)
    return isinstance(rv, tuple) and len(rv) == 2 and rv[0] is dict


def _tensor_args(t):
    """(storage ref, offset, size, stride) of a tensor whose dtype matches its storage's (else a compact copy)."""
    st = t._storage
    if st.dtype is not t._dtype:
        t = t.detach().clone().contiguous()
        st = t._storage
    return (_StorageRef(st, t._dtype), t._offset, tuple(t._size), tuple(t._stride))


# torchlike keeps some per-tensor implementation state in the tensor's __dict__ (PyTorch keeps it in C++, out of
# pickles): the cached leaf accumulator and leaf hooks (autograd), forward-AD tangents, pinned/inference flags, the
# jax bridge's placeholder. None of it is saved.
_PRIVATE_STATE = frozenset({"_accumulate", "_leaf_hooks", "_post_acc_hooks", "_fw_tangent", "_inference", "_pinned",
                            "_placeholder"})


def _tensor_state(t):
    """The Python attributes PyTorch would pickle with the tensor (None when there are none)."""
    d = t.__dict__
    if not d:
        return None
    state = {k: v for k, v in d.items() if k not in _PRIVATE_STATE}
    return state or None


def _reduce_tensor(t):
    from .._tensor import Tensor
    from ..nn.parameter import Parameter
    state = _tensor_state(t)
    if isinstance(t, Parameter):
        data = Tensor._wrap(t._storage, t._size, t._stride, t._offset, t._dtype, contig=t._contig)
        if not state:
            return (R._rebuild_parameter, (data, t.requires_grad, collections.OrderedDict()))
        return (R._rebuild_parameter_with_state, (data, t.requires_grad, collections.OrderedDict(), state))
    args = _tensor_args(t) + (t.requires_grad, collections.OrderedDict())
    if type(t) is Tensor and not state:
        return (R._rebuild_tensor_v2, args)
    return (R._rebuild_from_type_v2, (R._rebuild_tensor_v2, type(t), args, state))


def dumps(obj, protocol):
    """(data.pkl bytes, {key: Storage}) for torch.save."""
    import io
    buf = io.BytesIO()
    p = TorchPickler(buf, protocol)
    p.dump(obj)
    return buf.getvalue(), p.storages



# the pure pickler dispatches functions straight to _Pickler.save_global: route them through our override
TorchPickler.dispatch = {**pickle._Pickler.dispatch, types.FunctionType: TorchPickler.save_global}
