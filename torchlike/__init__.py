"""torchlike: the PyTorch API on JAX. `import torchlike as torch`, or run a script with `python -m torchlike`."""
from __future__ import annotations

import jax as _jax

_jax.config.update("jax_enable_x64", True)   # int64/float64 are real; every array we make has an explicit dtype
_jax.config.update("jax_default_matmul_precision", "highest")   # torch's default: no TF32 in float32 matmuls
_MATMUL_PRECISION = ["highest"]


def set_float32_matmul_precision(precision):
    """'highest' (default, full float32), 'high' or 'medium' (TF32/bfloat16 passes allowed on GPUs)."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid precision {precision}")
    _jax.config.update("jax_default_matmul_precision", {"highest": "highest", "high": "tensorfloat32",
                                                        "medium": "bfloat16"}[precision])
    _MATMUL_PRECISION[0] = precision


def get_float32_matmul_precision():
    return _MATMUL_PRECISION[0]


def _enable_compilation_cache():
    """JAX's persistent compilation cache, on by default in a per-user folder, so a second run of a script does not
    compile again. TORCHLIKE_CACHE_DIR=<folder> moves it; TORCHLIKE_CACHE_DIR=0 (or an empty value) turns it off."""
    import os
    path = os.environ.get("TORCHLIKE_CACHE_DIR")
    if path is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = os.path.join(base, "torchlike", "jax")
    if path in ("", "0"):
        return
    try:
        _jax.config.update("jax_compilation_cache_dir", path)
        _jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.05)
    except Exception:      # an older JAX without these options: run without the cache
        pass


_enable_compilation_cache()

from . import _dtype  # noqa: E402
from ._dtype import (bfloat16, complex64, complex128, dtype, float16, float32, float64, get_default_dtype,  # noqa
                     int8, int16, int32, int64, promote_types, set_default_dtype, uint8)
from ._dtype import bool_ as bool  # noqa: E402,A001
from ._dtype import (finfo, iinfo, uint16, uint32, uint64, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz,  # noqa
                     float8_e5m2fnuz, complex32)
chalf = complex32
from ._device import device, get_default_device, set_default_device  # noqa: E402
from ._types import (layout, strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc, _mkldnn,  # noqa
                     jagged, e, pi, inf, nan, newaxis, SymInt, SymFloat, SymBool, set_num_threads, get_num_threads,
                     set_num_interop_threads, get_num_interop_threads, use_deterministic_algorithms,
                     are_deterministic_algorithms_enabled, is_deterministic_algorithms_warn_only_enabled,
                     set_deterministic_debug_mode, get_deterministic_debug_mode, empty_strided, frombuffer)
from . import version, __config__  # noqa: E402,F401
from ._layout import channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format  # noqa
from ._size import Size  # noqa: E402
from ._tensor import Tensor  # noqa: E402
from . import _ops  # noqa: E402
from ._ops import creation as _creation, indexing as _indexing, joining as _joining  # noqa: E402
from . import _tensor_methods  # noqa: E402,F401
from . import _tensor_extras  # noqa: E402,F401
from . import _tensor_breadth  # noqa: E402,F401
from . import autograd, cuda, fft, linalg, random  # noqa: E402
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: E402
from ._legacy import CPU_TYPES as _CPU_TYPES  # noqa: E402
from .random import (Generator, bernoulli, get_rng_state, initial_seed, manual_seed, multinomial, normal,  # noqa
                     rand, rand_like, randint, randint_like, randn, randn_like, randperm, seed, set_rng_state)
from ._runner import install_as_torch  # noqa: E402
from ._jax_bridge import from_jax, to_jax  # noqa: E402,F401

float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
cfloat = complex64
cdouble = complex128

globals().update(_CPU_TYPES)
globals().update({k: v for k, v in _ops.FUNCTIONS.items() if k not in globals()})
globals().update({k: v for _m in (_ops.nn_activation, _ops.nn_loss, _ops.nn_misc) for k, v in _m.TORCH_EXTRAS.items()
                  if k not in globals()})

from ._ops.creation import (arange, as_tensor, asarray, empty, empty_like, eye, from_numpy, full, full_like,  # noqa
                            linspace, logspace, ones, ones_like, scalar_tensor, tensor, zeros, zeros_like)
from ._ops.creation import range_ as range  # noqa: E402,A001
from ._ops.indexing import argwhere, masked_select, nonzero  # noqa: E402
from ._ops.joining import broadcast_shapes, broadcast_tensors, meshgrid, repeat_interleave  # noqa: E402

from .torch_version import TorchVersion as _TorchVersion  # noqa: E402
__version__ = _TorchVersion("2.13.0+torchlike")   # compares as a version: __version__ >= "2.10" is True
version.__version__ = __version__
import sys as _sys  # noqa: E402
torch = _sys.modules[__name__]      # torch.torch is the module itself
default_generator = random._default()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


def is_nonzero(input):
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with " + ("no values" if input.numel() == 0 else
                                                              "more than one value") + " is ambiguous")
    return builtins_bool(input.item())


import builtins as _builtins  # noqa: E402
builtins_bool = _builtins.bool


def numel(input):
    return input.numel()


def result_type(tensor1, tensor2):
    return _dtype.result_type(tensor1, tensor2)


def can_cast(from_, to):
    from ._ops.dispatch import can_cast as _cc
    return _cc(from_, to)


def clone(input, *, memory_format=None):
    return input.clone(memory_format=memory_format)


def max(input, *args, out=None, **kwargs):  # noqa: A001
    r = input.max(*args, **kwargs)
    return r if out is None else _ops.dispatch.write_out_named(out, r, "max", exact=True)


def min(input, *args, out=None, **kwargs):  # noqa: A001
    r = input.min(*args, **kwargs)
    return r if out is None else _ops.dispatch.write_out_named(out, r, "min", exact=True)








def detach(input):
    return input.detach()


def adjoint(input):
    return input.adjoint()


def resolve_conj(input):
    return input


def resolve_neg(input):
    return input


def is_conj(input):
    return False


def is_neg(input):
    return False


def _assert(condition, message):
    """torch._assert: a traceable `assert condition, message`."""
    assert condition, message


def _assert_async(input, assert_msg=None):
    """torch._assert_async: RuntimeError unless the one-element tensor is nonzero (checked at once on the host)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"_assert_async(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    n = input.numel()
    if n != 1:
        raise RuntimeError(f"Boolean value of Tensor with {'no values' if n == 0 else 'more than one value'} is "
                           "ambiguous")
    if not builtins_bool(input.item()):
        raise RuntimeError("Expected Tensor with single nonzero value, but got zero" if assert_msg is None
                           else assert_msg or "Assertion is failed")


def equal(input, other):
    """True if both tensors have the same size and elements."""
    for i, (name, v) in enumerate((("input", input), ("other", other))):
        if not isinstance(v, Tensor):
            raise TypeError(f"equal(): argument '{name}' (position {i + 1}) must be Tensor, not {type(v).__name__}")
    if input._size != other._size:
        return False
    return builtins_bool((input == other).all().item())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if isclose(input, other) holds everywhere (after broadcasting)."""
    return builtins_bool(isclose(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan).all().item())  # noqa: F821


def index_put(input, indices, values, accumulate=False):
    return input.index_put(indices, values, accumulate)


_where_op = where  # noqa: F821  (the op-table function)


def where(condition, input=None, other=None, *, out=None):
    """torch.where(cond, x, y), or torch.where(cond) == torch.nonzero(cond, as_tuple=True)."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    return _where_op(condition, input, other, out=out) if out is not None else _where_op(condition, input, other)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    from . import _tensor_str
    _tensor_str.set_printoptions(precision, threshold, edgeitems, linewidth, profile, sci_mode)


def get_printoptions():
    from . import _tensor_str
    return _tensor_str.get_printoptions()


_LAZY_MODULES = ("_dynamo", "accelerator", "distributed", "multiprocessing", "profiler", "fx", "nn", "optim", "utils", "vision", "func", "testing", "serialization", "hub", "distributions",
                 "jit", "onnx", "backends", "special", "amp", "overrides", "_C", "compiler", "futures",
                 "library", "cpu")
_LAZY_ATTRS = {"ops": "_op_namespaces", "UntypedStorage": "_untyped_storage", "PyTorchFileReader": "_serialization.filereader", "autocast": "amp", "from_dlpack": "_dlpack", "to_dlpack": "_dlpack", "save": "serialization", "load": "serialization", "compile": "_compile", "ScriptModule": "jit",
               "Future": "futures",
               "GradScaler": "amp",
               **{n: "_autocast_state" for n in (
                   "is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
                   "autocast_increment_nesting", "autocast_decrement_nesting", "clear_autocast_cache",
                   "is_autocast_cache_enabled", "set_autocast_cache_enabled", "is_autocast_cpu_enabled",
                   "set_autocast_cpu_enabled", "get_autocast_cpu_dtype", "set_autocast_cpu_dtype",
                   "get_autocast_gpu_dtype", "set_autocast_gpu_dtype", "is_autocast_xla_enabled",
                   "set_autocast_xla_enabled", "get_autocast_xla_dtype", "set_autocast_xla_dtype",
                   "is_autocast_ipu_enabled", "set_autocast_ipu_enabled", "get_autocast_ipu_dtype",
                   "set_autocast_ipu_dtype")}}


def __getattr__(name):
    """Submodules (torch.nn, torch.optim, ...) load on first use, keeping `import torchlike` fast."""
    import importlib
    if name in _LAZY_MODULES:
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
    elif name in _LAZY_ATTRS:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY_ATTRS[name]}"), name)
    raise AttributeError(f"module 'torch' has no attribute '{name}'")


_NO_TORCH_FUNCTION = frozenset((
    "install_as_torch", "from_jax", "to_jax", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
    "set_printoptions", "get_printoptions", "set_default_dtype", "get_default_dtype", "promote_types", "can_cast",
    "is_tensor", "is_storage", "is_grad_enabled", "set_float32_matmul_precision", "get_float32_matmul_precision",
    "typename", "set_default_device", "get_default_device", "set_num_threads", "get_num_threads",
    "set_num_interop_threads", "get_num_interop_threads", "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled", "builtins_bool"))


from . import _breadth  # noqa: E402  (small census names; an existing definition wins)
globals().update({_k: getattr(_breadth, _k) for _k in _breadth.__all__ if _k not in globals()})


def _dispatchable_namespace():
    """torch.* functions outside the op table take part in __torch_function__ (modes see factories too)."""
    import types
    from ._torch_function import dispatchable
    g = globals()
    for n, f in list(g.items()):
        if not n.startswith("_") and n not in _NO_TORCH_FUNCTION and isinstance(f, types.FunctionType) and \
                f.__module__.startswith(__name__):
            g[n] = dispatchable(f, python=False)
            g[n].__module__ = __name__


_dispatchable_namespace()


def _freeze_import_objects():
    """Move the objects importing torchlike (and JAX, NumPy) created into the garbage collector's permanent
    generation: they live as long as the process anyway. Full collections, and the scan torchlike.compile makes for
    live tensor storages when it traces a step (_compile/_trace.live_storages), then only visit the user's own
    objects (about 100k fewer on a fresh process). No Storage exists yet at this point."""
    import gc
    gc.freeze()
    return gc.get_freeze_count()


_FROZEN_AT_IMPORT = _freeze_import_objects()
