"""Starting and stopping DataLoader worker processes, and pickling what they need.

Workers never come from forking the main process (JAX's runtime there is multithreaded), nor from multiprocessing's
spawn (it re-imports the user's __main__, re-running scripts that lack an `if __name__ == "__main__":` guard). They
are forked by a fork server (`_zygote.py`: a fresh interpreter that imported torchlike once and never started JAX),
or, where that is unavailable, started as fresh interpreters with `sys.executable -c BOOTSTRAP`. Three pipes connect
a worker to the main process: tasks in, results out, and a control pipe whose closing tells the worker to stop at
the next task (it also closes if the main process dies).

The dataset, collate_fn and worker_init_fn are pickled once in the main process. Classes and functions defined in the
user's script (__main__), lambdas and local functions cannot be pickled by reference: they are pickled by value with
cloudpickle when it is installed. When nothing works, `UnpicklableWorkerArgs` is raised and the DataLoader falls back
to loading in the main process, with one warning.
"""
from __future__ import annotations

import atexit
import io
import json
import os
import pickle
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import types
from multiprocessing.connection import Connection

BOOTSTRAP = (
    "import os, sys, json\n"
    "sys.path[:0] = json.loads(os.environ.pop('_TORCHLIKE_WORKER_PATH', '[]'))\n"
    "if os.environ.pop('_TORCHLIKE_WORKER_ALIAS', '') == '1':\n"
    "    from torchlike._runner import install_as_torch\n"
    "    install_as_torch()\n"
    "from torchlike.utils.data._worker import _worker_main\n"
    "_worker_main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))\n"
)


ZYGOTE_BOOT = (
    "import os, sys, json\n"
    "sys.path[:0] = json.loads(os.environ.pop('_TORCHLIKE_WORKER_PATH', '[]'))\n"
    "if os.environ.pop('_TORCHLIKE_WORKER_ALIAS', '') == '1':\n"
    "    from torchlike._runner import install_as_torch\n"
    "    install_as_torch()\n"
    "from torchlike.utils.data._zygote import serve\n"
    "serve(int(sys.argv[1]))\n"
)


class UnpicklableWorkerArgs(Exception):
    """The dataset / collate_fn / worker_init_fn cannot be sent to a worker process."""


class _TrackingPickler(pickle.Pickler):
    """A pickler that notes the classes and functions it saves by reference from __main__."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.main_refs = []

    def reducer_override(self, obj):
        if isinstance(obj, (type, types.FunctionType)) and getattr(obj, "__module__", None) == "__main__":
            self.main_refs.append(obj)
        return NotImplemented


def dumps_worker_args(args):
    """Pickle the worker init message; by value (cloudpickle) where by reference cannot work in a fresh process."""
    buf = io.BytesIO()
    pickler = _TrackingPickler(buf)
    problem = None
    try:
        pickler.dump(args)
        if not pickler.main_refs:
            return buf.getvalue()
        problem = f"{pickler.main_refs[0]!r} is defined in the main script"
    except Exception as e:  # noqa: BLE001 - any pickling failure leads to the fallbacks below
        problem = f"{type(e).__name__}: {e}"
    try:
        import cloudpickle
    except ImportError:
        raise UnpicklableWorkerArgs(problem + " (install cloudpickle to send such objects to worker processes)") \
            from None
    try:
        return cloudpickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:  # noqa: BLE001
        raise UnpicklableWorkerArgs(f"{type(e).__name__}: {e}") from None


def _worker_env():
    env = dict(os.environ)
    env["_TORCHLIKE_WORKER_PATH"] = json.dumps([p for p in sys.path if isinstance(p, str)])
    from ... import _runner
    if _runner._installed[0]:
        env["_TORCHLIKE_WORKER_ALIAS"] = "1"
    env["JAX_PLATFORMS"] = "cpu"                    # workers load data on the host; they never take a GPU
    env["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


class _Zygote:
    """Main-process handle on the fork server (started once, on first need)."""

    def __init__(self):
        self.sock, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE_BOOT, str(child.fileno())],
                                         pass_fds=(child.fileno(),), env=_worker_env(), stdin=subprocess.DEVNULL)
        finally:
            child.close()
        self.lock = threading.Lock()
        self.ready = False

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def fork(self, fds):
        """Fork a worker holding `fds` (task read, result write, control read); returns its pid."""
        req = pickle.dumps({"env": _worker_env(), "path": [p for p in sys.path if isinstance(p, str)],
                            "cwd": os.getcwd()})
        with self.lock:
            self.sock.settimeout(300)
            if not self.ready:
                if self.sock.recv(16) != b"R":
                    raise OSError("the DataLoader fork server did not start")
                self.ready = True
            socket.send_fds(self.sock, [req], list(fds))
            answer = self.sock.recv(16)
            if len(answer) != 8:
                raise OSError("the DataLoader fork server stopped")
            return struct.unpack("<q", answer)[0]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.proc.wait(2.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(2.0)


_zygote = [None]
_zygote_lock = threading.Lock()
USE_ZYGOTE = (sys.platform.startswith("linux") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")
              and hasattr(os, "fork"))   # (workers it forks are watched through /proc)


def zygote():
    """The running fork server, started if needed (None where unsupported)."""
    if not USE_ZYGOTE:
        return None
    with _zygote_lock:
        z = _zygote[0]
        if z is None or not z.alive():
            try:
                z = _zygote[0] = _Zygote()
            except OSError:
                return None
        return z


def prestart():
    """Start the fork server now (it boots in the background while the caller goes on)."""
    zygote()


@atexit.register
def _stop_zygote():
    z, _zygote[0] = _zygote[0], None
    if z is not None:
        z.close()


class _ForkedProc:
    """Popen-like handle on a worker forked by the zygote (not our child: it is watched through /proc)."""

    def __init__(self, pid, parent_pid):
        self.pid = pid
        self._parent = parent_pid

    def _ours(self):
        try:
            with open(f"/proc/{self.pid}/status") as fh:
                status = fh.read()
        except OSError:
            return False
        return f"\nPPid:\t{self._parent}\n" in status     # (a zombie still counts: it is finishing its exit)

    def _zombie(self):
        try:
            with open(f"/proc/{self.pid}/stat") as fh:
                return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            return True

    def poll(self):
        return None if self._ours() else -1

    def wait(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while self._ours():
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired("dataloader worker", timeout)
            time.sleep(0.005)
        return -1

    def _signal(self, sig):
        if self._ours() and not self._zombie():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self):
        self._signal(signal.SIGTERM)

    def kill(self):
        self._signal(signal.SIGKILL)


def _start_process(fds, env):
    global USE_ZYGOTE
    z = zygote()
    if z is not None:
        try:
            return _ForkedProc(z.fork(fds), z.pid)
        except OSError:
            USE_ZYGOTE = False          # it could not serve (e.g. JAX started at import): fresh interpreters
    return subprocess.Popen([sys.executable, "-c", BOOTSTRAP] + [str(f) for f in fds], pass_fds=tuple(fds),
                            env=env or _worker_env(), stdin=subprocess.DEVNULL)


_STOP = object()


class WorkerProcess:
    """One worker: the process, its task feeder thread (puts never block) and its result connection."""

    def __init__(self, env=None):
        task_r, task_w = os.pipe()
        res_r, res_w = os.pipe()
        ctl_r, ctl_w = os.pipe()
        try:
            self.proc = _start_process((task_r, res_w, ctl_r), env)
        except BaseException:
            for fd in (task_w, res_r, ctl_w):
                os.close(fd)
            raise
        finally:
            for fd in (task_r, res_w, ctl_r):
                os.close(fd)
        self.pid = self.proc.pid
        self.tasks = Connection(task_w, readable=False)
        self.results = Connection(res_r, writable=False)
        self._ctl_w = ctl_w
        self._queue = queue.SimpleQueue()
        self._feeder = threading.Thread(target=self._feed, name=f"dataloader-feeder-{self.pid}", daemon=True)
        self._feeder.start()

    def _feed(self):
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            try:
                self.tasks.send_bytes(item)
            except (OSError, ValueError):
                return                     # the worker is gone

    def put(self, obj):
        self._queue.put(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))

    def put_bytes(self, data):
        self._queue.put(data)

    def recv(self):
        return pickle.loads(self.results.recv_bytes())

    def is_alive(self):
        return self.proc.poll() is None

    def request_stop(self):
        """Ask the worker to stop: None on the task pipe and the control pipe closed (checked between tasks)."""
        if self._ctl_w is not None:
            self.put(None)
            self._queue.put(_STOP)
            try:
                os.close(self._ctl_w)
            except OSError:
                pass
            self._ctl_w = None

    def drain_until_exit(self, deadline):
        """Wait (until `deadline`, a time.monotonic() value) for the worker to exit, discarding the results it
        still sends: a worker blocked writing a batch nobody will read could not see the stop request."""
        while self.proc.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                if self.results.poll(min(left, 0.01)):
                    self.results.recv_bytes()
            except (EOFError, OSError):
                self.join(max(deadline - time.monotonic(), 0))
                break
        return self.proc.poll() is not None

    def join(self, timeout):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        return self.proc.poll() is not None

    def kill(self):
        """Terminate (then kill) a worker that did not stop by itself, and reap it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            if not self.join(1.0):
                self.proc.kill()
                self.join(1.0)

    def close(self):
        self._feeder.join(timeout=1.0)
        for c in (self.tasks, self.results):
            try:
                c.close()
            except OSError:
                pass
