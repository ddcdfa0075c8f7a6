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

from . import pickler as P, rebuild as R, validate as V

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
    budget = [_bytes_left(f)]          # what the storages claim must fit in the rest of the file

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
            nbytes = V.storage_nbytes(numel, dtype.itemsize)
            if nbytes < 0:
                raise RuntimeError(f"alloc_cpu() seems to have been called with negative number: {nbytes % 2 ** 64}")
            if budget[0] is not None:
                budget[0] -= nbytes + 8
                if budget[0] < 0:
                    raise RuntimeError(f"unexpected EOF: the checkpoint claims a storage of {numel} elements "
                                       f"({nbytes} bytes), more than the file holds. The file might be corrupted.")
            ls = R.LoadedStorage(np.zeros(nbytes, np.uint8), location, key)
            ls.resizable = True
            loaded[key] = (restore(ls, location), dtype, ls)
        return R.TypedRef(loaded[key][0], dtype)

    u = unpickler_factory(f)
    u.persistent_load = persistent_load
    result = u.load()
    keys = unpickler_factory(f).load()
    for key in keys:
        if key not in loaded:
            raise AssertionError(f"storage key {key!r} not found in deserialized_objects")
        ls, dtype, first = loaded[key]
        (numel,) = struct.unpack("<q" if little else ">q", _read_exact(f, 8))
        have = max(ls.nbytes(), first.resized, ls.resized)
        if numel * dtype.itemsize != have:
            # (PyTorch's message, its unformatted %ld included)
            raise RuntimeError(f"storage has wrong byte size: expected %ld got %ld{numel * dtype.itemsize}{have}")
        raw = np.frombuffer(_read_exact(f, numel * dtype.itemsize), np.uint8)
        if (sys.byteorder == "little") != little and dtype.itemsize > 1:
            raw = raw.view(dtype.np).byteswap().view(np.uint8)
        _fill(ls, raw)
    if any(max(v[0].resized, v[2].resized) for v in loaded.values()):
        raise RuntimeError("Trying to resize storage that is not resizable")
    return result


def _bytes_left(f):
    try:
        pos = f.tell()
        end = f.seek(0, 2)
        f.seek(pos)
        return end - pos
    except (OSError, AttributeError, ValueError):
        return None


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


