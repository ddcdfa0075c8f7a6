"""torch.save / torch.load in PyTorch's own file format, so files move both ways between torchlike and PyTorch.

`save` writes PyTorch's zip archive (`<name>/data.pkl`, `<name>/data/<key>` raw little-endian storage bytes, 64-byte
aligned, plus the version/byteorder/alignment records). `load` reads PyTorch's files (and torchlike's) into torchlike
tensors that share storage exactly as the saved ones did; `weights_only=True` (the default, as in PyTorch >= 2.6)
uses a restricted unpickler that runs nothing outside an allowlist.
"""
from __future__ import annotations

import contextlib
import io
import os
import pickle
import sys
import warnings

import numpy as np

from ._serialization import names as _names, pickler as _pickler, rebuild as _rebuild, unpickler as _unpickler
from ._serialization import validate as _validate
from ._serialization.zipfmt import ZipReader, ZipWriter, archive_name_for, is_zipfile as _is_zipfile

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals",
           "get_unsafe_globals_in_checkpoint", "default_restore_location", "location_tag", "DEFAULT_PROTOCOL",
           "save_safetensors", "load_safetensors"]

DEFAULT_PROTOCOL = 2
STORAGE_ALIGNMENT = 64

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from `False` to "
    "`True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can result in "
    "arbitrary code execution. Do it only if you got the file from a trusted source.")
_DOCS_MESSAGE = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
                 "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")

add_safe_globals = _unpickler.add_safe_globals
get_safe_globals = _unpickler.get_safe_globals
clear_safe_globals = _unpickler.clear_safe_globals
location_tag = _pickler.location_tag


class safe_globals:
    """Context manager: allowlist globals for weights_only loads inside the block."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        _unpickler.add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _unpickler.remove_safe_globals(self.safe_globals)


# --- opening files -------------------------------------------------------------------------------------------

def _is_path(f):
    return isinstance(f, (str, os.PathLike))


@contextlib.contextmanager
def _open_for_write(f):
    if _is_path(f):
        path = os.fspath(f)
        parent = os.path.dirname(path)
        if parent and not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")
        with open(path, "wb") as fh:
            yield fh
    else:
        if not hasattr(f, "write"):
            raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a 'write' attribute")
        yield f
        if hasattr(f, "flush"):
            f.flush()


@contextlib.contextmanager
def _open_for_read(f):
    if _is_path(f):
        with open(os.fspath(f), "rb") as fh:
            yield fh
    else:
        if not (hasattr(f, "read") and hasattr(f, "readline") and hasattr(f, "seek")):
            raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'read', 'readline' "
                                 "and 'seek' attribute")
        yield f


# --- save --------------------------------------------------------------------------------------------------------

def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save `obj` to a path or a writable binary file, in PyTorch's format (real PyTorch can load it)."""
    if not _use_new_zipfile_serialization:
        from ._serialization import legacy
        with _open_for_write(f) as stream:
            legacy.save(obj, stream, pickle_protocol)
        return
    data_pkl, storages = _pickler.dumps(obj, pickle_protocol)
    with _open_for_write(f) as stream:
        w = ZipWriter(stream, archive_name_for(f))
        w.write_record("data.pkl", data_pkl)
        w.write_record(".format_version", "1")
        w.write_record(".storage_alignment", str(STORAGE_ALIGNMENT))
        if not _disable_byteorder_record:
            w.write_record("byteorder", "little")
        for key, st in storages.items():
            w.write_record(f"data/{key}", _pickler.storage_bytes(st))
        w.write_record("version", "3\n")
        w.write_record(".data/serialization_id", _serialization_id())
        w.close()


def _serialization_id():
    return "".join(str(b % 10) for b in os.urandom(40))


# --- load --------------------------------------------------------------------------------------------------------

def default_restore_location(storage, location):
    """Put a storage read from a file on the device named by `location` ('cpu', 'cuda', 'cuda:1' ...)."""
    from . import _device, cuda
    loc = location.decode("ascii") if isinstance(location, bytes) else str(location)
    if loc == "cpu":
        return storage.cpu()
    if loc == "cuda" or loc.startswith("cuda:"):
        dev = _device.device(loc)
        if not cuda.is_available():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                               "False. If you are running on a CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the CPU.")
        index = dev.index or 0
        if index >= cuda.device_count():
            raise RuntimeError(f"Attempting to deserialize object on CUDA device {index} but "
                               f"torch.cuda.device_count() is {cuda.device_count()}. Please use torch.load with "
                               "map_location to map your storages to an existing device.")
        return storage.cuda(index)
    raise RuntimeError(f"don't know how to restore data location of torch.storage.UntypedStorage (tagged with {loc})")


def _restore_location(map_location):
    from ._device import device
    if map_location is None:
        return default_restore_location
    if isinstance(map_location, dict):
        return lambda storage, location: default_restore_location(storage, map_location.get(location, location))
    if isinstance(map_location, (str, bytes)):
        loc = map_location.decode() if isinstance(map_location, bytes) else map_location
        return lambda storage, location: default_restore_location(storage, loc)
    if isinstance(map_location, device):
        return lambda storage, location: default_restore_location(storage, str(map_location))

    def restore(storage, location):
        result = map_location(storage, location)
        if result is None:
            result = default_restore_location(storage, location)
        if not isinstance(result, _rebuild.LoadedStorage):
            raise TypeError(f"map_location should return a storage (or None), got {type(result).__name__}")
        return result
    return restore


def _ascii(s):
    return s.decode("ascii") if isinstance(s, bytes) else s


def _load_zip(reader, map_location, unpickler_factory, mmap_array):
    restore = _restore_location(map_location)
    byteorder = reader.get_record("byteorder").decode() if reader.has_record("byteorder") else "little"
    if byteorder not in ("little", "big"):
        raise ValueError("Unknown endianness type: " + byteorder)
    loaded = {}

    def persistent_load(saved_id):
        if not isinstance(saved_id, tuple):
            raise AssertionError(f"saved_id must be a tuple, got {type(saved_id).__name__}")
        typename = _ascii(saved_id[0])
        if typename != "storage":
            raise AssertionError(f"Unknown typename for persistent_load, expected 'storage' but got '{typename}'")
        storage_type, key, location, numel = saved_id[1:]
        dtype = storage_type.dtype
        if key not in loaded:
            # the record must hold exactly the storage's bytes (checked before anything is read or mapped)
            nbytes = _validate.storage_nbytes(numel, dtype.itemsize)
            raw = reader.read_storage(f"data/{key}", nbytes, mmap_array)
            if mmap_array is None:
                raw = np.frombuffer(raw, np.uint8)
            if byteorder != sys.byteorder and dtype.itemsize > 1:
                raw = raw.view(dtype.np).byteswap().view(np.uint8)
            loaded[key] = restore(_rebuild.LoadedStorage(raw, _ascii(location), key), _ascii(location))
        return _rebuild.TypedRef(loaded[key], dtype)

    data = io.BytesIO(reader.get_record("data.pkl"))
    unpickler = unpickler_factory(data)
    unpickler.persistent_load = persistent_load
    return unpickler.load()


def _weights_only_message(message):
    import re
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        return ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check the "
                "recommended steps in the following error message.\n\tWeightsUnpickler error: "
                + message + _DOCS_MESSAGE)
    if re.search(r"(\S+) must be (\S+) to load", message):
        return f"Weights only load failed. {message}\n {UNSAFE_MESSAGE}\n"
    out = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if not re.search(r"whose module (\S+) is blocked", message):
        out += ("Please file an issue with the following so that we can make `weights_only=True` compatible with "
                "your use case: WeightsUnpickler error: ")
    return out + "\n\n" + message + _DOCS_MESSAGE


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load an object saved by torch.save (PyTorch's or torchlike's) as torchlike objects.

    .. warning::
        Loading unpickles the file. With ``weights_only=False`` (or an explicit ``pickle_module``) that is Python's
        full unpickler, which can run any code the file's author chose: **never load data from an untrusted source
        with weights_only=False**. The default, ``weights_only=True``, reads only tensors, primitive types,
        containers and the globals allowlisted with :func:`torchlike.serialization.add_safe_globals` or
        :class:`torchlike.serialization.safe_globals`; anything else raises ``pickle.UnpicklingError`` before it
        runs.

    In every mode the file's tensor metadata is checked before its bytes are used: a storage whose size does not
    match its record, or a view (offset, size, stride) reaching outside its storage, raises PyTorch's RuntimeError.

    Args:
        f: a path (str or os.PathLike) or a binary file object with ``read``, ``readline``, ``tell`` and ``seek``.
        map_location: where storages go: a device, a device string, a dict remapping saved location tags, or a
            callable ``(storage, location) -> storage or None``.
        pickle_module: the module used to unpickle (only with ``weights_only=False``).
        weights_only: restrict unpickling to tensors, primitive types, containers and allowlisted globals.
        mmap: map the file instead of reading the storages into memory (``f`` must be a path).
        pickle_load_args: keyword arguments for the unpickler (``encoding`` defaults to 'utf-8'); only with
            ``weights_only=False``.
    """
    true_values = ("1", "y", "yes", "true")
    force_wo = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    force_no_wo = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    weights_only_not_set = weights_only is None
    if weights_only_not_set:
        weights_only = pickle_module is None
    if force_wo and force_no_wo:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` should "
                           "be set, but both were set.")
    if force_wo:
        weights_only = True
    elif force_no_wo and weights_only_not_set:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` "
                      "argument was not explicitly passed to `torch.load`, forcing weights_only=False.",
                      UserWarning, stacklevel=2)
        weights_only = False
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    elif pickle_module is None:
        pickle_module = pickle
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")
    if _is_path(f) and os.fspath(f).endswith(".safetensors"):
        return load_safetensors(f, device="cpu" if map_location is None else map_location)

    if weights_only:
        def factory(file):
            return _unpickler.WeightsUnpickler(file, encoding=pickle_load_args["encoding"])
    else:
        base = _unpickler.FullUnpickler if pickle_module is pickle else \
            type("FullUnpickler", (pickle_module.Unpickler,), {"find_class": _unpickler.FullUnpickler.find_class})

        def factory(file):
            return base(file, **pickle_load_args)

    with _open_for_read(f) as opened:
        if _is_zipfile(opened):
            reader = ZipReader(opened)
            if reader.has_record("constants.pkl"):
                raise RuntimeError("torchlike cannot load TorchScript archives (this file was written by "
                                   "torch.jit.save)")
            mmap_array = None
            if mmap:
                if not _is_path(f):
                    raise ValueError("f must be a file path in order to use the mmap argument")
                mmap_array = np.memmap(os.fspath(f), dtype=np.uint8, mode="c")
            if weights_only:
                try:
                    return _load_zip(reader, map_location, factory, mmap_array)
                except pickle.UnpicklingError as e:
                    raise pickle.UnpicklingError(_weights_only_message(str(e))) from None
            return _load_zip(reader, map_location, factory, mmap_array)
        if mmap:
            f_name = "" if not isinstance(f, str) else f"{f}, "
            raise RuntimeError("mmap can only be used with files saved with "
                               f"`torch.save({f_name}_use_new_zipfile_serialization=True), please torch.save your "
                               "checkpoint with this option in order to use mmap.")
        from ._serialization import legacy
        if weights_only:
            try:
                return legacy.load(opened, map_location, factory, _restore_location(map_location))
            except pickle.UnpicklingError as e:
                raise pickle.UnpicklingError(_weights_only_message(str(e))) from None
        return legacy.load(opened, map_location, factory, _restore_location(map_location))


def get_unsafe_globals_in_checkpoint(f):
    """The globals in a checkpoint that weights_only=True would refuse (the pickle is read, never run)."""
    allowed = set(_names.weights_only_allowed()) | set(_unpickler._user_allowed())
    with _open_for_read(f) as opened:
        if not _is_zipfile(opened):
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        data = io.BytesIO(ZipReader(opened).get_record("data.pkl"))
    return sorted(g for g in _unpickler.get_globals_in_pkl(data) if g not in allowed)


def load_safetensors(filename, device="cpu"):
    from ._serialization import safetensors
    return safetensors.load_file(filename, device=device)


def save_safetensors(tensors, filename, metadata=None):
    from ._serialization import safetensors
    return safetensors.save_file(tensors, filename, metadata=metadata)
