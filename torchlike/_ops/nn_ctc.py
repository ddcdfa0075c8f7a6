"""torch.ctc_loss (F.ctc_loss / nn.CTCLoss call it): the CTC negative log likelihood, as PyTorch computes it.

The core entry `_ctc_loss` gives the per-sample nll (CtcLossBackward0): the alpha recursion over the extended label
sequence (blank, l1, blank, l2, ..., blank) runs in log space as one jax.lax.scan over time, batched over samples,
holding each sample's alphas once its input length is reached. Its gradient is PyTorch's CTC backward, which is the
gradient w.r.t. log_probs *through a log_softmax*: exp(log_probs) + d nll / d log_probs for t < input_length (0
after it), NaN for an impossible alignment (infinite nll) and 0 there under zero_infinity. torch.ctc_loss adds
zero_infinity's where and the reduction ('mean' divides each loss by its target length clamped to 1, then averages)
with ordinary ops, as ATen's ctc_loss_impl does.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from . import dispatch, views
from .dispatch import scalar_name
from ._registry import register

_C = " (while checking arguments for ctc_loss_allocate_outputs)"


def _lse(*xs):
    """log(sum(exp(x))) of same-shaped arrays, -inf where all are -inf, with finite (zero) gradients there."""
    m = xs[0]
    for x in xs[1:]:
        m = jnp.maximum(m, x)
    finite = jnp.isfinite(m)
    ms = jnp.where(finite, m, 0)
    s = sum(jnp.exp(x - ms) for x in xs)
    ok = finite & (s > 0)
    return jnp.where(ok, ms + jnp.log(jnp.where(ok, s, 1)), -jnp.inf)


def _shift(a, k, fill):
    if k >= a.shape[-1]:
        return jnp.full(a.shape, fill, a.dtype)
    return jnp.concatenate([jnp.full(a.shape[:-1] + (k,), fill, a.dtype), a[..., :-k]], axis=-1)


def _nll(log_probs, ext, allow, il, sl):
    """Per-sample -log p(target | input) by the alpha recursion. ext (N, L): extended labels; allow (N, L): the
    skip transition s-2 -> s is allowed; il, sl: input and target lengths."""
    t_max = log_probs.shape[0]
    neg = jnp.array(-jnp.inf, log_probs.dtype)
    lpe = jnp.take_along_axis(log_probs, jnp.broadcast_to(ext[None], (t_max,) + ext.shape), axis=2)   # (T, N, L)
    pos = jnp.arange(ext.shape[1])
    a0 = jnp.where(pos[None] < 2, lpe[0], neg)

    def step(a, xs):
        t, lpt = xs
        new = _lse(a, _shift(a, 1, neg), jnp.where(allow, _shift(a, 2, neg), neg)) + lpt
        return jnp.where((t < il)[:, None], new, a), None

    a, _ = jax.lax.scan(step, a0, (jnp.arange(1, t_max), lpe[1:]))
    end = 2 * sl
    last = jnp.take_along_axis(a, end[:, None], axis=1)[:, 0]
    prev = jnp.where(sl > 0, jnp.take_along_axis(a, jnp.maximum(end - 1, 0)[:, None], axis=1)[:, 0], neg)
    ll = _lse(last, prev)
    ll = jnp.where(il == 0, jnp.where(sl == 0, jnp.zeros((), ll.dtype), neg), ll)
    return -ll


@jax.custom_vjp
def _ctc_core(log_probs, ext, allow, il, sl, zero_infinity):
    return _nll(log_probs, ext, allow, il, sl)


def _ctc_fwd(log_probs, ext, allow, il, sl, zero_infinity):
    nll = _nll(log_probs, ext, allow, il, sl)
    return nll, (log_probs, ext, allow, il, sl, zero_infinity, nll)


def _ctc_bwd(res, g):
    log_probs, ext, allow, il, sl, zero_infinity, nll = res
    _, pull = jax.vjp(lambda lp: _nll(lp, ext, allow, il, sl), log_probs)
    (true,) = pull(g)
    live = (jnp.arange(log_probs.shape[0])[:, None] < il[None, :])[..., None]          # (T, N, 1)
    grad = jnp.where(live, jnp.exp(log_probs) * g[None, :, None] + true, 0)
    inf = jnp.isinf(nll)[None, :, None]
    grad = jnp.where(inf & zero_infinity, 0, jnp.where(inf & live, jnp.nan, grad))
    return grad, None, None, None, None, None


_ctc_core.defvjp(_ctc_fwd, _ctc_bwd)


def _ctc_dtype(op, vals):
    d = vals[0].dtype
    return d, (d,)


@register("_ctc_loss", tensors=("log_probs", "targets", "input_lengths", "target_lengths"), cast=("log_probs",),
          dtype=_ctc_dtype, nondiff=("targets", "input_lengths", "target_lengths"), method=False, function=False,
          grad="CtcLossBackward0")
def _ctc_loss_core(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, max_target):
    """log_probs (T, N, C); targets (N, S) padded or 1-D concatenated; lengths (N,) -> nll (N,)."""
    targets = targets.astype(jnp.int32)
    il, sl = input_lengths.astype(jnp.int32), target_lengths.astype(jnp.int32)
    if targets.ndim == 1:
        offsets = jnp.cumsum(sl) - sl
        idx = jnp.clip(offsets[:, None] + jnp.arange(max_target)[None], 0, max(targets.shape[0] - 1, 0))
        labels = targets[idx] if targets.shape[0] else jnp.zeros(idx.shape, jnp.int32)
    else:
        labels = targets[:, :max_target]
    n = labels.shape[0]
    ext = jnp.full((n, 2 * max_target + 1), blank, jnp.int32).at[:, 1::2].set(labels)
    ext = jnp.clip(ext, 0, log_probs.shape[2] - 1)
    allow = (ext != blank) & (ext != _shift(ext, 2, -1))
    return _ctc_core(log_probs, ext, allow, il, sl, jnp.asarray(zero_infinity))


def _lengths(v, name):
    """A lengths argument as a host tuple of ints (a tensor's values, flattened, as ATen's IntArrayRef)."""
    if isinstance(v, Tensor):
        if not v.dtype.is_integral or v.dtype is D.bool_:
            raise RuntimeError(f"{name} must be integral")
        return tuple(int(x) for x in np.asarray(v.detach().cpu()._value()).reshape(-1))
    return tuple(int(x) for x in v)


def _kind_check(input_lengths, target_lengths):
    kinds = [isinstance(v, Tensor) for v in (input_lengths, target_lengths)]
    seqs = [isinstance(v, (tuple, list)) and all(isinstance(x, int) and not isinstance(x, bool) for x in v)
            for v in (input_lengths, target_lengths)]
    if not (all(kinds) or all(seqs)):
        got = ", ".join(type(v).__name__ for v in (input_lengths, target_lengths))
        raise TypeError(f"ctc_loss() received an invalid combination of arguments - got (Tensor, Tensor, {got}, int, "
                        "int, bool), but expected one of:\n * (Tensor log_probs, Tensor targets, tuple of ints "
                        "input_lengths, tuple of ints target_lengths, int blank = 0, int reduction = "
                        "at::Reduction::Mean, bool zero_infinity = False)\n * (Tensor log_probs, Tensor targets, "
                        "Tensor input_lengths, Tensor target_lengths, int blank = 0, int reduction = "
                        "at::Reduction::Mean, bool zero_infinity = False)\n")


def _validate(log_probs, targets, il, tl, blank):
    """ATen's ctc_loss_allocate_outputs checks; returns the longest target."""
    if log_probs.dim() != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.dim()}-dimensional tensor for argument "
                           f"#1 'log_probs'" + _C)
    if not 1 <= targets.dim() <= 2:
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.dim()}-dimensional tensor for argument #2 "
                           "'targets'" + _C)
    n, c = log_probs.shape[1], log_probs.shape[2]
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if len(il) != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(tl) != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    for v in tl:
        if v < 0:
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {v}" + _C)
    longest = max(tl, default=0)
    want, dim = (sum(tl), 0) if targets.dim() == 1 else (n, 0)
    if targets.shape[dim] != want:
        raise RuntimeError(f"Expected tensor to have size {want} at dimension {dim}, but got size "
                           f"{targets.shape[dim]} for argument #2 'targets'" + _C)
    if targets.dim() == 2 and targets.shape[1] < longest:
        raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                           f"{targets.shape[1]} for argument #2 'targets'" + _C)
    t_max = log_probs.shape[0]
    for v in il:
        if v < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {v}" + _C)
        if v > t_max:
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value {v}" + _C)
    return longest


@views.view_op("ctc_loss", method=False)
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    """torch.ctc_loss: `reduction` is the enum (0 none, 1 mean, 2 sum), as torch's."""
    _kind_check(input_lengths, target_lengths)
    il, tl = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    if log_probs.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    if lp.dtype not in (D.float32, D.float64):
        raise NotImplementedError(f'"ctc_loss_cpu" not implemented for \'{scalar_name(lp.dtype)}\'')
    longest = _validate(lp, targets, il, tl, blank)
    if targets.dim() == 2:
        longest = targets.shape[1]          # padded targets: the kernel's shape follows the tensor's (no recompiles)
    dev = lp.device
    res = dispatch.call("_ctc_loss", (lp, targets, _long(il, dev), _long(tl, dev), int(blank), bool(zero_infinity),
                                      int(longest)), {})
    if zero_infinity:
        res = res.where(res != float("inf"), res.new_zeros(()))
    if reduction == 1:
        return (res / _long(tl, dev).to(res.dtype).clamp_min(1)).mean()
    if reduction == 2:
        return res.sum()
    return res if batched else res.squeeze(0)


def _long(values, device):
    from . import creation
    return creation.tensor(list(values), dtype=D.int64, device=device)
