"""Activation ops (nn.functional's pointwise non-linearities, softmax family, GLU, PReLU) and distances.

Every entry follows PyTorch's backward formula at the kinks (hardtanh's bounds, leaky_relu at 0, ...): branches
are selected with `where` on the same comparisons PyTorch's backward kernels use, and a branch that must not
receive gradient is wrapped in `stop_gradient`. Inputs fed to an unselected branch are made safe so that its
zero cotangent never meets an infinite derivative (which would give NaN).
"""
from __future__ import annotations

import copy
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype as D
from .._tensor import _wrap_dim
from ._registry import OPS, not_for, register, unsupported
from .dispatch import scalar_name

_HALF = (jnp.float16, jnp.bfloat16)


# --- helpers shared with nn_loss ------------------------------------------------------------------------

_VARIANTS: dict = {}


def variant(name, grad):
    """The entry `name` recorded under another grad_fn name (e.g. LeakyReluBackward1 for the in-place form).

    The clone shares the entry's kernel cache, so it costs nothing at run time."""
    key = (name, grad)
    op = _VARIANTS.get(key)
    if op is None:
        op = _VARIANTS[key] = copy.copy(OPS[name])
        op.grad_name = grad
    return op


def opmath(f):
    """Compute half/bfloat16 inputs in float32 (like PyTorch's CPU kernels) and round the result back."""
    @functools.wraps(f)
    def g(input, *args, **kwargs):
        dt = input.dtype
        if dt in _HALF:
            return f(input.astype(jnp.float32), *args, **kwargs).astype(dt)
        return f(input, *args, **kwargs)
    return g


def float_only(kernel, complex_ok=False):
    """check=: PyTorch's NotImplementedError for integral/bool (and complex) inputs of a floating-point kernel."""
    def check(input, *rest):
        d = getattr(input, "dtype", None)
        if d is not None and (d._category <= 1 or d._category == 3 and not complex_ok):
            raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(d)}\'')
    return check


def _no_bool(msg):
    def check(input, *rest):
        if input.dtype is D.bool_:
            raise RuntimeError(msg)
    return check


def cpp_num(v):
    """A double as C++'s ostream prints it (6 significant digits)."""
    v = float(v)
    if v == int(v) and abs(v) < 1e16:
        return str(int(v))
    return f"{v:g}"


_sg = lax.stop_gradient

_NN = dict(method=False, function=False)   # torch.nn.functional only: no torch.* function, no Tensor method


# --- ReLU family ----------------------------------------------------------------------------------------

def _hardtanh_check(input, min_val=-1.0, max_val=1.0):
    _no_bool("Bool inputs not supported for hardtanh")(input)
    if input.dtype is D.uint8 and (min_val < 0 or max_val < 0):
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")


@register("hardtanh", dtype="same", check=_hardtanh_check, **_NN,
          reject=unsupported("c", "clamp is not supported for complex types"))
def _hardtanh(input, min_val=-1.0, max_val=1.0):
    # d/dx is 1 strictly inside (min_val, max_val) and 0 at and beyond the bounds (PyTorch's hardtanh_backward)
    lo, hi = jnp.asarray(min_val, input.dtype), jnp.asarray(max_val, input.dtype)
    inside = (input > lo) & (input < hi)
    return jnp.where(inside, input, _sg(jnp.clip(input, lo, hi)))


@register("leaky_relu", dtype="same", check=float_only("leaky_relu_cpu"), **_NN)
@opmath
def _leaky_relu(input, negative_slope=0.01):
    return jnp.where(input > 0, input, input * negative_slope)     # slope at 0 is negative_slope, as torch


def _elu_core(x, alpha, scale, input_scale):
    neg = jnp.where(x > 0, jnp.zeros((), x.dtype), x)              # safe input for the exp branch
    return jnp.where(x > 0, x * scale, jnp.expm1(neg * input_scale) * (alpha * scale))


@register("elu", dtype="same", check=float_only("elu_cpu"), **_NN)
@opmath
def _elu(input, alpha=1.0, scale=1.0, input_scale=1.0):
    return _elu_core(input, alpha, scale, input_scale)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@register("selu", dtype="same", check=float_only("elu_cpu"), grad="EluBackward0", method=False)
@opmath
def _selu(input):
    return _elu_core(input, SELU_ALPHA, SELU_SCALE, 1.0)


def _celu_check(input, alpha=1.0):
    float_only("elu_cpu")(input)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")


@register("celu", dtype="same", check=_celu_check, method=False)
@opmath
def _celu(input, alpha=1.0):
    return _elu_core(input, alpha, 1.0, 1.0 / alpha)


def _gelu_check(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    float_only("GeluKernelImpl")(input)


@register("gelu", dtype="same", check=_gelu_check, **_NN)
@opmath
def _gelu(input, approximate="none"):
    if approximate == "tanh":
        k = math.sqrt(2.0 / math.pi)
        return 0.5 * input * (1 + jnp.tanh(k * (input + 0.044715 * input * input * input)))
    return input * 0.5 * (1 + jax.scipy.special.erf(input * (1 / math.sqrt(2.0))))


@register("silu", dtype="same", check=float_only("silu_cpu", complex_ok=True), **_NN)
@opmath
def _silu(input):
    return input * jax.nn.sigmoid(input)


@register("mish", dtype="same", check=float_only("mish_cpu"), **_NN)
@opmath
def _mish(input):
    return input * jnp.tanh(jax.nn.softplus(input))


@register("hardsigmoid", dtype="same", check=float_only("hardsigmoid_cpu"), **_NN)
@opmath
def _hardsigmoid(input):
    # gradient 1/6 strictly inside (-3, 3), 0 elsewhere (PyTorch's hardsigmoid_backward)
    inside = (input > -3) & (input < 3)
    return jnp.where(inside, input / 6 + 0.5, _sg(jnp.clip(input / 6 + 0.5, 0, 1)))


@register("hardswish", dtype="same", check=float_only("hardswish_cpu"), **_NN)
@opmath
def _hardswish(input):
    # PyTorch's hardswish_backward: 0 for x <= -3, x/3 + 1/2 for -3 < x < 3, 1 from 3 on
    value = input * jnp.clip(input + 3, 0, 6) / 6          # PyTorch's forward (-inf -> nan, -4 -> -0.0)
    return jnp.where(input <= -3, _sg(value), jnp.where(input < 3, value, input))


@register("softplus", dtype="same", check=float_only("softplus_cpu"), **_NN)
@opmath
def _softplus(input, beta=1.0, threshold=20.0):
    xb = input * beta
    linear = xb > threshold
    safe = jnp.where(linear, jnp.zeros((), input.dtype), xb)
    return jnp.where(linear, input, jnp.log1p(jnp.exp(safe)) / beta)


_FMAX = {"float32": "3.40282e+38", "float64": "1.79769e+308", "float16": "65504", "bfloat16": "3.38953e+38"}


def _softshrink_check(input, lambd=0.5):
    float_only("softshrink_check")(input)
    if lambd < 0:
        raise RuntimeError(f"lambda must be in range [0, {_FMAX.get(input.dtype.name)}] for input dtype "
                           f"{scalar_name(input.dtype)}, but found {cpp_num(lambd)}")


@register("softshrink", dtype="same", check=_softshrink_check, **_NN)
@opmath
def _softshrink(input, lambd=0.5):
    zero = _sg(jnp.where(jnp.isnan(input), input, jnp.zeros_like(input)))
    return jnp.where(input > lambd, input - lambd, jnp.where(input < -lambd, input + lambd, zero))


@register("hardshrink", dtype="same", check=float_only("hardshrink_cpu"))
def _hardshrink(input, lambd=0.5):
    dead = (input >= -lambd) & (input <= lambd)
    return jnp.where(dead, _sg(jnp.zeros_like(input)), input)


_CTYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}


def fits(dtype, v):
    """check=: PyTorch's error when a Python number does not fit the integral dtype it is converted to."""
    if dtype._category == 1:
        info = np.iinfo(dtype.np)
        if not info.min <= v <= info.max:
            raise RuntimeError(f"value cannot be converted to type {_CTYPES[dtype.name]} without overflow")


def _threshold_check(input, threshold, value):
    if input.dtype is D.bool_:
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    fits(input.dtype, threshold)
    fits(input.dtype, value)


@register("threshold", dtype="same", check=_threshold_check, method=False, reject=not_for("c", "threshold_cpu"))
def _threshold(input, threshold, value):
    return jnp.where(input <= threshold, _sg(jnp.full_like(input, value)), input)


@register("log_sigmoid", dtype="same", check=float_only("log_sigmoid_cpu"), grad="LogSigmoidBackward0", **_NN)
@opmath
def _log_sigmoid(input):
    return jax.nn.log_sigmoid(input)


def _prelu_check(input, weight):
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {scalar_name(input.dtype)} and "
                           f"{scalar_name(weight.dtype)}")
    float_only("prelu_cpu")(input)
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.dim() >= 2 else 1
        if n != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{n} and channel size = {channels}.")


@register("prelu", tensors=("input", "weight"), dtype="same", check=_prelu_check, grad="PreluKernelBackward0")
def _prelu(input, weight):
    w = weight.reshape(()) if weight.size == 1 else weight.reshape((-1,) + (1,) * (input.ndim - 2))
    return jnp.where(input > 0, input, w * input)


def _glu_check(input, dim=-1):
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")


@register("glu", dtype="same", check=_glu_check, **_NN, reject=not_for("c", "glu_cpu"))
@opmath
def _glu(input, dim=-1):
    a, b = jnp.split(input, 2, axis=dim)
    return a * jax.nn.sigmoid(b)


# --- softmax family -------------------------------------------------------------------------------------

def _softmax_rule(op, vals):
    d = vals[2] if vals[2] is not None else vals[0].dtype
    d = D.to_dtype(d)
    return d, (d,)


def _softmax_check(kernel):
    def check(input, dim=None, dtype=None):
        if dim is None:
            raise TypeError(f'{kernel}() missing 1 required positional arguments: "dim"')
        d = _wrap_dim(dim, input.dim())
        t = D.to_dtype(dtype) if dtype is not None else input.dtype
        if t._category != 2:
            last = d == max(input.dim(), 1) - 1
            raise NotImplementedError(f'"{kernel}_{"lastdim_" if last else ""}kernel_impl" not implemented for '
                                      f"'{scalar_name(t)}'")
    return check


@register("softmax", dtype=_softmax_rule, check=_softmax_check("softmax"))
@opmath
def _softmax(input, dim=None, dtype=None):
    return jax.nn.softmax(input, axis=dim if input.ndim else None)


@register("log_softmax", dtype=_softmax_rule, check=_softmax_check("log_softmax"))
@opmath
def _log_softmax(input, dim=None, dtype=None):
    return jax.nn.log_softmax(input, axis=dim if input.ndim else None)


# --- one_hot --------------------------------------------------------------------------------------------

@register("one_hot", dtype=lambda op, v: (None, (D.int64,)), differentiable=False, **_NN)
def _one_hot(input, num_classes):
    return (input[..., None] == jnp.arange(num_classes, dtype=input.dtype)).astype(jnp.int64)


# --- distances ------------------------------------------------------------------------------------------

def vector_norm(x, p, axis, keepdims=False):
    """sum(|x|^p)^(1/p) along `axis` with PyTorch's norm gradients (0 where the norm is 0)."""
    a = x * jnp.sign(x)                     # |x| with d|x|/dx = 0 at 0
    if p == 0:
        return jnp.sum((x != 0).astype(x.dtype), axis=axis, keepdims=keepdims)
    if p == math.inf:
        return jnp.max(a, axis=axis, keepdims=keepdims)
    if p == -math.inf:
        return jnp.min(a, axis=axis, keepdims=keepdims)
    if p == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdims)
    s = jnp.sum(a * a if p == 2 else a ** p, axis=axis, keepdims=True)
    zero = s == 0
    safe = jnp.where(zero, jnp.ones((), s.dtype), s)
    r = jnp.where(zero, jnp.zeros((), s.dtype), jnp.sqrt(safe) if p == 2 else safe ** (1.0 / p))
    return r if keepdims else jnp.squeeze(r, axis=axis)


def _cos_check(x1, x2, dim=1, eps=1e-8):
    d = D.result_type(x1, x2)
    if not d.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {scalar_name(d)}")
    if not _broadcastable(x1, x2):
        _raise_broadcast(x1, x2)
    _wrap_dim(dim, max(x1.dim(), x2.dim()))


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
        return True
    except ValueError:
        return False


def _raise_broadcast(a, b):
    sa, sb = tuple(a.shape), tuple(b.shape)
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for i in range(n - 1, -1, -1):
        if sa[i] != sb[i] and sa[i] != 1 and sb[i] != 1:
            raise RuntimeError(f"The size of tensor a ({sa[i]}) must match the size of tensor b ({sb[i]}) at "
                               f"non-singleton dimension {i}")


@register("cosine_similarity", tensors=("x1", "x2"), check=_cos_check, grad="SumBackward1", method=False)
def _cosine_similarity(x1, x2, dim=1, eps=1e-8):
    # PyTorch: each input divided by its norm clamped to eps (the clamp is not differentiated), then summed
    x1, x2 = jnp.broadcast_arrays(x1, x2)
    if x1.ndim == 0:
        x1, x2, dim = x1.reshape(1), x2.reshape(1), 0
    n1 = vector_norm(x1, 2, dim, keepdims=True)
    n2 = vector_norm(x2, 2, dim, keepdims=True)
    n1 = n1 + _sg(jnp.maximum(n1, eps) - n1)
    n2 = n2 + _sg(jnp.maximum(n2, eps) - n2)
    return jnp.sum((x1 / n1) * (x2 / n2), axis=dim)


def _pd_rule(op, vals):
    r = D.result_type(vals[0], vals[1], vals[3])
    return r, (r,)


def _pd_check(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    if x1.dtype is D.bool_ and x2.dtype is D.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if not _broadcastable(x1, x2):
        _raise_broadcast(x1, x2)


@register("pairwise_distance", tensors=("x1", "x2", "eps"), dtype=_pd_rule, check=_pd_check, nondiff=("eps",),
          grad="NormBackward1", method=False)
def _pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    d = x1 - x2 + eps
    if d.ndim == 0:
        return vector_norm(d, p, None, keepdim)
    return vector_norm(d, p, d.ndim - 1, keepdim)


def _pdist_check(input, p=2.0):
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")


@register("pdist", check=_pdist_check, dtype="same", method=False)
def _pdist(input, p=2.0):
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    return vector_norm(input[i] - input[j], p, 1)


@register("rrelu_with_noise", tensors=("input", "noise"), nondiff=("noise",), dtype="same",
          grad="RreluWithNoiseBackward0", **_NN)
def _rrelu_with_noise(input, noise):
    return input * noise           # noise: 1 where input > 0, the drawn slope elsewhere


# --- torch.* functions that are not op-table entries (in-place forms, composites); torchlike/__init__ adds them --

def _F():
    from ..nn import functional
    return functional


def relu_(input):
    return _F().relu_(input)


def selu_(input):
    return _F().selu_(input)


def celu_(input, alpha=1.0):
    return _F().celu_(input, alpha)


def threshold_(input, threshold, value):
    return _F().threshold_(input, threshold, value)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _F().rrelu(input, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _F().rrelu_(input, lower, upper, training)


TORCH_EXTRAS = {f.__name__: f for f in (relu_, selu_, celu_, threshold_, rrelu, rrelu_)}
