"""Gradient clipping: clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_.

The total norm and the rescaling each run as one jitted XLA call over all the gradients of a device (like
PyTorch's foreach kernels), since they run at every training step.
"""
from __future__ import annotations

import functools
import types
import warnings

import jax
import jax.numpy as jnp

from ... import _dtype as D
from ..._tensor import Tensor, from_array
from ...autograd import grad_mode

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _no_grad(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with grad_mode.no_grad():
            return func(*args, **kwargs)
    return wrapper


def _group_by_device(tensors):
    groups = {}
    for t in tensors:
        groups.setdefault(t.device, []).append(t)
    return groups


def _vector_norm(x, p):
    """torch.linalg.vector_norm of the whole array, accumulated in float32 at least, returned in x's dtype."""
    acc = x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x
    acc = jnp.abs(acc.ravel())
    if p == float("inf"):
        n = jnp.max(acc)
    elif p == float("-inf"):
        n = jnp.min(acc)
    elif p == 0:
        n = jnp.sum(acc != 0).astype(acc.dtype)
    elif p == 1:
        n = jnp.sum(acc)
    elif p == 2:
        n = jnp.sqrt(jnp.sum(acc * acc))
    else:
        n = jnp.sum(acc ** p) ** (1.0 / p)
    return n.astype(x.dtype if not jnp.issubdtype(x.dtype, jnp.complexfloating) else acc.dtype)


@functools.lru_cache(maxsize=None)
def _norms_kernel(p):
    return jax.jit(lambda arrs: tuple(_vector_norm(a, p) for a in arrs))


@functools.lru_cache(maxsize=None)
def _total_kernel(p):
    return jax.jit(lambda norms: _vector_norm(jnp.stack(norms), p))


def _check_inf_empty(tensors, p):
    if p in (float("inf"), float("-inf")) and any(t.numel() == 0 for t in tensors):
        raise RuntimeError("_foreach_norm cannot compute the infinity norm on an empty tensor because the operation "
                           "does not have an identity")


@_no_grad
def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the norms of `tensors` (as if all were concatenated into one vector)."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        from ..._ops.creation import tensor
        return tensor(0.0)
    _check_inf_empty(tensors, norm_type)
    first_device = tensors[0].device
    norms = []
    for device, ts in _group_by_device(tensors).items():
        arrs = _norms_kernel(norm_type)(tuple(t._value() for t in ts))
        if device != first_device:
            from ... import _device
            arrs = tuple(jax.device_put(a, _device.jax_device(first_device)) for a in arrs)
        norms.extend(arrs)
    total = from_array(_total_kernel(norm_type)(tuple(norms)), None, first_device)
    if error_if_nonfinite and not bool(jnp.isfinite(total._value())):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return total


@jax.jit
def _scale(grads, total, max_norm):
    coef = jnp.minimum(max_norm.astype(total.dtype) / (total + jnp.asarray(1e-6, total.dtype)),
                       jnp.asarray(1.0, total.dtype))
    return tuple(g * coef.astype(g.dtype) for g in grads)


@_no_grad
def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients of `parameters` by min(1, max_norm / (total_norm + 1e-6)), in place."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if len(grads) == 0:
        return
    from ... import _device
    for device, gs in _group_by_device(grads).items():
        tot = total_norm._value()
        if total_norm.device != device:
            tot = jax.device_put(tot, _device.jax_device(device))
        new = _scale(tuple(g._value() for g in gs), tot, jnp.asarray(max_norm, jnp.float64))
        for g, v in zip(gs, new):
            g._assign(v)


@_no_grad
def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Clip the gradient norm of an iterable of parameters in place; returns the total norm (before clipping)."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and len(parameters) == 0:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@jax.jit
def _clamp_all(grads, clip_value):
    return tuple(jnp.clip(g, (-clip_value).astype(g.dtype), clip_value.astype(g.dtype)) for g in grads)


@_no_grad
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient to [-clip_value, clip_value], in place."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    grads = [p.grad for p in parameters if p.grad is not None]
    for device, gs in _group_by_device(grads).items():
        if any(not (g.dtype.is_floating_point or g.dtype.is_complex) for g in gs):
            for g in gs:
                g.clamp_(min=-clip_value, max=clip_value)
            continue
        new = _clamp_all(tuple(g._value() for g in gs), jnp.asarray(clip_value, jnp.float64))
        for g, v in zip(gs, new):
            g._assign(v)


_ = D
