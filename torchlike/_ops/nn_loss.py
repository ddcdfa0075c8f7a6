"""Loss ops: one entry per ATen loss kernel (mse, smooth_l1, huber, binary_cross_entropy[_with_logits], nll_loss,
soft/multi margin). `reduction` is ATen's enum (0 none, 1 mean, 2 sum), like torch.binary_cross_entropy_with_logits.

Gradients follow PyTorch's backward formulas where they differ from plain differentiation (binary_cross_entropy's
clamped denominator, nll_loss's ignored rows); weights are not differentiable, as in PyTorch.
"""
from __future__ import annotations

import weakref

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D, _trace_state
from .._storage import numpy_view
from ..autograd import grad_mode
from ._registry import register
from .dispatch import scalar_name
from .nn_activation import _broadcastable, _raise_broadcast, float_only, opmath

_NN = dict(method=False, function=False)


def reduce(loss, reduction):
    if reduction == 1:
        return jnp.mean(loss)
    if reduction == 2:
        return jnp.sum(loss)
    return loss


def no_grad_for(fname, arg, t):
    """PyTorch refuses a `weight` that requires grad for losses whose weight is not differentiable."""
    if t is not None and getattr(t, "requires_grad", False) and grad_mode.is_grad_enabled():
        raise RuntimeError(f"The function '{fname}' is not differentiable with respect to argument '{arg}'. This "
                           "input cannot have requires_grad True.")


def _pair_check(kernel):
    def check(input, target, *rest):
        d = D.result_type(input, target)
        if d._category <= 1:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(d)}\'')
        if not _broadcastable(input, target):
            _raise_broadcast(input, target)
    return check


def _input_dtype(op, vals):
    """Computed in the promoted dtype, returned in the input's (huber_loss, soft_margin_loss)."""
    return D.result_type(vals[0], vals[1]), (vals[0].dtype,)


def _abs(d):
    return d * jnp.sign(d)                   # |d| with gradient 0 at 0, as PyTorch's sgn


# --- regression losses ----------------------------------------------------------------------------------

@register("mse_loss", tensors=("input", "target"), check=_pair_check("mse_cpu"), **_NN)
def _mse_loss(input, target, reduction=1):
    d = input - target
    return reduce(d * d, reduction)


@register("smooth_l1_loss", tensors=("input", "target"), check=_pair_check("smooth_l1_cpu"), **_NN)
def _smooth_l1_loss(input, target, reduction=1, beta=1.0):
    d = input - target
    z = _abs(d)
    return reduce(jnp.where(z < beta, 0.5 * d * d / beta, z - 0.5 * beta), reduction)


@register("huber_loss", tensors=("input", "target"), check=_pair_check("huber_cpu"), dtype=_input_dtype, **_NN)
def _huber_loss(input, target, reduction=1, delta=1.0):
    d = input - target
    z = _abs(d)
    return reduce(jnp.where(z < delta, 0.5 * d * d, delta * (z - 0.5 * delta)), reduction)


@register("soft_margin_loss", tensors=("input", "target"), nondiff=("target",), check=_pair_check("soft_margin"),
          dtype=_input_dtype, **_NN)
def _soft_margin_loss(input, target, reduction=1):
    return reduce(jnp.log1p(jnp.exp(-input * target)), reduction)


# --- binary cross entropy -------------------------------------------------------------------------------

@jax.custom_vjp
def _bce_core(x, t):
    return (t - 1) * jnp.maximum(jnp.log1p(-x), -100) - t * jnp.maximum(jnp.log(x), -100)


def _bce_fwd(x, t):
    return _bce_core(x, t), (x, t)


def _bce_bwd(res, g):
    x, t = res
    gx = g * (x - t) / jnp.maximum((1 - x) * x, 1e-12)          # PyTorch's binary_cross_entropy_backward
    gt = g * (jnp.log1p(-x) - jnp.log(x))                       # ... and binary_cross_entropy_target_backward
    return gx, gt


_bce_core.defvjp(_bce_fwd, _bce_bwd)


@jax.jit
def _in_unit_interval(x):
    return jnp.all((x >= 0) & (x <= 1))


def _first_bad_target(target, ignore_index, c):
    """The first target outside [0, c) other than ignore_index, or None. Checked on the host: the targets are
    inputs (ready), so this waits for nothing else in flight (a device-side check would wait for the queue)."""
    st = target._storage
    if st._np is not None and _trace_state.current is None:   # NumPy-shared: read in place, no device round trip
        t = numpy_view(st._np, target._size, target._stride, target._offset).reshape(-1)
    else:
        v = target._value()
        if isinstance(v, jax.core.Tracer):
            raise jax.errors.TracerArrayConversionError(v)     # compile: the check cannot run (and is skipped)
        t = np.asarray(v).reshape(-1)
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    return t[bad.argmax()] if bad.any() else None


def _bce_check(input, target, weight=None, reduction=1):
    no_grad_for("binary_cross_entropy", "weight", weight)
    if input.dtype._category <= 1:
        raise NotImplementedError(f'"binary_cross_entropy" not implemented for \'{scalar_name(input.dtype)}\'')
    for t in (target, weight):
        if t is not None and t.dtype is not input.dtype:
            raise RuntimeError(f"Found dtype {scalar_name(t.dtype)} but expected {scalar_name(input.dtype)}")
    for t, name in ((input, "input"), (target, "target")):
        if not _in_unit_interval(t._value()):          # reduced on the tensor's device: one bool comes back
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")


@register("binary_cross_entropy", tensors=("input", "target", "weight"), nondiff=("weight",), check=_bce_check,
          grad="BinaryCrossEntropyBackward0", **_NN)
@opmath
def _binary_cross_entropy(input, target, weight=None, reduction=1):
    loss = _bce_core(input, target.astype(input.dtype))
    if weight is not None:
        loss = loss * weight.astype(input.dtype)
    return reduce(loss, reduction)


def _bcel_check(input, target, weight=None, pos_weight=None, reduction=0):
    no_grad_for("binary_cross_entropy_with_logits", "weight", weight)
    no_grad_for("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    d = D.result_type(input, target)
    if d._category <= 1:
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for \'{scalar_name(d)}\'')
    shapes = [t for t in (input, target, weight, pos_weight) if t is not None]
    for a in shapes[1:]:
        if not _broadcastable(input, a):
            _raise_broadcast(a, input) if a is pos_weight else _raise_broadcast(input, a)


@register("binary_cross_entropy_with_logits", tensors=("input", "target", "weight", "pos_weight"),
          nondiff=("weight", "pos_weight"), check=_bcel_check, method=False)
@opmath
def _binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    # (torch.binary_cross_entropy_with_logits's default reduction is 'none'; F passes it explicitly)
    log_sig = jax.nn.log_sigmoid(input)
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input - log_sig
    if weight is not None:
        loss = loss * weight
    return reduce(loss, reduction)


# --- negative log likelihood (1-D/2-D inputs; also the 4-D nll_loss2d, recorded as NllLoss2DBackward0) -----

def nll_check(input, target, weight=None, reduction=1, ignore_index=-100):
    no_grad_for("nll_loss_forward" if input.dim() < 4 else "nll_loss2d_forward", "weight", weight)
    if target.dtype not in (D.int64, D.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {scalar_name(target.dtype)}")
    nd = input.dim()
    c = input.shape[0 if nd == 1 else 1] if nd else 1
    if weight is not None:
        if nd == 4 and weight.numel() != c:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        if nd != 4 and (weight.dim() != 1 or weight.numel() != c):
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: [{', '.join(map(str, weight.shape))}]")
        if weight.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {scalar_name(input.dtype)} but found "
                               f"{scalar_name(weight.dtype)}")
    if input.dtype._category <= 1:
        raise NotImplementedError(f'"nll_loss{"2d_forward" if nd == 4 else ""}_out_frame" not implemented for '
                                  f"'{scalar_name(input.dtype)}'")
    st = target._storage
    key = (st.version, target._offset, target._size, target._stride, ignore_index, c)
    if st._np is None and _CHECKED.get(st) == key:   # already checked (a full-batch loop reuses its targets);
        return                                          # NumPy-shared targets may change unseen: always checked
    first = _first_bad_target(target, ignore_index, c)
    if first is not None:
        raise IndexError(f"Target {int(first)} is out of bounds.")
    _CHECKED[st] = key


_CHECKED = weakref.WeakKeyDictionary()      # Storage -> the view and bounds its values were checked for


@register("nll_loss", tensors=("input", "target", "weight"), cast=("input", "weight"), nondiff=("target", "weight"),
          check=nll_check, **_NN)
def _nll_loss(input, target, weight=None, reduction=1, ignore_index=-100):
    cax = 0 if input.ndim == 1 else 1
    t = target.astype(jnp.int64)
    if input.ndim == 1:
        t = t.reshape(())
    valid = t != ignore_index
    safe = jnp.where(valid, t, 0)
    if input.ndim == 1:
        picked = input[safe]
    else:
        picked = jnp.squeeze(jnp.take_along_axis(input, jnp.expand_dims(safe, cax), axis=cax), cax)
    w = jnp.ones((), input.dtype) if weight is None else weight[safe]
    w = jnp.where(valid, w, jnp.zeros((), input.dtype))
    if reduction == 0:
        return -picked * w
    if reduction == 2:
        return jnp.sum(-picked * w)
    total = jnp.sum(w)
    # sum(-x*w)/total; ignored rows get no gradient even when total is 0 (PyTorch's nll_loss_backward)
    share = jnp.where(valid, w / total, jnp.zeros((), input.dtype))
    return jnp.sum(-picked * share) + jnp.where(jnp.any(valid), 0, jnp.nan).astype(input.dtype)


# --- cross entropy with class probabilities: -(log_softmax(x) * target * weight) reduced ------------------

def _ce_prob_check(input, target, weight=None, reduction=1, label_smoothing=0.0):
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{scalar_name(target.dtype)}")
    c = input.shape[0 if input.dim() == 1 else 1] if input.dim() else 1
    if weight is not None and (weight.dim() != 1 or weight.numel() != c):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {c} classes or no "
                           f"classes but got weight tensor of shape: [{', '.join(map(str, weight.shape))}]")
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    float_only("log_softmax_lastdim_kernel_impl")(input)


@register("cross_entropy_prob", tensors=("input", "target", "weight"),
          check=_ce_prob_check, grad="DivBackward1", **_NN)
def _cross_entropy_prob(input, target, weight=None, reduction=1, label_smoothing=0.0):
    cax = 0 if input.ndim <= 1 else 1
    n = input.shape[cax] if input.ndim else 1
    lsm = jax.nn.log_softmax(input.astype(jnp.float32) if input.dtype in (jnp.float16, jnp.bfloat16) else input,
                             axis=cax if input.ndim else None).astype(input.dtype)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n
    prod = lsm * target
    if weight is not None:
        prod = prod * (weight.reshape((-1,) + (1,) * (input.ndim - 2)) if input.ndim > 1 else weight)
    if reduction == 0:
        return -jnp.sum(prod, axis=cax) if input.ndim else -prod
    s = -jnp.sum(prod)
    if reduction == 2:
        return s
    return s / (input.size // n) if input.size else s * jnp.nan


# --- margin losses --------------------------------------------------------------------------------------

def _mm_check(input, target, p=1, margin=1.0, weight=None, reduction=1):
    nd = input.dim()
    if not (nd <= 2 and (nd == 0 or input.shape[-1] > 0)):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"[{', '.join(map(str, input.shape))}]")
    n = input.shape[0] if nd == 2 else 1
    if target.dim() > 1 or target.numel() != n:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{n}], but got "
                           f"[{', '.join(map(str, target.shape))}]. Input has shape "
                           f"[{', '.join(map(str, input.shape))}].")
    c = input.shape[-1] if nd else 1
    if weight is not None and (weight.dim() > 1 or weight.numel() != c):
        raise RuntimeError(f"inconsistent weight size, expected {c} but got [{', '.join(map(str, weight.shape))}]")
    no_grad_for("multi_margin_loss", "weight", weight)
    t = np.asarray(target._value())
    bad = (t < 0) | (t >= c)
    if bad.any():
        raise RuntimeError("target out of range")


@register("multi_margin_loss", tensors=("input", "target", "weight"), cast=("input", "weight"),
          nondiff=("target", "weight"), check=_mm_check, **_NN)
def _multi_margin_loss(input, target, p=1, margin=1.0, weight=None, reduction=1):
    x = input.reshape((-1, input.shape[-1] if input.ndim else 1))
    t = target.reshape(-1).astype(jnp.int64)
    c = x.shape[1]
    xt = jnp.take_along_axis(x, t[:, None], axis=1)
    z = jnp.maximum(margin - xt + x, 0)
    z = z * z if p == 2 else z
    if weight is not None:
        z = z * weight[t][:, None]
    z = jnp.where(jnp.arange(c)[None, :] == t[:, None], jnp.zeros((), x.dtype), z)
    per = jnp.sum(z, axis=1) / c
    if reduction == 0:
        return per.reshape(input.shape[:-1]) if input.ndim == 2 else per.reshape(())
    return reduce(per, reduction)


def _mlm_check(input, target, reduction=1):
    nd = input.dim()
    if not (nd <= 2 and (nd == 0 or input.shape[-1] > 0)):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"[{', '.join(map(str, input.shape))}]")
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: [{', '.join(map(str, target.shape))}] for input of size: "
                           f"[{', '.join(map(str, input.shape))}]")
    c = input.shape[-1] if nd else 1
    t = np.asarray(target._value())
    if ((t < -1) | (t >= c)).any():
        raise RuntimeError("argument #2 'target' is out of range")


@register("multilabel_margin_loss", tensors=("input", "target"), cast=("input",), nondiff=("target",),
          check=_mlm_check, **_NN)
def _multilabel_margin_loss(input, target, reduction=1):
    x = input.reshape((-1, input.shape[-1] if input.ndim else 1))
    t = target.reshape(x.shape).astype(jnp.int64)
    c = x.shape[1]
    # the targets are the entries before the first -1
    live = jnp.cumprod(t >= 0, axis=1).astype(bool)
    rows = jnp.arange(x.shape[0])[:, None]
    is_target = jnp.zeros(x.shape, jnp.int32).at[rows, jnp.where(live, t, 0)].max(live.astype(jnp.int32)) > 0
    xt = jnp.take_along_axis(x, jnp.where(live, t, 0), axis=1)                     # (N, C) target scores
    z = jnp.maximum(1 - xt[:, :, None] + x[:, None, :], 0)                          # (N, target j, class i)
    z = jnp.where(live[:, :, None] & ~is_target[:, None, :], z, jnp.zeros((), x.dtype))
    per = jnp.sum(z, axis=(1, 2)) / c
    if reduction == 0:
        return per.reshape(input.shape[:-1]) if input.ndim == 2 else per.reshape(())
    return reduce(per, reduction)


# --- torch.* loss functions that are composites (reduction is ATen's enum; as
# PyTorch 2.13's bindings, it defaults to 0 = 'none'); torchlike/__init__ adds them

_RED = {0: "none", 1: "mean", 2: "sum"}


def _F():
    from ..nn import functional
    return functional


def kl_div(input, target, reduction=0, *, log_target=False):
    return _F().kl_div(input, target, reduction=_RED[reduction], log_target=log_target)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    return _F().cosine_embedding_loss(input1, input2, target, margin, reduction=_RED[reduction])


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    return _F().hinge_embedding_loss(input, target, margin, reduction=_RED[reduction])


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    return _F().margin_ranking_loss(input1, input2, target, margin, reduction=_RED[reduction])


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return _F().poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_RED[reduction])


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, reduction=0):
    return _F().triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_RED[reduction])


TORCH_EXTRAS = {f.__name__: f for f in (kl_div, cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss,
                                        poisson_nll_loss, triplet_margin_loss)}
