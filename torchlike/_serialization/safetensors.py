"""The safetensors format, written and read by hand (no safetensors package needed).

File: an 8-byte little-endian header length, a JSON header {name: {"dtype", "shape", "data_offsets"}, optional
"__metadata__": {str: str}} padded with spaces to 8 bytes, then the tensors' little-endian bytes.
"""
from __future__ import annotations

import json
import os
import struct

import numpy as np

from .. import _dtype as D

CODES = {"bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32", "int64": "I64",
         "float16": "F16", "bfloat16": "BF16", "float32": "F32", "float64": "F64", "complex64": "C64"}
FROM_CODE = {v: k for k, v in CODES.items()}


def _bytes_of(name, t):
    if not t.is_contiguous():
        raise ValueError(f"You are trying to save a non contiguous tensor: `{name}` which is not allowed. It either "
                         "means you are trying to save tensors which are reference of each other in which case it's "
                         "recommended to save only the full tensors, and reslice at load time, or simply call "
                         "`.contiguous()` on your tensor to pack it before saving.")
    if t.dtype.name not in CODES:
        raise ValueError(f"safetensors cannot store {t.dtype}")
    return np.ascontiguousarray(np.asarray(t.detach()._value())).reshape(-1).view(np.uint8)


def _check_shared(tensors):
    seen = {}
    for name, t in tensors.items():
        if t.numel() == 0:
            continue
        seen.setdefault(id(t._storage), []).append(name)
    shared = [names for names in seen.values() if len(names) > 1]
    if shared:
        raise RuntimeError(f"\n            Some tensors share memory, this will lead to duplicate memory on disk and "
                           f"potential differences when loading them again: {shared}.\n            A potential way to "
                           "correctly save your model is to use `save_model`.\n            More information at "
                           "https://huggingface.co/docs/safetensors/torch_shared_tensors\n            ")


def save_file(tensors, filename, metadata=None):
    """Write a dict of tensors to a .safetensors file."""
    from .._tensor import Tensor
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise ValueError(f"Key `{name}` is invalid, expected torch.Tensor but received {type(t)}")
    _check_shared(tensors)
    order = sorted(tensors, key=lambda n: (-tensors[n].dtype.itemsize, n))
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in order:
        b = _bytes_of(name, tensors[name])
        header[name] = {"dtype": CODES[tensors[name].dtype.name], "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + b.nbytes]}
        blobs.append(b)
        offset += b.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((-len(text)) % 8)
    with open(os.fspath(filename), "wb") as fh:
        fh.write(struct.pack("<Q", len(text)))
        fh.write(text)
        for b in blobs:
            fh.write(memoryview(b))


def load_file(filename, device="cpu"):
    """Read a .safetensors file into a dict of tensors (on `device`)."""
    import jax
    from .. import _device
    from .._tensor import from_array
    with open(os.fspath(filename), "rb") as fh:
        data = fh.read()
    if len(data) < 8:
        raise RuntimeError("Error while deserializing header: HeaderTooSmall")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise RuntimeError("Error while deserializing header: InvalidHeaderDeserialization")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    buf = memoryview(data)[8 + n:]
    dev = _device.canonical(str(device) if not isinstance(device, _device.device) else device)
    out = {}
    for name, info in header.items():
        dt = D._NAMES[FROM_CODE[info["dtype"]]]
        begin, end = info["data_offsets"]
        arr = np.frombuffer(buf[begin:end], dtype=dt.np).reshape(info["shape"])
        out[name] = from_array(jax.device_put(arr, _device.jax_device(dev)), dt, dev)
    return out


def load_metadata(filename):
    with open(os.fspath(filename), "rb") as fh:
        (n,) = struct.unpack("<Q", fh.read(8))
        return json.loads(fh.read(n).decode("utf-8")).get("__metadata__")
