"""torch.multiprocessing: Python's multiprocessing (every name of it), plus `spawn`/`start_processes` and the tensor
sharing-strategy switches. Tensors travel between processes by pickling (torchlike tensors pickle their data); the
shared-memory reducers of PyTorch are not installed, so a child's in-place changes are not seen by its parent."""
import multiprocessing
import sys
from multiprocessing import *  # noqa: F401,F403

from .spawn import (  # noqa: F401
    ENV_VAR_PARALLEL_START, ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException,
    SpawnContext, spawn, start_processes,
)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies"] + multiprocessing.__all__

if sys.platform == "darwin" or sys.platform == "win32":
    _sharing_strategy = "file_system"
    _all_sharing_strategies = {"file_system"}
else:
    _sharing_strategy = "file_descriptor"
    _all_sharing_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}")
    _sharing_strategy = new_strategy


def get_sharing_strategy():
    return _sharing_strategy


def get_all_sharing_strategies():
    return _all_sharing_strategies


def init_reductions():
    """PyTorch registers shared-memory reducers for tensors here; torchlike tensors pickle by value."""
