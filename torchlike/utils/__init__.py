"""torch.utils: data loading, hooks, pytrees, checkpointing, dlpack, flop counting, benchmarking and the rest of
PyTorch's utility modules (submodules other than data load on first use)."""
from __future__ import annotations

import importlib

from . import data  # noqa: F401

_SUBMODULES = ("_pytree", "_contextlib", "_python_dispatch", "backcompat", "benchmark", "checkpoint", "collect_env",
               "cpp_extension", "dlpack", "flop_counter", "hooks", "model_zoo")


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")


def set_module(obj, mod):
    """Set the __module__ attribute of `obj` (torch.utils.set_module)."""
    if not isinstance(mod, str):
        raise TypeError("The mod argument should be a string")
    obj.__module__ = mod
