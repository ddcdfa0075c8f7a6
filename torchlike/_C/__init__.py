"""torch._C: the internal names libraries reach for (transformers, lightning, accelerate, torchmetrics, timm ...).

There is no C++ extension here: each name is what PyTorch's CPU build answers (JIT fuser switches accept their
setting and report it; TorchScript IR types exist for isinstance checks only), implemented on torchlike's Python
objects (Tensor, Generator, grad mode, the __torch_function__ machinery).
"""
from __future__ import annotations

from ..autograd import grad_mode as _grad_mode
from .._tensor import Tensor as _Tensor
from ..random import Generator  # noqa: F401
from . import _functorch, _nn  # noqa: F401

TensorBase = _Tensor
_TensorBase = _Tensor
_TensorMeta = type(_Tensor)


def _log_api_usage_once(event):
    """Usage logging hook (a no-op, as in PyTorch's open-source builds)."""
    return None


def _log_api_usage_metadata(event, metadata):
    return None


def _get_tracing_state():
    """The TorchScript tracing state: None (torch.jit.trace here never builds TorchScript IR)."""
    return None


def _is_tracing():
    from ..jit._state import is_tracing
    return is_tracing()


def _are_functorch_transforms_active():
    return False


def _set_grad_enabled(mode):
    _grad_mode.set_grad_enabled(mode)


def is_grad_enabled():
    return _grad_mode.is_grad_enabled()


def _get_cudnn_enabled():
    from ..backends import cudnn
    return getattr(cudnn, "enabled", True)


def _set_cudnn_enabled(enabled):
    from ..backends import cudnn
    cudnn.enabled = bool(enabled)


def _cuda_getDeviceCount():
    from .. import cuda
    return cuda.device_count()


def _get_privateuse1_backend_name():
    return "privateuseone"


def _len_torch_dispatch_stack():
    return 0


def _get_accelerator(check=False):
    from .. import accelerator
    return accelerator.current_accelerator(check) if hasattr(accelerator, "current_accelerator") else None


def _get_default_device():
    return "cpu"


def _has_torch_function(args):
    from .. import overrides
    return overrides.has_torch_function(args)


def _has_torch_function_unary(obj):
    from .. import overrides
    return overrides.has_torch_function_unary(obj)


def _has_torch_function_variadic(*args):
    from .. import overrides
    return overrides.has_torch_function_variadic(*args)


# -- JIT switches: TorchScript's fusers do not exist; each switch keeps the value it was given --------------------
_JIT = {"profiling_executor": True, "profiling_mode": True, "texpr_fuser": True, "can_fuse_on_cpu": True,
        "can_fuse_on_gpu": False, "nvfuser": False, "llga": False, "bailout_depth": 20}


def _switch(name):
    def set_(value):
        old = _JIT[name]
        _JIT[name] = value
        return old
    return set_


_jit_set_profiling_executor = _switch("profiling_executor")
_jit_set_profiling_mode = _switch("profiling_mode")
_jit_set_nvfuser_enabled = _switch("nvfuser")
_jit_set_llga_enabled = _switch("llga")
_get_graph_executor_optimize = lambda: True  # noqa: E731
_set_graph_executor_optimize = _switch("profiling_executor")


def _jit_set_texpr_fuser_enabled(value):
    _JIT["texpr_fuser"] = bool(value)


def _jit_texpr_fuser_enabled():
    return _JIT["texpr_fuser"]


def _jit_override_can_fuse_on_cpu(value):
    _JIT["can_fuse_on_cpu"] = bool(value)


def _jit_override_can_fuse_on_gpu(value):
    _JIT["can_fuse_on_gpu"] = bool(value)


def _jit_can_fuse_on_cpu():
    return _JIT["can_fuse_on_cpu"]


def _jit_can_fuse_on_gpu():
    return _JIT["can_fuse_on_gpu"]


def _jit_nvfuser_enabled():
    return _JIT["nvfuser"]


def _jit_llga_enabled():
    return _JIT["llga"]


def _jit_set_nvfuser_guard_mode(value):
    return False


def _jit_set_bailout_depth(depth):
    old = _JIT["bailout_depth"]
    _JIT["bailout_depth"] = depth
    return old


def _jit_set_num_profiled_runs(n):
    return 1


def _jit_set_fusion_strategy(strategy):
    from .. import jit
    return jit.set_fusion_strategy(strategy)


def _jit_is_script_object(obj):
    return False


def _jit_clear_class_registry():
    return None


class Graph:
    """TorchScript IR graph type (never built here: torch.jit's `.graph` is a readable description)."""


class Value:
    """TorchScript IR value type."""


class Node:
    """TorchScript IR node type."""


class ScriptObject:
    pass


class JITException(RuntimeError):
    pass


def __getattr__(name):
    """Names the __torch_function__ machinery (torchlike/_torch_function.py) and other modules own."""
    if name in ("DisableTorchFunction", "DisableTorchFunctionSubclass", "_disabled_torch_function_impl"):
        from .. import _torch_function
        return getattr(_torch_function, name)
    if name in ("default_generator",):
        from .. import random
        return random._default()
    if name in ("ScriptModule", "ScriptFunction"):
        from .. import jit
        return getattr(jit, name)
    if name == "Future":
        from ..futures import Future
        return Future
    if name in ("_len_torch_function_stack", "_push_on_torch_function_stack", "_pop_torch_function_stack",
                "_get_function_stack_at"):
        from .. import _torch_function as tf
        return {"_len_torch_function_stack": lambda: len(tf.MODES), "_push_on_torch_function_stack": tf.push_mode,
                "_pop_torch_function_stack": tf.pop_mode, "_get_function_stack_at": lambda i: tf.MODES[i]}[name]
    if name in ("_is_torch_function_enabled", "_is_torch_function_mode_enabled"):
        from .. import overrides
        return getattr(overrides, name)
    raise AttributeError(f"module 'torch._C' has no attribute '{name}'")
