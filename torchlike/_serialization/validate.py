"""Checks on the metadata of a loaded file, made before any of its bytes are viewed as a tensor.

A checkpoint is untrusted input: a tensor's (storage offset, size, stride) and a storage's element count come from
the pickle and must not point outside the bytes actually read. The rules and messages are PyTorch's (Tensor.set_
on a non-resizable storage, c10's computeStorageNbytes and safe_compute_numel; get_storage_from_record).
"""
from __future__ import annotations

import operator

_INT64_MAX = (1 << 63) - 1
_U64 = (1 << 64) - 1

MINIZ_SUFFIX = (" This is an internal miniz error. If you are seeing this error, there is a high likelihood that "
                "your checkpoint file is corrupted. This can happen if the checkpoint was not saved properly, was "
                "transferred incorrectly, or the file was modified after saving.")


def _set_type_error(offset, size, stride):
    def name(v):
        return type(v).__name__
    got = ", ".join(["torch.storage.UntypedStorage"] + [name(v) for v in (offset, size, stride)])
    return TypeError(f"set_() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     " * (torch.Storage source, int storage_offset, tuple of ints size, tuple of ints stride = None)\n")


def _int64(v, what, pos=None):
    """`v` as a Python int (an int64 in PyTorch); bools, floats and others are refused as PyTorch's arg parser does."""
    if isinstance(v, bool) or not hasattr(type(v), "__index__"):
        raise TypeError(what)
    v = operator.index(v)
    if not -(1 << 63) <= v <= _INT64_MAX:
        if pos is None:
            raise ValueError("Overflow when unpacking long long")
        raise TypeError(f"set_(): argument '{what}' failed to unpack the object at pos {pos} with error "
                        "\"Overflow when unpacking long long\"")
    return v


def _ints(seq, what):
    return tuple(_int64(v, what, i + 1) for i, v in enumerate(seq))


def _fmt(seq):
    return "[" + ", ".join(str(v) for v in seq) + "]"


def _mul_u64(a, b):
    """c10::mul_overflows on uint64 operands: (wrapped product, overflowed)."""
    p = (a & _U64) * (b & _U64)
    return p & _U64, p > _U64


def tensor_metadata(storage_offset, size, stride, itemsize, storage_nbytes):
    """Validate a tensor view (offset, size, stride) of a storage of `storage_nbytes` bytes, as
    `torch.empty(0).set_(storage, offset, size, stride)` does for a storage that cannot grow (None: one that can);
    returns (offset, size, stride, bytes the view needs) as Python ints, or raises PyTorch's exception."""
    if not isinstance(size, (tuple, list)) or not isinstance(stride, (tuple, list)):
        raise _set_type_error(storage_offset, size, stride)
    try:
        size, stride = _ints(size, "size"), _ints(stride, "stride")
    except TypeError as e:
        if str(e) in ("size", "stride"):
            raise _set_type_error(storage_offset, size, stride) from None
        raise
    try:
        offset = _int64(storage_offset, "storage_offset")
    except TypeError:
        raise _set_type_error(storage_offset, size, stride) from None
    if len(size) != len(stride):
        raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    numel, overflow = 1, False
    for s in size:                                      # safe_compute_numel: sticky uint64 overflow
        numel, o = _mul_u64(numel, s)
        overflow |= o
    if overflow or numel > _INT64_MAX:
        raise RuntimeError("numel: integer multiplication overflow")
    need = _storage_nbytes(size, stride, itemsize, offset)
    if any(s < 0 for s in size):                        # (PyTorch accepts a negative size next to a 0 one)
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {_fmt(size)}")
    if storage_nbytes is not None and need > storage_nbytes:
        raise RuntimeError("Trying to resize storage that is not resizable")
    return offset, size, stride, need


def _storage_nbytes(size, stride, itemsize, offset):
    """c10 computeStorageNbytes: bytes a view needs (0 for an empty view), with PyTorch's overflow rules."""
    total, overflow = offset + 1, False
    for n, st in zip(size, stride):
        if n == 0:
            return 0
        span, o = _mul_u64(st, n - 1)
        overflow |= o
        total += span
        overflow |= total > _U64
        total &= _U64
    total, o = _mul_u64(total, itemsize)
    if overflow or o or total > _INT64_MAX:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={_fmt(size)} and strides={_fmt(stride)}")
    return total


def storage_nbytes(numel, itemsize):
    """The byte count of a storage from its persistent id's element count (not yet checked against the file)."""
    if isinstance(numel, bool) or not hasattr(type(numel), "__index__"):
        raise TypeError(f"storage element count must be an int, but got {type(numel).__name__}")
    return operator.index(numel) * itemsize


def record_arguments(name, nbytes):
    """PyTorch's reader takes the byte count as an unsigned 64-bit int: a negative or huge one is a TypeError."""
    if not 0 <= nbytes <= _U64:
        raise TypeError("get_storage_from_record(): incompatible function arguments. The following argument types "
                        "are supported:\n    1. (self: torch._C.PyTorchFileReader, arg0: str, arg1: typing.SupportsInt"
                        " | typing.SupportsIndex, arg2: object) -> torch.Tensor\n\nInvoked with: "
                        f"<torch.PyTorchFileReader object>, '{name}', {nbytes}, <class 'torch.storage.UntypedStorage'>")


def record_size(name, record_nbytes, nbytes):
    """get_storage_from_record: the record must hold exactly the storage's bytes."""
    if record_nbytes != nbytes:
        raise RuntimeError(f"record size ({record_nbytes} bytes) does not match expected size ({nbytes} bytes = "
                           f"{nbytes} elements * 1 bytes/element) for dtype Byte")
