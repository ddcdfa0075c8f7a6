"""torch.distributed stores: the Store interface and HashStore, an in-process key-value store (PyTorch's semantics:
values are bytes, `add` keeps a counter, `wait`/`get` time out with DistStoreError)."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

from .distributed_c10d import DistStoreError, default_pg_timeout


class Store:
    """The key-value store interface process groups rendezvous through."""

    def __init__(self):
        self._timeout = default_pg_timeout

    @property
    def timeout(self):
        return self._timeout

    def set_timeout(self, timeout):
        self._timeout = timeout


def _bytes(value):
    return value.encode() if isinstance(value, str) else bytes(value)


class HashStore(Store):
    def __init__(self):
        super().__init__()
        self._data = {}
        self._cond = threading.Condition()

    def set(self, key, value):
        with self._cond:
            self._data[key] = _bytes(value)
            self._cond.notify_all()

    def get(self, key):
        self.wait([key])
        with self._cond:
            return self._data[key]

    def add(self, key, amount):
        with self._cond:
            value = int(self._data.get(key, b"0")) + int(amount)
            self._data[key] = str(value).encode()
            self._cond.notify_all()
            return value

    def compare_set(self, key, expected_value, desired_value):
        with self._cond:
            current = self._data.get(key)
            if (current is None and _bytes(expected_value) == b"") or current == _bytes(expected_value):
                self._data[key] = _bytes(desired_value)
                self._cond.notify_all()
                return self._data[key]
            return _bytes(expected_value) if current is None else current

    def check(self, keys):
        with self._cond:
            return all(k in self._data for k in keys)

    def delete_key(self, key):
        with self._cond:
            return self._data.pop(key, None) is not None

    def num_keys(self):
        with self._cond:
            return len(self._data)

    def wait(self, keys, timeout=None):
        timeout = self._timeout if timeout is None else timeout
        seconds = timeout.total_seconds() if isinstance(timeout, timedelta) else float(timeout)
        deadline = time.monotonic() + seconds
        with self._cond:
            while not all(k in self._data for k in keys):
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    if all(k in self._data for k in keys):
                        break
                    raise DistStoreError(f"Timeout after {int(seconds * 1000)}ms waiting for keys {list(keys)}")


class CoordinatorStore(Store):
    """The store of a multi-process group: JAX's coordination service (the key-value store of jax.distributed,
    served by rank 0 at `address`, host:port). Usable once the process group has joined the runtime."""

    def __init__(self, address):
        super().__init__()
        self.address = address

    @staticmethod
    def _rt():
        from . import _jax_runtime
        if _jax_runtime.client() is None:
            raise DistStoreError("the coordinator store is not connected (no multi-process group)")
        return _jax_runtime

    def _ms(self, timeout=None):
        t = self._timeout if timeout is None else timeout
        return int((t.total_seconds() if isinstance(t, timedelta) else float(t)) * 1000)

    def set(self, key, value):
        self._rt().key_value_set("torchlike/store/" + key, _bytes(value))

    def get(self, key):
        try:
            return self._rt().key_value_get("torchlike/store/" + key, self._ms())
        except DistStoreError:
            raise
        except Exception as e:
            raise DistStoreError(f"Timeout after {self._ms()}ms waiting for keys ['{key}']") from e

    def add(self, key, amount):
        return int(self._rt().client().key_value_increment("torchlike/store/" + key, int(amount)))

    def check(self, keys):
        rt = self._rt()
        return all(rt.key_value_try_get("torchlike/store/" + k) is not None for k in keys)

    def delete_key(self, key):
        had = self.check([key])
        self._rt().key_value_delete("torchlike/store/" + key)
        return had

    def wait(self, keys, timeout=None):
        for k in keys:
            try:
                self._rt().key_value_get("torchlike/store/" + k, self._ms(timeout))
            except DistStoreError:
                raise
            except Exception as e:
                raise DistStoreError(f"Timeout after {self._ms(timeout)}ms waiting for keys {list(keys)}") from e
