"""torch.futures: Future (a result that may arrive later, from another thread), collect_all, wait_all."""
from __future__ import annotations

import threading
import traceback
from typing import Generic, TypeVar

__all__ = ["Future", "collect_all", "wait_all"]

T = TypeVar("T")
S = TypeVar("S")


class Future(Generic[T]):
    """torch.futures.Future: set_result / set_exception complete it once; wait() blocks until then and returns the
    value (or raises the exception); then(cb) chains a callback run on completion (its result completes the returned
    Future); add_done_callback(cb) runs cb(fut) on completion."""

    def __init__(self, *, devices=None):
        self._cond = threading.Condition()
        self._done = False
        self._value = None
        self._exc = None
        self._callbacks = []

    def done(self):
        return self._done

    def wait(self):
        with self._cond:
            while not self._done:
                self._cond.wait()
        if self._exc is not None:
            raise self._exc
        return self._value

    def value(self):
        if not self._done:
            raise RuntimeError("Future.value(): the Future is not completed yet; call wait() to block until it is")
        if self._exc is not None:
            raise self._exc
        return self._value

    def _complete(self, value, exc):
        with self._cond:
            if self._done:
                raise RuntimeError("Attempting to mark a completed Future as complete again. Note that a Future can "
                                   "only be marked completed once.")
            self._value, self._exc, self._done = value, exc, True
            callbacks, self._callbacks = self._callbacks, []
            self._cond.notify_all()
        for cb in callbacks:
            cb(self)

    def set_result(self, result):
        self._complete(result, None)

    def set_exception(self, result):
        if not isinstance(result, BaseException):
            raise TypeError(f"{result} is of type {type(result)}, not an Exception.")
        self._complete(None, result)

    def add_done_callback(self, callback):
        with self._cond:
            if not self._done:
                self._callbacks.append(callback)
                return
        callback(self)

    def then(self, callback):
        out = Future()

        def run(fut):
            try:
                out.set_result(callback(fut))
            except Exception as e:          # noqa: BLE001  (PyTorch wraps the callback's error)
                tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
                out.set_exception(RuntimeError(f"Got the following error when running the callback: "
                                               f"{type(e).__name__}: {e}\n\n{tb}"))
        self.add_done_callback(run)
        return out

    def __repr__(self):
        return f"<torch.futures.Future object at {hex(id(self))}>"


def collect_all(futures):
    """A Future completed (with the list of `futures`) once all of them are."""
    out = Future()
    futures = list(futures)
    left = [len(futures)]
    lock = threading.Lock()
    if not futures:
        out.set_result([])
        return out

    def one(_):
        with lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            out.set_result(futures)
    for f in futures:
        f.add_done_callback(one)
    return out


def wait_all(futures):
    """Wait for every Future and return their values (the first error raised is re-raised)."""
    return [f.wait() for f in collect_all(futures).wait()]
