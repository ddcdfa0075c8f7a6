"""UntypedStorage: the user-facing handle on a tensor's Storage (identity, size in bytes)."""
from __future__ import annotations


class UntypedStorage:
    __slots__ = ("_storage",)

    def __init__(self, storage):
        self._storage = storage

    def data_ptr(self):
        st = self._storage
        return id(getattr(st, "_src", st)) * 64      # a reinterpreting view (view_as_real) shares its source's

    def __sizeof__(self):
        """sys.getsizeof counts the data bytes, as torch's _StorageBase.__sizeof__ does (on top of the size of its
        C object, 48 bytes in CPython 64-bit builds, so the totals equal torch's)."""
        return 48 + self._storage.nbytes()

    def nbytes(self):
        return self._storage.nbytes()

    def size(self):
        return self._storage.nbytes()

    def __len__(self):
        return self._storage.nbytes()

    @property
    def device(self):
        return self._storage.device

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and other._storage is self._storage

    def __hash__(self):
        return id(self._storage)

    def __repr__(self):
        return f"torchlike.UntypedStorage(nbytes={self.nbytes()}, device={self.device})"
