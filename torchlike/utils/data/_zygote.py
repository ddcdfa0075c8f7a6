"""The worker fork server ("zygote"): a fresh interpreter that has imported torchlike but never touched JAX's
runtime, and forks DataLoader workers on request, so a worker starts in milliseconds instead of re-importing JAX.

Forking the main process itself would be unsafe (JAX's runtime there is multithreaded); forking the zygote is not:
it runs no JAX computation and has no threads of its own. It never imports the user's __main__ module. It exits
when the main process closes its socket (also when the main process dies). Its children are reaped automatically.
"""
from __future__ import annotations

import os
import pickle
import signal
import socket
import struct
import sys


def serve(fd):
    import numpy  # noqa: F401 - preloaded for the workers
    import torchlike  # noqa: F401
    import torchlike.utils.data._worker  # noqa: F401
    sock = socket.socket(fileno=fd)
    if _jax_started():
        sock.close()                                    # forking now would be unsafe: the main process falls
        os._exit(0)                                     # back to starting fresh interpreters
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)      # children are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # Ctrl-C is for the main process; we end with our socket
    sock.sendall(b"R")
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 3)
        except (OSError, EOFError):
            break
        if not msg:
            break
        pid = os.fork()
        if pid == 0:
            _child(sock, msg, fds)                      # never returns
        for f in fds:
            os.close(f)
        try:
            sock.sendall(struct.pack("<q", pid))
        except OSError:
            break
    os._exit(0)


def _jax_started():
    """Whether importing torchlike started JAX's (multithreaded) runtime in this process."""
    try:
        from jax._src import xla_bridge
        return bool(xla_bridge.backends_are_initialized())
    except (ImportError, AttributeError):
        return False


def _child(sock, msg, fds):
    code = 1
    try:
        sock.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        req = pickle.loads(msg)
        os.environ.clear()
        os.environ.update(req["env"])
        sys.path[:] = req["path"]
        try:
            os.chdir(req["cwd"])
        except OSError:
            pass
        from torchlike.utils.data._worker import _worker_main
        _worker_main(*fds)
        code = 0
    except BaseException:  # noqa: BLE001
        import traceback
        traceback.print_exc()
    os._exit(code)
