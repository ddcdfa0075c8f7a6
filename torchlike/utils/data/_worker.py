"""DataLoader worker processes: the code that runs inside a worker, plus what the main process needs to read it.

A worker is never a fork of the main process (JAX's runtime there is multithreaded): `_launch.py` forks it from the
fork server (`_zygote.py`, an interpreter that imported torchlike but never started a JAX backend) or, where that is
unavailable, starts a fresh interpreter with a tiny bootstrap. Neither imports the user's __main__ module, so
scripts without an `if __name__ == "__main__":` guard are not re-run. The worker reads one init message (the pickled dataset, collate_fn, worker_init_fn and seeds), then
answers (task_index, batch_indices) messages with (task_index, batch) until it reads None or its pipe closes. Batches
travel as NumPy arrays (`ship`/`unship`) and become tensors again in the main process.
"""
from __future__ import annotations

import collections
import os
import pickle
import random
import sys
import traceback
from dataclasses import dataclass

__all__ = ["WorkerInfo", "get_worker_info", "ExceptionWrapper"]

_worker_info = None


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What get_worker_info() returns inside a worker: id, num_workers, seed and this worker's dataset copy."""

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """Inside a DataLoader worker, its WorkerInfo; in the main process, None."""
    return _worker_info


class KeyErrorMessage(str):
    """str whose repr is itself, so a KeyError re-raised from a worker shows its traceback readably."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception type plus its formatted traceback, to re-raise in another process."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            exception = None        # no frame -> exception -> traceback -> frame cycle keeping the iterator alive


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    seed: object = None


def _generate_state(base_seed, worker_id):
    """PyTorch's NumPy seed for a worker: a SeedSequence-like hash of (worker_id, base_seed), four uint32 words."""
    mask = 0xFFFFFFFF
    entropy = [worker_id, base_seed & mask, base_seed >> 32, 0]
    mult_a = [0x43B0D7E5]

    def hash_(value):
        value = (value ^ mult_a[0]) & mask
        mult_a[0] = (mult_a[0] * 0x931E8875) & mask
        value = (value * mult_a[0]) & mask
        return (value ^ (value >> 16)) & mask

    def mix(x, y):
        r = (((0xCA01F9DD * x) & mask) - ((0x4973F715 * y) & mask)) & mask
        return (r ^ (r >> 16)) & mask

    pool = [hash_(e) for e in entropy]
    for src in range(4):
        for dst in range(4):
            if src != dst:
                pool[dst] = mix(pool[dst], hash_(pool[src]))
    mult_b = 0x8B51F9DD
    state = []
    for v in pool:
        v = (v ^ mult_b) & mask
        mult_b = (mult_b * 0x58F38DED) & mask
        v = (v * mult_b) & mask
        state.append((v ^ (v >> 16)) & mask)
    return state


# --- transport: tensors travel as NumPy arrays ------------------------------------------------------------------

class _Shipped:
    """A tensor in transit: its values as a C-contiguous NumPy array, its dtype name and requires_grad."""

    __slots__ = ("array", "dtype", "requires_grad")

    def __init__(self, array, dtype, requires_grad):
        self.array, self.dtype, self.requires_grad = array, dtype, requires_grad

    def __reduce__(self):
        return (_Shipped, (self.array, self.dtype, self.requires_grad))


def _tensor_to_numpy(t):
    import numpy as np
    from ..._storage import numpy_view
    st = t._storage
    if st._np is not None:
        return np.array(numpy_view(st._np, t._size, t._stride, t._offset), order="C")
    return np.asarray(t._value())


def ship(obj):
    """Replace the plain tensors inside lists/tuples/dicts/namedtuples by _Shipped NumPy copies."""
    from ..._tensor import Tensor
    if type(obj) is Tensor and obj.device.type == "cpu":
        return _Shipped(_tensor_to_numpy(obj), obj.dtype.name, obj.requires_grad)
    return _map_containers(obj, ship)


def unship(obj):
    """Inverse of ship(), in the main process: _Shipped arrays become tensors again."""
    if type(obj) is _Shipped:
        import jax
        from ... import _device, _dtype as D
        from ..._tensor import from_array
        t = from_array(jax.device_put(obj.array, _device.jax_device(_device.CPU)), D.to_dtype(obj.dtype),
                       _device.CPU)           # batches are CPU tensors, as in PyTorch, whatever JAX's default device
        if obj.requires_grad:
            t.requires_grad_(True)
        return t
    return _map_containers(obj, unship)


def _map_containers(obj, fn):
    t = type(obj)
    if t is list:
        return [fn(x) for x in obj]
    if t is tuple:
        return tuple(fn(x) for x in obj)
    if t is dict:
        return {k: fn(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return t(*(fn(x) for x in obj))
    if t is collections.OrderedDict:
        return collections.OrderedDict((k, fn(v)) for k, v in obj.items())
    return obj


# --- the worker process ------------------------------------------------------------------------------------------

def _seed_everything(base_seed, worker_id):
    import torchlike
    seed = base_seed + worker_id
    random.seed(seed)
    torchlike.manual_seed(seed)
    try:
        import numpy as np
        np.random.seed(_generate_state(base_seed, worker_id))
    except ImportError:  # pragma: no cover
        pass
    return seed


def _send(results, idx, data, worker_id):
    try:
        payload = pickle.dumps((idx, ship(data)), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - a batch that cannot be pickled is reported, not fatal
        payload = pickle.dumps((idx, ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")))
    results.send_bytes(payload)


def _stop_requested(ctl_fd):
    """True once the main process closed the control pipe (shutdown) or died."""
    import select
    return bool(select.select([ctl_fd], [], [], 0)[0])


def _worker_loop(tasks, results, ctl_fd):
    global _worker_info
    from . import _fetch
    init = pickle.loads(tasks.recv_bytes())
    raw = tasks.recv_bytes()
    try:
        init.update(pickle.loads(raw))
    except Exception:  # noqa: BLE001 - e.g. a dataset class this interpreter cannot import
        _answer_with_error(tasks, results, ExceptionWrapper(where="in DataLoader worker process (unpickling the "
                                                                  "dataset)"))
        return
    del raw
    kind, dataset, auto_collation, collate_fn, drop_last = (init["kind"], init["dataset"], init["auto_collation"],
                                                           init["collate_fn"], init["drop_last"])
    worker_id, base_seed = init["worker_id"], init["base_seed"]
    seed = _seed_everything(base_seed, worker_id)
    _worker_info = WorkerInfo(id=worker_id, num_workers=init["num_workers"], seed=seed, dataset=dataset)
    init_exception = None
    fetcher = None
    try:
        if init["worker_init_fn"] is not None:
            init["worker_init_fn"](worker_id)
        fetcher = _fetch.create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last)
    except Exception:  # noqa: BLE001
        init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
    iteration_end = False
    while True:
        try:
            r = pickle.loads(tasks.recv_bytes())
        except (EOFError, OSError):
            break                      # the main process is gone or closed our pipe
        if r is None or _stop_requested(ctl_fd):
            break
        if isinstance(r, _ResumeIteration):
            results.send_bytes(pickle.dumps((r, None)))
            iteration_end = False
            fetcher = _fetch.create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last)
            continue
        if iteration_end:
            continue
        idx, index = r
        if init_exception is not None:
            data, init_exception = init_exception, None
        else:
            try:
                data = fetcher.fetch(index)
            except StopIteration:
                if kind == _fetch.ITERABLE:
                    data = _IterableDatasetStopIteration(worker_id)
                    iteration_end = True
                else:
                    data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            except Exception:  # noqa: BLE001
                data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
        _send(results, idx, data, worker_id)
        del data, idx, index, r


def _answer_with_error(tasks, results, error):
    """Answer every task with `error` until told to stop (the worker could not set itself up)."""
    while True:
        try:
            r = pickle.loads(tasks.recv_bytes())
        except (EOFError, OSError):
            return
        if r is None:
            return
        if isinstance(r, _ResumeIteration):
            results.send_bytes(pickle.dumps((r, None)))
            continue
        results.send_bytes(pickle.dumps((r[0], error)))


def _worker_main(read_fd, write_fd, ctl_fd):
    """Entry point of a worker process (see _launch.BOOTSTRAP)."""
    from multiprocessing.connection import Connection
    tasks = Connection(read_fd, writable=False)
    results = Connection(write_fd, readable=False)
    try:
        _worker_loop(tasks, results, ctl_fd)
    except KeyboardInterrupt:
        pass
    except (BrokenPipeError, ConnectionResetError):
        pass                           # the main process stopped listening
    finally:
        try:
            results.close()
            tasks.close()
        except OSError:
            pass
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(0)
