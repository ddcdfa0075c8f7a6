"""PyTorch's legacy (pre-1.6, non-zip) format: `torch.save(..., _use_new_zipfile_serialization=False)`.

Layout: pickled magic number, protocol version and sys_info; the pickled object (storages as persistent ids
('storage', type, key, location, numel, None)); the pickled sorted list of storage keys; then, per key, an int64
element count and the raw little-endian bytes.
"""
from __future__ import annotations


import pickle
import struct
import sys

import numpy as np

from . import pickler as P, rebuild as R

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


class _LegacyPickler(P.TorchPickler):
    def persistent_id(self, obj):
        if type(obj) is not P._StorageRef:
            return None
        st = obj.storage
        key = self._keys.get(id(st))
        if key is None:
            key = self._keys[id(st)] = str(id(st))
            self.storages[key] = st
        return ("storage", R.BY_DTYPE[st.dtype], key, P.location_tag(st), st.numel, None)


def save(obj, f, protocol):
    sys_info = dict(protocol_version=PROTOCOL_VERSION, little_endian=sys.byteorder == "little",
                    type_sizes=dict(short=2, int=4, long=4))
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        pickle.dump(header, f, protocol=protocol)
    p = _LegacyPickler(f, protocol)
    p.dump(obj)
    keys = sorted(p.storages)
    pickle.dump(keys, f, protocol=protocol)
    for key in keys:
        st = p.storages[key]
        f.write(struct.pack("<q", st.numel))
        f.write(memoryview(P.storage_bytes(st)).cast("B"))


def load(f, map_location, unpickler_factory, restore):
    def plain_load():
        return unpickler_factory(f).load()

    magic = plain_load()
    if magic != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = plain_load()
    if version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    sys_info = plain_load()
    little = sys_info.get("little_endian", True) if isinstance(sys_info, dict) else True
    loaded = {}

    def persistent_load(saved_id):
        typename = saved_id[0].decode("ascii") if isinstance(saved_id[0], bytes) else saved_id[0]
        data = saved_id[1:]
        if typename == "module":
            return data[0]
        if typename != "storage":
            raise RuntimeError(f"Unknown saved id type: {saved_id[0]}")
        storage_type, key, location, numel, view_metadata = data
        if view_metadata is not None:
            raise RuntimeError("torchlike cannot load legacy storage views")
        dtype = storage_type.dtype
        if key not in loaded:
            ls = R.LoadedStorage(np.zeros(numel * dtype.itemsize, np.uint8), location, key)
            loaded[key] = (restore(ls, location), dtype)
        return R.TypedRef(loaded[key][0], dtype)

    u = unpickler_factory(f)
    u.persistent_load = persistent_load
    result = u.load()
    keys = unpickler_factory(f).load()
    for key in keys:
        ls, dtype = loaded[key]
        (numel,) = struct.unpack("<q" if little else ">q", _read_exact(f, 8))
        raw = np.frombuffer(_read_exact(f, numel * dtype.itemsize), np.uint8)
        if (sys.byteorder == "little") != little and dtype.itemsize > 1:
            raw = raw.view(dtype.np).byteswap().view(np.uint8)
        _fill(ls, raw)
    return result


def _read_exact(f, n):
    data = f.read(n)
    if len(data) != n:
        raise RuntimeError("unexpected EOF, expected %d more bytes. The file might be corrupted." % (n - len(data)))
    return data


def _fill(ls, raw):
    """Put the bytes read after the pickle into the storages the tensors already point to."""
    import jax
    from .. import _device
    ls._raw = raw
    for dtype, st in ls._made.items():
        vals = raw.view(dtype.np)
        if st._np is not None:
            st._np[...] = vals
        else:
            shape = st._data.shape
            st._data = jax.device_put(vals.reshape(shape), _device.jax_device(st.device))
        st.version += 1


