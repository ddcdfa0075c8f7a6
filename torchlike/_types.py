"""torch.* types and constants: layouts, math constants, Sym types, thread and determinism settings,
empty_strided and frombuffer (PyTorch's semantics; thread counts are recorded, XLA sizes its own pools)."""
from __future__ import annotations

import math
import os
import warnings

import numpy as np

from . import _dtype as D

__all__ = ["layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn",
           "jagged", "e", "pi", "inf", "nan", "newaxis", "SymInt", "SymFloat", "SymBool", "set_num_threads",
           "get_num_threads", "set_num_interop_threads", "get_num_interop_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode", "empty_strided", "frombuffer"]


class layout:
    """torch.layout: how a tensor's elements are laid out; torchlike tensors are all `torch.strided`."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return (_layout_by_name, (self.name,))


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")
_mkldnn = layout("_mkldnn")
jagged = layout("jagged")
_LAYOUTS = {lo.name: lo for lo in (strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc, _mkldnn, jagged)}


def _layout_by_name(name):
    return _LAYOUTS[name]


e = math.e
pi = math.pi
inf = math.inf
nan = math.nan
newaxis = None


class SymInt:
    """torch.SymInt: a symbolic integer of a traced shape. torchlike traces with concrete shapes (XLA programs
    are specialised), so no value is ever one: plain ints are not SymInts, as in PyTorch."""

    def __init__(self, node=None):
        self.node = node


class SymFloat:
    """torch.SymFloat (see SymInt)."""

    def __init__(self, node=None):
        self.node = node


class SymBool:
    """torch.SymBool (see SymInt)."""

    def __init__(self, node=None):
        self.node = node


def _default_threads():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:      # pragma: no cover - not Linux
        return os.cpu_count() or 1


_THREADS = {"intra": int(os.environ.get("OMP_NUM_THREADS", 0)) or _default_threads(),
            "interop": _default_threads(), "interop_set": False}


def set_num_threads(int):  # noqa: A002 - torch's argument name
    if not isinstance(int, (builtins_int,)) or int <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _THREADS["intra"] = int


def get_num_threads():
    return _THREADS["intra"]


def set_num_interop_threads(int):  # noqa: A002
    if _THREADS["interop_set"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    if int <= 0:
        raise RuntimeError("Number of threads must be positive")
    _THREADS["interop"], _THREADS["interop_set"] = int, True


def get_num_interop_threads():
    return _THREADS["interop"]


builtins_int = type(0)
_DET = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Recorded (XLA's CPU kernels are deterministic; index_put/scatter accumulate in a fixed order)."""
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    _DET["mode"], _DET["warn_only"] = mode, bool(warn_only) if mode else False


def are_deterministic_algorithms_enabled():
    return _DET["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    return _DET["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    if isinstance(debug_mode, str):
        levels = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in levels:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = levels[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    return 0 if not _DET["mode"] else (1 if _DET["warn_only"] else 2)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised tensor with the given strides over a storage just large enough for them."""
    from ._ops.creation import empty
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    span = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    base = empty(span, dtype=dtype, device=device)
    out = base.as_strided(size, stride).detach()
    out._base = None
    if requires_grad:
        out.requires_grad_(True)
    return out


_warned_frombuffer = [False]


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing the memory of a Python buffer object (bytearray, array.array, memoryview ...)."""
    from ._ops.creation import from_numpy
    d = D.to_dtype(dtype)
    mv = memoryview(buffer)
    nbytes = mv.nbytes
    if nbytes <= 0:
        raise ValueError(f"both buffer length ({nbytes}) and count ({count}) must not be 0")
    if not 0 <= offset < nbytes:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
                         f"({nbytes} bytes) minus 1")
    if count < 0 and (nbytes - offset) % d.itemsize:
        raise ValueError(f"buffer length ({nbytes - offset} bytes) after offset ({offset} bytes) must be a multiple "
                         f"of element size ({d.itemsize})")
    arr = np.frombuffer(mv, dtype=d.np, count=count, offset=offset)
    if not arr.flags.writeable and not _warned_frombuffer[0]:
        _warned_frombuffer[0] = True
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable tensors. This "
                      "means you can write to the underlying (supposedly non-writable) buffer using the tensor. You "
                      "may want to copy the buffer to protect its data or make it writable before converting it to a "
                      "tensor. This type of warning will be suppressed for the rest of this program.", UserWarning,
                      stacklevel=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = from_numpy(arr if arr.flags.writeable else arr.copy())
    if requires_grad:
        t.requires_grad_(True)
    return t
