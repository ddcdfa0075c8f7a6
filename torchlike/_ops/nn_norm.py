"""Op-table entries for torch.nn.functional: normalization (batch_norm, layer_norm, group_norm).

Batch norm in training mode is one kernel returning the output and, when running statistics are given, their updated
values (momentum * batch statistic + (1 - momentum) * running value; unbiased variance for the running variance,
biased for normalising); the functional layer writes them back into the buffers. Half-precision inputs are normalised
in float32 (PyTorch's opmath) and may take float32 parameters.
"""
from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from ._registry import register
from .dispatch import scalar_name

_SZ = lambda s: "[" + ", ".join(map(str, s)) + "]"   # noqa: E731
_LOW = ("float16", "bfloat16")


def _no_rule(op, vals):
    return None, None


def mixed_dtype_check(input, *params):
    """ATen's CPU normalization dtype rule: parameters share the input's dtype (or are float32 for half inputs)."""
    d = input.dtype
    if d._category <= 1:
        return
    for p in params:
        if p is None or p.dtype is d:
            continue
        if d.name in _LOW and p.dtype.name == "float32":
            continue
        if d.name == "float32" or d.name in _LOW:
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _opmath(x):
    return x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x


def _channel(v, nd):
    return None if v is None else v.reshape((1, -1) + (1,) * (nd - 2))


def _affine(x, alpha, beta):
    return x * alpha + beta


# --- batch norm ----------------------------------------------------------------------------------------------

def _bn_check(name):
    def check(input, weight, bias, running_mean, running_var, *rest):
        c = input.shape[1] if input.dim() > 1 else 0
        for n, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                     ("bias", bias)):
            if t is not None and t.numel() != c:
                raise RuntimeError(f"{n} should contain {c} elements not {t.numel()}")
        if input.dtype._category <= 1 or input.dtype.name == "bool":
            raise NotImplementedError(f"\"batch_norm\" not implemented for '{scalar_name(input.dtype)}'")
        mixed_dtype_check(input, weight, bias, running_mean, running_var)
    return check


@register("_batch_norm_train", tensors=("input", "weight", "bias", "running_mean", "running_var", "momentum"),
          nondiff=("running_mean", "running_var", "momentum"), dtype=_no_rule, grad="NativeBatchNormBackward0",
          method=False, function=False, check=_bn_check("batch_norm"))
def _bn_train(input, weight, bias, running_mean, running_var, momentum, eps):
    x = _opmath(input)
    nd = x.ndim
    axes = (0,) + tuple(range(2, nd))
    n = x.size // x.shape[1] if x.shape[1] else 0
    mean = jnp.mean(x, axis=axes)
    var = jnp.mean(jnp.square(x - _channel(mean, nd)), axis=axes)
    invstd = lax.rsqrt(var + jnp.asarray(eps, x.dtype))
    alpha = invstd if weight is None else invstd * _opmath(weight)
    beta = -mean * alpha if bias is None else _opmath(bias) - mean * alpha
    out = _affine(x, _channel(alpha, nd), _channel(beta, nd)).astype(input.dtype)
    if running_mean is None and running_var is None:
        return out
    res = [out]
    for r, stat in ((running_mean, mean), (running_var, var * (n / max(n - 1, 1)) if n > 1 else var * jnp.nan)):
        if r is not None:
            m = jnp.asarray(momentum, jnp.float64 if r.dtype == jnp.float64 else jnp.float32)
            res.append((m * stat + (1 - m) * r.astype(m.dtype)).astype(r.dtype))
    return tuple(res)


@register("_batch_norm_eval", tensors=("input", "weight", "bias", "running_mean", "running_var"),
          nondiff=("running_mean", "running_var"), dtype=_no_rule, grad="NativeBatchNormBackward0", method=False,
          function=False, check=_bn_check("batch_norm"))
def _bn_eval(input, weight, bias, running_mean, running_var, eps):
    x = _opmath(input)
    nd = x.ndim
    invstd = lax.rsqrt(_opmath(running_var) + jnp.asarray(eps, x.dtype))
    alpha = invstd if weight is None else invstd * _opmath(weight)
    mean = _opmath(running_mean)
    beta = -mean * alpha if bias is None else _opmath(bias) - mean * alpha
    return _affine(x, _channel(alpha, nd), _channel(beta, nd)).astype(input.dtype)


# --- layer norm / group norm ---------------------------------------------------------------------------------

def _ln_check(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    shape = tuple(normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    for n, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {n} to be of same shape as normalized_shape, but got {n} of shape "
                               f"{_SZ(t.shape)} and normalized_shape = {_SZ(shape)}")
    if input.dim() < len(shape) or tuple(input.shape[input.dim() - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={_SZ(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{_SZ(input.shape)}")
    if input.dtype._category <= 1 or input.dtype.name == "bool":
        raise NotImplementedError(f"\"LayerNormKernelImpl\" not implemented for '{scalar_name(input.dtype)}'")
    mixed_dtype_check(input, weight, bias)


def _moments(x, axes):
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    return mean, var


@register("layer_norm", tensors=("input", "weight", "bias"), dtype=_no_rule, grad="NativeLayerNormBackward0",
          method=False, check=lambda i, s, w=None, b=None, e=1e-5, c=True: _ln_check(i, s, w, b, e))
def _layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    x = _opmath(input)
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    mean, var = _moments(x, axes)
    rstd = lax.rsqrt(var + jnp.asarray(eps, x.dtype))
    y = x * rstd + (-mean * rstd)
    if weight is not None:
        y = y * _opmath(weight)
    if bias is not None:
        y = y + _opmath(bias)
    return y.astype(input.dtype)


def _gn_check(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    c = input.shape[1]
    if num_groups == 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {_SZ(input.shape)} and num_groups={num_groups}")
    for n, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {n} to be a vector of size equal to the number of channels in input, but "
                               f"got {n} of shape {_SZ(t.shape)} and input of shape {_SZ(input.shape)}")
    if input.dtype._category <= 1 or input.dtype.name == "bool":
        raise NotImplementedError(f"\"GroupNormKernelImpl\" not implemented for '{scalar_name(input.dtype)}'")
    mixed_dtype_check(input, weight, bias)


@register("group_norm", tensors=("input", "weight", "bias"), dtype=_no_rule, grad="NativeGroupNormBackward0",
          method=False, check=_gn_check)
def _group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    x = _opmath(input)
    n, c = x.shape[:2]
    g = x.reshape((n, num_groups, -1))
    mean, var = _moments(g, (2,))
    rstd = lax.rsqrt(var + jnp.asarray(eps, x.dtype))
    y = (g * rstd + (-mean * rstd)).reshape(x.shape)
    if weight is not None:
        y = y * _channel(_opmath(weight), x.ndim)
    if bias is not None:
        y = y + _channel(_opmath(bias), x.ndim)
    return y.astype(input.dtype)
