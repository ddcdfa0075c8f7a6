"""Small top-level torch.* names of issue 14's census that are not ops: symbolic-shape helpers (on plain Python
numbers, as torch's eager mode sees them), global switches, predicates and aliases onto existing functions.

torchlike/__init__.py star-imports `__all__`; a name some other module already defines there keeps that definition.
"""
from __future__ import annotations

import builtins
import enum
import math
import warnings

__all__ = ["sym_float", "sym_int", "sym_max", "sym_min", "sym_not", "sym_ite", "sym_sqrt", "sym_sum",
           "sym_fresh_size", "sym_constrain_range", "sym_constrain_range_for_size", "typename", "is_storage",
           "is_distributed", "is_inference", "is_anomaly_enabled", "set_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "is_warn_always_enabled", "set_warn_always", "is_inference_mode_enabled",
           "set_flush_denormal", "init_num_threads", "is_vulkan_available", "compiled_with_cxx11_abi",
           "get_device_module", "vmap", "fill", "fill_", "zero_", "detach_", "index_put_", "frobenius_norm",
           "nuclear_norm", "norm_except_dim", "cond", "while_loop", "AggregationType", "AVG", "SUM",
           "set_default_tensor_type", "bilinear", "conv_tbc", "get_file_path",
           "prepare_multiprocessing_environment"]


# --- symbolic shapes: eager values are plain numbers -------------------------------------------------------------

def sym_float(a):
    return float(a)


def sym_int(a):
    return math.trunc(a) if isinstance(a, float) else int(a)


def sym_max(a, b):
    r = builtins.max(a, b)
    return float(r) if isinstance(a, float) or isinstance(b, float) else r


def sym_min(a, b):
    r = builtins.min(a, b)
    return float(r) if isinstance(a, float) or isinstance(b, float) else r


def sym_not(a):
    return not a


def sym_ite(b, t, f):
    return t if b else f


def sym_sqrt(a):
    return math.sqrt(a)


def sym_sum(args):
    return builtins.sum(args)


def sym_fresh_size(expr):
    return expr


def sym_constrain_range(size, *, min=None, max=None):  # noqa: A002
    return None


def sym_constrain_range_for_size(size, *, min=None, max=None):  # noqa: A002
    return None


# --- predicates, switches --------------------------------------------------------------------------------------

def typename(obj):
    from ._tensor import Tensor
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module, qualname = type(obj).__module__ or "", type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def is_storage(obj):
    return type(obj).__name__.endswith("Storage") and type(obj).__module__.startswith("torchlike")


def is_distributed(input):
    return False


def is_inference(input):
    return input.is_inference()


def is_anomaly_enabled():
    from . import autograd
    return autograd.is_anomaly_enabled()


_CHECK_NAN = [True]


def set_anomaly_enabled(enabled, check_nan=True):
    from . import autograd
    autograd._ANOMALY[0] = bool(enabled)
    _CHECK_NAN[0] = bool(check_nan)


def is_anomaly_check_nan_enabled():
    return _CHECK_NAN[0]


_WARN_ALWAYS = [False]


def set_warn_always(b):
    """torch's TORCH_WARN_ONCE switch (torchlike's one-time warnings are Python warnings: 'always' filters them)."""
    _WARN_ALWAYS[0] = bool(b)


def is_warn_always_enabled():
    return _WARN_ALWAYS[0]


def is_inference_mode_enabled():
    from .autograd import grad_mode
    return grad_mode.is_inference_mode_enabled()


def set_flush_denormal(mode):
    """XLA's CPU code flushes denormals on its own terms; like torch on a CPU without the switch, report False."""
    return False


def init_num_threads():
    return None


def is_vulkan_available():
    return False


def compiled_with_cxx11_abi():
    return True


def get_file_path(*path_components):
    import os
    return os.path.join(os.path.dirname(__file__), *path_components)


def prepare_multiprocessing_environment(path):
    return None


def get_device_module(device=None):
    """The device module (torch.cuda, torch.cpu ...) for a device, a device type string or the current device."""
    import importlib
    from ._device import device as _dev
    if device is None:
        from ._device import get_default_device
        name = get_default_device().type
    elif isinstance(device, str):
        name = _dev(device).type
    elif isinstance(device, _dev):
        name = device.type
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    try:
        return importlib.import_module("torchlike." + name)
    except ImportError:
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as 'torch.{name}'.") \
            from None


def set_default_tensor_type(t):
    """Deprecated in torch: the default floating dtype from a tensor type (torch.DoubleTensor or its name)."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    import torchlike
    if isinstance(t, str):
        t = eval(t, {"torch": torchlike})   # noqa: S307  ('torch.DoubleTensor')
    dt = getattr(t, "dtype", None)
    if dt is None or not dt.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    torchlike.set_default_dtype(dt)


# --- aliases onto existing functions -----------------------------------------------------------------------------

def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    from . import func as _func
    return _func.vmap(func, in_dims, out_dims, randomness, chunk_size=chunk_size)


def fill(input, value):
    return input.clone().fill_(value)


def fill_(input, value):
    return input.fill_(value)


def zero_(input):
    return input.zero_()


def detach_(input):
    return input.detach_()


def index_put_(input, indices, values, accumulate=False):
    return input.index_put_(indices, values, accumulate)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    from . import linalg
    return linalg.vector_norm(input, 2, dim=dim, keepdim=keepdim, out=out)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    from . import linalg
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    return linalg.matrix_norm(input, "nuc", dim=(-2, -1) if dim is None else dim, keepdim=keepdim, out=out)


def norm_except_dim(v, pow=2, dim=0):  # noqa: A002
    """The norm of v over every dimension but `dim`, shaped to broadcast against v (weight_norm's g)."""
    if dim == -1:
        return v.norm(pow)
    dims = [d for d in range(v.dim()) if d != dim % v.dim()]
    return v.norm(pow, dim=dims, keepdim=True)


def cond(pred, true_fn, false_fn, operands=()):
    """torch.cond in eager mode: the branch the predicate picks, called on the operands."""
    from ._tensor import Tensor
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError("Expected pred to be bool or single-element tensor, but got "
                               f"{pred}.")
        pred = bool(pred.item())
    return true_fn(*operands) if pred else false_fn(*operands)


def while_loop(cond_fn, body_fn, carried_inputs):
    """torch.while_loop in eager mode: run body_fn while cond_fn holds; returns the final carried values."""
    carried = tuple(carried_inputs)
    while bool(cond_fn(*carried)):
        out = body_fn(*carried)
        carried = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    return carried


class AggregationType(enum.IntEnum):
    SUM = 0
    AVG = 1


SUM, AVG = AggregationType.SUM, AggregationType.AVG


def bilinear(input1, input2, weight, bias=None):
    from .nn import functional as F
    return F.bilinear(input1, input2, weight, bias)


def conv_tbc(input, weight, bias, pad=0):
    """Convolution over (time, batch, channel) input with a (kernel, in, out) weight."""
    from .nn import functional as F
    x = input.permute(1, 2, 0)                      # (batch, channel, time)
    w = weight.permute(2, 1, 0)                     # (out, in, kernel)
    return F.conv1d(x, w, bias, padding=pad).permute(2, 0, 1)
