"""torch.autograd: backward, grad, grad modes."""
from __future__ import annotations

import functools

import jax.numpy as jnp

from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from ._engine import run_backward
from . import function, functional  # noqa: E402,F401
from .function import Function, once_differentiable  # noqa: F401
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: F401
from .graph import Node  # noqa: F401
from . import forward_ad, graph  # noqa: E402,F401

__all__ = ["backward", "grad", "Function", "functional", "gradcheck", "gradgradcheck", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled"]


@functools.lru_cache(maxsize=256)
def _ones_cached(shape, npdtype, dev):
    import jax
    from .._device import jax_device
    return jax.device_put(jnp.ones(shape, npdtype), jax_device(dev))


def _ones(shape, npdtype, dev):
    from .. import _trace_state
    if _trace_state.current is not None:
        return jnp.ones(shape, npdtype)
    return _ones_cached(shape, npdtype, dev)


def _make_grads(outputs, grads, create_graph=False):
    from .._tensor import from_array
    out = []
    for t, g in zip(outputs, grads):
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not (t.dtype.is_floating_point or t.dtype.is_complex):
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
            one = _ones(t._size, t.dtype.np, t.device)
            out.append(from_array(one, t.dtype, t.device) if create_graph else one)
        else:
            if not hasattr(g, "_value"):
                from .._ops.creation import tensor
                g = tensor(g, dtype=t.dtype)
            if g._size != t._size:
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of torch.Size([{', '.join(map(str, g._size))}]) "
                                   f"and output[0] has a shape of torch.Size([{', '.join(map(str, t._size))}]).")
            out.append(g if create_graph else g._value())
    return out


def _seq(x):
    if x is None:
        return None
    return list(x) if isinstance(x, (list, tuple)) else [x]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    tensors = _seq(tensors)
    grads = _seq(grad_tensors) or [None] * len(tensors)
    for t in tensors:
        if not t._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        import warnings
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
                      "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
                      "of your parameters to None after use to break the cycle and avoid the leak.", UserWarning,
                      stacklevel=3)
    if inputs is not None:
        inputs = _seq(inputs)
        res = run_backward(tensors, _make_grads(tensors, grads, create_graph), retain_graph, inputs=inputs,
                           accumulate=False, create_graph=create_graph)
        from .._tensor import from_array
        from ._engine import _accumulate, _accumulate_graph
        for t, g in zip(inputs, res):
            if g is not None:
                (_accumulate_graph if create_graph else _accumulate)(t, g, from_array)
        return
    run_backward(tensors, _make_grads(tensors, grads, create_graph), retain_graph, create_graph=create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    from .._tensor import Tensor, from_array
    single = isinstance(inputs, Tensor)
    # as PyTorch: a tensor, or an iterable of them ('int' object is not iterable otherwise)
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if single else list(inputs)
    if not all(isinstance(t, Tensor) for t in outputs):
        raise AssertionError("Expected output to be a torch.Tensor")
    grads = _seq(grad_outputs) or [None] * len(outputs)
    for t in outputs:
        if not t._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    res = run_backward(outputs, _make_grads(outputs, grads, create_graph), retain_graph, inputs=inputs,
                       accumulate=False, create_graph=create_graph)
    out = []
    for t, g in zip(inputs, res):
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                                   "Set allow_unused=True if this is the desired behavior.")
            out.append(from_array(jnp.zeros(t._size, t.dtype.np), t.dtype, t.device) if materialize_grads else None)
        else:
            out.append(g if create_graph else from_array(g, t.dtype, t.device))
    return tuple(out)


from .function import NestedIOFunction  # noqa: E402,F401


def Variable(data, requires_grad=False, volatile=False):  # noqa: N802  (torch's legacy name)
    """The legacy autograd.Variable: today a plain Tensor (requires_grad as given)."""
    t = data.detach() if data._requires_grad else data
    if requires_grad:
        t.requires_grad_(True)
    return t


variable = Variable
_ANOMALY = [False]


class detect_anomaly:  # noqa: N801
    """Anomaly mode (context manager/decorator). Accepted for compatibility: torchlike's backward errors already
    name the failing node; no extra forward traces are recorded."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = _ANOMALY[0]
        _ANOMALY[0] = True

    def __exit__(self, *exc):
        _ANOMALY[0] = self.prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self:
                return fn(*a, **k)
        return wrapper


class set_detect_anomaly(detect_anomaly):  # noqa: N801
    def __init__(self, mode, check_nan=True):
        self.check_nan = check_nan
        self.prev = _ANOMALY[0]
        _ANOMALY[0] = bool(mode)

    def __enter__(self):
        pass


def is_anomaly_enabled():
    return _ANOMALY[0]


def is_tensor_like(inp):
    from .._tensor import Tensor
    return isinstance(inp, Tensor)


_MT = [True]


def set_multithreading_enabled(mode):
    _MT[0] = bool(mode)


def is_multithreading_enabled():
    return _MT[0]
