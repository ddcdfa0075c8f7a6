"""torch.PyTorchFileReader (torch._C.PyTorchFileReader): the record-level reader of PyTorch's zip archives that
libraries use for lazy loading (lightning's _lazy_load): records by name and storages read from records."""
from __future__ import annotations

import os

from .zipfmt import ZipReader


class PyTorchFileReader:
    def __init__(self, name_or_buffer):
        if isinstance(name_or_buffer, (str, os.PathLike)):
            self._owned = open(name_or_buffer, "rb")
            stream = self._owned
        else:
            self._owned = None
            stream = name_or_buffer
        self._reader = ZipReader(stream)

    def get_record(self, name):
        return self._reader.get_record(name)

    def has_record(self, name):
        return self._reader.has_record(name)

    def get_all_records(self):
        return self._reader.get_all_records()

    def get_record_offset(self, name):
        return self._reader.get_record_offset(name)

    def get_storage_from_record(self, name, numel, dtype):
        """As PyTorch: an empty tensor of `dtype` over a storage holding the record's `numel` elements (`dtype` may be
        a storage class such as torch.UntypedStorage: bytes)."""
        import numpy as np

        from .._tensor import Tensor  # noqa: F401  (the op table is loaded with torchlike)
        import torchlike
        from .._dtype import dtype as _dtype_cls, scalar_type_name, uint8
        if not isinstance(dtype, _dtype_cls):
            dtype = uint8
        raw = self.get_record(name)
        nbytes = numel * dtype.itemsize
        if len(raw) != nbytes:          # as PyTorch: the record must hold exactly numel elements
            raise RuntimeError(f"record size ({len(raw)} bytes) does not match expected size ({nbytes} bytes = "
                               f"{numel} elements * {dtype.itemsize} bytes/element) for dtype "
                               f"{scalar_type_name(dtype)}")
        data = np.frombuffer(raw, dtype=np.uint8).copy()
        return torchlike.from_numpy(data).view(dtype)[:0]

    def __del__(self):
        if getattr(self, "_owned", None) is not None:
            self._owned.close()
