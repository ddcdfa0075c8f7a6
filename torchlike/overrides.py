"""torch.overrides: the __torch_function__ protocol (Tensor subclasses, Tensor-likes and TorchFunctionMode).

The machinery lives in torchlike/_torch_function.py; this module is PyTorch's public API over it.
"""
from __future__ import annotations

import contextlib
import functools
import types as _types
import warnings

from . import _torch_function as _tf
from ._torch_function import DisableTorchFunction, DisableTorchFunctionSubclass, _disabled_torch_function_impl

__all__ = ["get_ignored_functions", "get_overridable_functions", "get_testing_overrides", "handle_torch_function",
           "has_torch_function", "resolve_name", "is_tensor_like", "is_tensor_method_or_property",
           "wrap_torch_function", "enable_reentrant_dispatch", "TorchFunctionMode", "get_default_nowrap_functions",
           "BaseTorchFunctionMode"]


def _tensor():
    from ._tensor import Tensor
    return Tensor


def has_torch_function(relevant_args) -> bool:
    """True if a mode is active or an element of `relevant_args` has a __torch_function__ of its own (exact
    Tensors and Parameters do not count)."""
    if _tf.S.disabled >= 2:
        return False
    if _tf.MODES:
        return True
    return bool(_tf.overloaded_args(relevant_args))


def has_torch_function_unary(obj) -> bool:
    return has_torch_function((obj,))


def has_torch_function_variadic(*args) -> bool:
    return has_torch_function(args)


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Call the innermost mode's / the overloaded arguments' __torch_function__ for `public_api(*args, **kwargs)`;
    TypeError when every handler returns NotImplemented."""
    overloaded = _tf.overloaded_args(relevant_args, plain=True)
    return _tf.dispatch(public_api, overloaded, args, kwargs, python=True)


def _get_overloaded_args(relevant_args, get_type_fn=None):
    if get_type_fn is None:
        return _tf.overloaded_args(relevant_args, plain=True)
    found, seen = [], set()
    for a in relevant_args:
        t = get_type_fn(a)
        if t in seen or not _tf.enabled_tf(t):
            continue
        seen.add(t)
        idx = next((i for i, b in enumerate(found) if issubclass(t, get_type_fn(b))), len(found))
        found.insert(idx, a)
    return found


def is_tensor_like(inp) -> bool:
    """True for Tensors and for any object whose type defines __torch_function__."""
    return type(inp) is _tensor() or hasattr(inp, "__torch_function__")


def get_default_nowrap_functions():
    T = _tensor()
    return {T._base.__get__, T.grad.__get__, T._grad.__get__}


def wrap_torch_function(dispatcher):
    """Decorator: make a function dispatchable by __torch_function__; `dispatcher(*args, **kwargs)` returns the
    Tensor-likes to check."""
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = dispatcher(*args, **kwargs)
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner


@contextlib.contextmanager
def enable_reentrant_dispatch():
    """Re-entrant dispatch needs no state here (there is no __torch_dispatch__ layer): a no-op context."""
    yield


class TorchFunctionMode:
    """Override every torch function and Tensor method inside a `with` block: `__torch_function__(self, func,
    types, args, kwargs)` receives each call; the mode is popped while its handler runs, so calling `func` there
    goes to the next mode (or the real implementation)."""

    inner: "TorchFunctionMode"

    def __init__(self):
        pass

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        _push_mode(self)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        _pop_mode()

    @classmethod
    def push(cls, *args, **kwargs):
        warnings.warn("`Mode.push()` is no longer necessary and can be replaced with just `with Mode()`",
                      stacklevel=2)
        return cls(*args, **kwargs)


class BaseTorchFunctionMode(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


def _push_mode(mode):
    _tf.push_mode(mode)


def _pop_mode():
    return _tf.pop_mode()


@contextlib.contextmanager
def _pop_mode_temporarily():
    old = _pop_mode()
    try:
        yield old
    finally:
        _push_mode(old)


def _get_current_function_mode():
    return _tf.MODES[-1] if _tf.MODES else None


def _get_current_function_mode_stack():
    return list(_tf.MODES)


def _is_torch_function_mode_enabled():
    return bool(_tf.MODES) and _tf.S.disabled < 2


@contextlib.contextmanager
def _enable_torch_function():
    prev = _tf.S.disabled
    _tf.S.disabled = 0
    _tf.refresh()
    try:
        yield
    finally:
        _tf.S.disabled = prev
        _tf.refresh()


def _is_torch_function_enabled():
    return _tf.S.disabled < 2


# --- the tables of functions ---------------------------------------------------------------------------------

# Public torch.* names that take part in no dispatch in PyTorch (torch.overrides.get_ignored_functions()), those
# torchlike defines.
_IGNORED_TORCH = (
    "arange are_deterministic_algorithms_enabled as_strided as_tensor asarray bartlett_window blackman_window "
    "broadcast_shapes can_cast compile device dtype empty empty_strided enable_grad eye finfo from_numpy frombuffer "
    "full get_default_device get_default_dtype get_float32_matmul_precision get_num_interop_threads "
    "get_num_threads get_rng_state hamming_window hann_window iinfo inference_mode initial_seed "
    "is_deterministic_algorithms_warn_only_enabled is_grad_enabled is_inference_mode_enabled is_storage is_tensor "
    "kaiser_window layout linspace load logspace manual_seed memory_format no_grad normal ones promote_types rand "
    "rand_like randint randint_like randn randn_like randperm range result_type save scalar_tensor seed "
    "set_default_device set_default_dtype set_default_tensor_type set_float32_matmul_precision set_grad_enabled "
    "set_num_interop_threads set_num_threads set_printoptions set_rng_state tensor tril_indices triu_indices "
    "typename use_deterministic_algorithms vander zeros").split()


def get_ignored_functions():
    """The public functions that cannot be overridden by __torch_function__."""
    import torchlike
    T = _tensor()
    out = {getattr(torchlike, n) for n in _IGNORED_TORCH if hasattr(torchlike, n)}
    for n in ("__new__", "__init_subclass__", "__torch_function__", "as_subclass", "__hash__", "__iter__",
              "__dict__", "__weakref__", "_wrap", "__jax_array__"):
        v = T.__dict__.get(n)
        if v is not None and not isinstance(v, (staticmethod, classmethod)):
            out.add(v)
    return out


@functools.lru_cache(maxsize=None)
def _overridable():
    import torchlike
    from .nn import functional as F
    ignored = get_ignored_functions()
    T = _tensor()
    table, names = {}, {}
    for ns, ns_name, mod in ((torchlike, "torch", torchlike), (F, "torch.nn.functional", F)):
        fns = []
        for n in sorted(dir(mod)):
            if n.startswith("_"):
                continue
            f = getattr(mod, n)
            if isinstance(f, (_types.FunctionType, _types.BuiltinFunctionType)) and f not in ignored:
                fns.append(f)
                names.setdefault(f, f"{ns_name}.{n}")
        table[ns] = fns
    methods = []
    for n, v in T.__dict__.items():
        if n.startswith("_") and not n.startswith("__"):
            continue
        if isinstance(v, property):
            methods.append(v.__get__)
            names.setdefault(v.__get__, f"torch.Tensor.{n}.__get__")
        elif isinstance(v, _types.FunctionType) and v not in ignored:
            methods.append(v)
            names.setdefault(v, f"torch.Tensor.{n}")
    table[T] = methods
    return table, names


def get_overridable_functions():
    """{namespace: [functions]} for torch, torch.nn.functional and torch.Tensor."""
    return _overridable()[0]


def resolve_name(f):
    """'torch.add', 'torch.Tensor.add', ... for a function passed to __torch_function__ (None if unknown)."""
    return _overridable()[1].get(f)


def is_tensor_method_or_property(func) -> bool:
    T = _tensor()
    name = getattr(func, "__name__", None)
    return name == "__get__" or (name is not None and T.__dict__.get(name) is func)


def get_testing_overrides():
    """{function: a dummy with the same signature returning -1}, for the overridable functions."""
    import inspect
    out = {}
    for fns in get_overridable_functions().values():
        for f in fns:
            def dummy(*args, **kwargs):
                return -1
            try:
                dummy.__signature__ = inspect.signature(f)
            except (TypeError, ValueError):
                pass
            out[f] = dummy
    return out
