"""The __torch_function__ protocol: state, argument scan and dispatch (torch.overrides is the public face).

The hot path costs one check: `ON[0]` is True only while a TorchFunctionMode is pushed or a Tensor subclass with
an enabled __torch_function__ has been defined (and torch function is not disabled). Op-table functions, methods
and operators test it inline (_ops/__init__.py, _tensor_methods.py); other torch.* / nn.functional functions use
`dispatchable`. Hand-written Tensor methods and properties are wrapped only while the protocol can be active
(`_swap`), so a plain program never pays for them. Objects that are not Tensors but define __torch_function__
(PyTorch's "ScalarTensor" example) reach their handler when an op rejects them (`foreign`).
"""
from __future__ import annotations

import functools
import types as _types
import weakref

ON = [False]          # the one fast check
MODES = []            # the TorchFunctionMode stack (innermost last)
NOT_HANDLED = object()
_ATOMS = frozenset((int, float, bool, complex, str, type(None), slice, type(Ellipsis)))


class _State:
    subclasses = 0    # Tensor subclasses defined with an enabled __torch_function__
    disabled = 0      # 0 enabled, 1 subclasses disabled (DisableTorchFunctionSubclass), 2 all (DisableTorchFunction)
    installed = False
    tensor = None     # torchlike.Tensor (set by _tensor)


S = _State


def _disabled_torch_function_impl(func, types, args=(), kwargs=None):
    """torch._C._disabled_torch_function_impl: a class setting `__torch_function__` to it opts out of the
    protocol (nn.Parameter does); called directly, it runs `func` with torch function disabled."""
    with DisableTorchFunction():
        return func(*args, **(kwargs or {}))


def refresh():
    want = bool(MODES) or S.subclasses > 0
    if want != S.installed:
        _swap(want)
    ON[0] = S.disabled < 2 and (bool(MODES) or (S.subclasses > 0 and S.disabled < 1))


def enabled_tf(cls):
    """Whether instances of `cls` take part in dispatch (a __torch_function__ that is not the disabled impl)."""
    tf = getattr(cls, "__torch_function__", None)
    return tf is not None and getattr(tf, "__func__", tf) is not _disabled_torch_function_impl


def subclass_defined(cls):
    """Tensor.__init_subclass__: a subclass whose __torch_function__ is enabled switches the protocol on."""
    if enabled_tf(cls):
        S.subclasses += 1
        refresh()
        weakref.finalize(cls, _subclass_gone)      # a collected class (a test's local one) switches it off again


def _subclass_gone():
    S.subclasses -= 1
    refresh()


# --- argument scan -------------------------------------------------------------------------------------------

def _add(arg, found, plain):
    t = type(arg)
    if t in _ATOMS or (t is S.tensor and not plain):
        return
    for a in found:
        if type(a) is t:
            return
    if not enabled_tf(t):
        return
    if S.disabled and isinstance(arg, S.tensor) and t is not S.tensor:
        return
    for i, a in enumerate(found):      # a subclass goes before its base; otherwise left to right
        if issubclass(t, type(a)):
            found.insert(i, arg)
            return
    found.append(arg)


def overloaded_args(relevant, plain=False):
    """The arguments whose __torch_function__ is called, in PyTorch's order (NEP-18). `plain` keeps exact
    Tensors too, as torch's Python-level handle_torch_function does."""
    found = []
    if S.disabled >= 2:
        return found
    for a in relevant:
        t = type(a)
        if t is list or t is tuple:
            for b in a:
                _add(b, found, plain)
        else:
            _add(a, found, plain)
    return found


def _relevant(args, kwargs):
    return tuple(args) + tuple(kwargs.values()) if kwargs else args


# --- dispatch ------------------------------------------------------------------------------------------------

def _func_name(func):
    mod = getattr(func, "__module__", None) or "torch"
    name = getattr(func, "__name__", repr(func))
    if mod.startswith("torchlike"):
        mod = "torch" + mod[len("torchlike"):]
    return f"{mod}.{name}"


def dispatch(func, overloaded, args, kwargs, *, python=False):
    """torch's handle_torch_function: the innermost mode first (popped while it runs), then each overloaded
    argument's __torch_function__; the first result that is not NotImplemented wins."""
    types = tuple(type(a) for a in overloaded)
    kwargs = kwargs if kwargs is not None else {}
    mode = None
    if MODES and S.disabled < 2:
        mode = MODES.pop()
        refresh()
        try:
            r = mode.__torch_function__(func, types, args, kwargs)
        finally:
            MODES.append(mode)
            refresh()
        if r is not NotImplemented:
            return r
    for a in overloaded:
        tf = type(a).__torch_function__
        r = tf(func, types, args, kwargs)
        if r is not NotImplemented:
            return r
    if python:
        msg = (f"no implementation found for '{_func_name(func)}' on types that implement __torch_function__: "
               f"{[type(a) for a in overloaded]}")
        if mode is not None:
            msg += f" nor in mode {mode}"
        raise TypeError(msg)
    lines = ([f"  - mode object {mode}"] if mode is not None else []) + \
        [f"  - tensor subclass {type(a)}" for a in overloaded]
    raise TypeError(f"Multiple dispatch failed for '{_func_name(func)}'; all __torch_function__ handlers returned "
                    "NotImplemented:\n\n" + "\n".join(lines) +
                    "\n\nFor more information, try re-running with TORCH_LOGS=not_implemented")


def handle(func, args, kwargs, python=False):
    """Called when ON[0]: dispatch `func(*args, **kwargs)` if a mode or an overloaded argument claims it.
    `python`: as torch's Python-level functions (nn.functional) do, exact Tensors join the overloaded list (their
    default handler declines when a subclass is present) and the error reads "no implementation found"."""
    relevant = _relevant(args, kwargs)
    overloaded = overloaded_args(relevant)
    if not overloaded and not (MODES and S.disabled < 2):
        return NOT_HANDLED
    if python:
        overloaded = overloaded_args(relevant, plain=True)
    return dispatch(func, overloaded, args, kwargs, python=python)


def foreign(func, args, kwargs, python=False):
    """After an op rejected its arguments: a non-Tensor argument whose type defines __torch_function__ gets the
    call (NOT_HANDLED when there is none, and the original error stands)."""
    if S.disabled >= 1:
        return NOT_HANDLED
    relevant = _relevant(args, kwargs)
    flat = [b for a in relevant for b in (a if type(a) in (list, tuple) else (a,))]
    if not any(not isinstance(a, S.tensor) and type(a) not in _ATOMS and enabled_tf(type(a)) for a in flat):
        return NOT_HANDLED
    return dispatch(func, overloaded_args(relevant, python), args, kwargs, python=python)


def dispatchable(fn, python=True):
    """Decorator for torch.* / nn.functional functions outside the op table."""
    if getattr(fn, "_tf_aware", False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if ON[0]:
            r = handle(wrapper, args, kwargs, python=python)
            if r is not NOT_HANDLED:
                return r
        try:
            return fn(*args, **kwargs)
        except (TypeError, AttributeError):
            r = foreign(wrapper, args, kwargs, python)
            if r is NOT_HANDLED:
                raise
            return r
    wrapper._tf_aware = True
    return wrapper


def mark(fn):
    fn._tf_aware = True
    return fn


# --- DisableTorchFunction(Subclass) --------------------------------------------------------------------------

class _Disable:
    level = 2

    def __enter__(self):
        self._prev = S.disabled
        S.disabled = max(S.disabled, self.level)
        refresh()
        return self

    def __exit__(self, *exc):
        S.disabled = self._prev
        refresh()
        return False


class DisableTorchFunction(_Disable):
    """torch._C.DisableTorchFunction: neither modes nor subclasses are consulted inside."""
    level = 2


class DisableTorchFunctionSubclass(_Disable):
    """torch._C.DisableTorchFunctionSubclass: subclasses are not consulted inside (modes still are)."""
    level = 1


def push_mode(mode):
    MODES.append(mode)
    refresh()


def pop_mode():
    if not MODES:
        raise RuntimeError("Trying to pop from an empty mode stack")
    m = MODES.pop()
    refresh()
    return m


# --- the wrappers of hand-written Tensor methods and properties (installed only while the protocol can act) ---

_SKIP = frozenset(("__new__", "__init__", "__init_subclass__", "__torch_function__", "__hash__", "__iter__",
                   "__jax_array__", "__getattribute__", "__getattr__", "__setattr__", "__delattr__", "__class__",
                   "__dict__", "__weakref__", "__slots__", "__module__", "__doc__", "__array_priority__",
                   "as_subclass", "__reduce__", "__sizeof__", "__dir__", "__subclasshook__"))
_ORIGINALS = {}


def _wrap_method(name, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if ON[0]:
            r = handle(wrapper, args, kwargs)
            if r is not NOT_HANDLED:
                return r
        return fn(*args, **kwargs)
    wrapper.__name__ = name
    wrapper.__qualname__ = "Tensor." + name
    wrapper._tf_aware = True
    wrapper._tf_original = fn
    return wrapper


def _wrap_property(prop):
    fget = prop.fget

    def getter(self):
        if ON[0]:
            r = handle(new.__get__, (self,), None)
            if r is not NOT_HANDLED:
                return r
        return fget(self)
    getter._tf_aware = True
    getter._tf_original = prop
    new = property(getter, prop.fset, prop.fdel, prop.__doc__)
    return new


def _swap(on):
    T = S.tensor
    if on:
        for name, v in list(T.__dict__.items()):
            if name in _SKIP or (name.startswith("_") and not name.startswith("__")):
                continue
            if isinstance(v, _types.FunctionType) and not getattr(v, "_tf_aware", False):
                _ORIGINALS[name] = v
                setattr(T, name, _wrap_method(name, v))
            elif type(v) is property and not getattr(v.fget, "_tf_aware", False):
                _ORIGINALS[name] = v
                setattr(T, name, _wrap_property(v))
    else:
        for name, v in _ORIGINALS.items():
            cur = T.__dict__.get(name)
            if getattr(cur, "_tf_original", None) is v or getattr(getattr(cur, "fget", None), "_tf_original", None) \
                    is v:       # unless someone replaced the wrapper meanwhile
                setattr(T, name, v)
        _ORIGINALS.clear()
    S.installed = on
