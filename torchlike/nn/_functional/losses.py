"""nn.functional: losses (PyTorch's signatures, reductions, legacy size_average/reduce, warnings and errors)."""
from __future__ import annotations

import math
import warnings

from ... import _autocast
from ..._ops import FUNCTIONS, dispatch
from ..._ops.creation import zeros_like as _zeros_like
from ..._ops.nn_activation import _broadcastable, _raise_broadcast, variant

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss",
           "gaussian_nll_loss", "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss",
           "soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
           "triplet_margin_loss", "triplet_margin_with_distance_loss", "ctc_loss"]

_ENUM = {"none": 0, "mean": 1, "sum": 2}
_NAMES = {0: "none", 1: "mean", 2: "sum"}


def get_enum(reduction):
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return 1
    if reduction not in _ENUM:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _ENUM[reduction]


def legacy_get_string(size_average, reduce, emit_warning=True):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      stacklevel=3)
    return ret


def _reduction(size_average, reduce, reduction):
    """The reduction enum of a loss call (legacy arguments win, with PyTorch's deprecation warning)."""
    if size_average is not None or reduce is not None:
        return _ENUM[legacy_get_string(size_average, reduce)]
    return get_enum(reduction)


def _apply_reduction(loss, red):
    return loss.mean() if red == 1 else loss.sum() if red == 2 else loss


def _warn_size(input, target):
    if target.size() != input.size():
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=3)


def _check_broadcast(a, b):
    if not _broadcastable(a, b):
        _raise_broadcast(a, b)


def _weighted(errors, weight, input, reduction, mean_by_weight=True):
    """The `weight=` path of mse/l1/huber: elementwise errors times weight; mse/l1's mean is normalised by
    sum(weight), huber's is a plain mean."""
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    w = errors * weight
    if reduction == "none":
        return w
    if reduction == "sum":
        return w.sum()
    if reduction == "mean":
        return w.sum() / weight.sum() if mean_by_weight else w.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


# --- regression -----------------------------------------------------------------------------------------

def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    _check_broadcast(input, target)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction)
    return dispatch.call("mse_loss", (input, target, get_enum(reduction)), {})


def _l1(input, target, red):
    return _apply_reduction((input - target).abs(), red)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        input, target = _autocast.cast("l1_loss", input, target)
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    _check_broadcast(input, target)
    if weight is not None:
        return _weighted((input - target).abs(), weight, input, reduction)
    return _l1(input, target, get_enum(reduction))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    _check_broadcast(input, target)
    red = get_enum(reduction)
    if beta == 0.0:
        return _l1(input, target, red)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return dispatch.call("smooth_l1_loss", (input, target, red, beta), {})


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _warn_size(input, target)
    _check_broadcast(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return dispatch.call("huber_loss", (input, target, get_enum(reduction), delta), {})
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    return _weighted(dispatch.call("huber_loss", (input, target, 0, delta), {}), weight, input, reduction, False)


# --- classification -------------------------------------------------------------------------------------

def _shape(s):
    return "[" + ", ".join(map(str, s)) + "]"


def _nll_loss_nd(input, target, weight, red, ignore_index):
    nd = input.dim()
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and input.shape[0] != (target.shape[0] if target.dim() else 0):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if target.dim() else 0}).")
    if nd <= 2:
        if target.dim() > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if nd == 1 and target.dim() == 1 and target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
        return dispatch.call("nll_loss", (input, target, weight, red, ignore_index), {})
    if nd == 4:
        return _nll_loss2d(input, target, weight, red, ignore_index)
    n, c = input.shape[0], input.shape[1]
    out_size = (n,) + tuple(input.shape[2:])
    if tuple(target.shape[1:]) != tuple(input.shape[2:]):
        raise RuntimeError(f"Expected target size {_shape(out_size)}, got {_shape(target.shape)}")
    if input.numel() > 0:
        x, t = input.contiguous().view(n, c, 1, -1), target.contiguous().view(n, 1, -1)
    else:
        x, t = input.contiguous().view(n, c, 0, 0), target.contiguous().view(n, 0, 0)
    out = _nll_loss2d(x, t, weight, red, ignore_index)
    return out if red != 0 else out.view(out_size)


def _nll_loss2d(input, target, weight, red, ignore_index):
    if target.dim() != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                           f"{target.dim()}")
    if (input.shape[0], input.shape[2], input.shape[3]) != tuple(target.shape):
        raise RuntimeError(f"size mismatch (got input: {_shape(input.shape)} , target: {_shape(target.shape)}")
    return dispatch.call(variant("nll_loss", "NllLoss2DBackward0"), (input, target, weight, red, ignore_index), {})


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    red = _reduction(size_average, reduce, reduction)
    return _nll_loss_nd(input, target, weight, red, ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        input, target, weight = _autocast.cast("cross_entropy", input, target, weight)
    red = _reduction(size_average, reduce, reduction)
    class_dim = 0 if input.dim() == 1 else 1
    if tuple(input.shape) == tuple(target.shape):          # class probabilities
        if not target.dtype.is_floating_point:
            from ..._ops.dispatch import scalar_name
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{scalar_name(target.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        op = variant("cross_entropy_prob", "DivBackward1" if red == 1 else "NegBackward0")
        return dispatch.call(op, (input, target, weight, red, float(label_smoothing)), {})
    lsm = dispatch.call("log_softmax", (input, class_dim), {})
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
        return _label_smoothing(lsm, target, weight, red, ignore_index, label_smoothing, class_dim)
    return _nll_loss_nd(lsm, target, weight, red, ignore_index)


def _label_smoothing(lsm, target, weight, red, ignore_index, ls, class_dim):
    n_classes = lsm.shape[class_dim]
    nll = _nll_loss_nd(lsm, target, weight, red, ignore_index)
    ignore = target == ignore_index
    if weight is not None:
        shape = [1] * lsm.dim()
        shape[class_dim] = weight.shape[0]
        smooth = -(lsm * weight.view(shape)).sum(class_dim)
    else:
        smooth = -lsm.sum(class_dim)
    smooth = smooth.masked_fill(ignore, 0.0)
    if red == 1:
        if weight is not None:
            ret = smooth.sum() / weight.gather(0, target.masked_select(~ignore).flatten()).sum()
        else:
            ret = smooth.sum() / (~ignore).sum()
    else:
        ret = smooth.sum() if red == 2 else smooth
    return (1 - ls) * nll + ret * (ls / n_classes)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    red = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    if weight is not None:
        shape = _broadcast_shapes_checked(tuple(target.shape), tuple(weight.shape))
        weight = weight.expand(shape)
    return dispatch.call("binary_cross_entropy", (input, target, weight, red), {})


def _broadcast_shapes_checked(*shapes):
    """torch.broadcast_shapes with its error message."""
    n = max(len(s) for s in shapes)
    out = [1] * n
    for s in shapes:
        for i in range(-1, -len(s) - 1, -1):
            if out[i] == 1:
                out[i] = s[i]
            elif s[i] != 1 and s[i] != out[i]:
                k = shapes.index(s)
                raise RuntimeError(f"Attempting to broadcast a dimension of length {s[i]} at {i}! Mismatching "
                                   f"argument at index {k} had torch.Size({list(s)}); but expected shape should be "
                                   f"broadcastable to {_shape(out)}")
    return tuple(out)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    red = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    return dispatch.call("binary_cross_entropy_with_logits", (input, target, weight, pos_weight, red), {})


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        input, target = _autocast.cast("kl_div", input, target)
    if size_average is not None or reduce is not None:
        red = _ENUM[legacy_get_string(size_average, reduce)]
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        red = 2 if reduction == "batchmean" else get_enum(reduction)
    for t in (input, target):
        if t.dtype.is_complex:
            raise RuntimeError("kl_div: Complex inputs not supported.")
        if not t.dtype.is_floating_point:
            raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        out = target.exp() * (target - input)
    else:
        out = FUNCTIONS["xlogy"](target, target) - target * input
    reduced = _apply_reduction(out, red)
    if reduction == "batchmean" and input.dim() != 0:
        reduced = reduced / input.size()[0]
    return reduced


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        input, target = _autocast.cast("poisson_nll_loss", input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _apply_reduction(loss, _ENUM[reduction])


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        (log_probs,) = _autocast.cast("ctc_loss", log_probs)
    return FUNCTIONS["ctc_loss"](log_probs, targets, input_lengths, target_lengths, blank, get_enum(reduction),
                                 zero_infinity)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    from ..._ops.creation import ones_like
    from ... import no_grad
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(y for x, y in zip(input.size(), var.size()) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _apply_reduction(loss, _ENUM[reduction])


# --- embedding / ranking / margin losses ----------------------------------------------------------------

def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        input1, input2, target = _autocast.cast("cosine_embedding_loss", input1, input2, target)
    red = _reduction(size_average, reduce, reduction)
    td = target.dim()
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if td == 1 and not (input1.dim() == 2 and input2.dim() == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{_shape(input1.shape)} and {_shape(input2.shape)}.")
    if td == 0 and not (input1.dim() == 1 and input2.dim() == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{_shape(input1.shape)} and {_shape(input2.shape)}.")
    where = FUNCTIONS["where"]
    prod = (input1 * input2).sum(td)
    mag1 = (input1 * input1).sum(td) + 1e-12
    mag2 = (input2 * input2).sum(td) + 1e-12
    cos = prod / (mag1 * mag2).sqrt()
    zeros = _zeros_like(cos)
    out = where(target == 1, 1 - cos, zeros) + where(target == -1, (cos - margin).clamp_min(0), zeros)
    return _apply_reduction(out, red)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        input1, input2, target = _autocast.cast("margin_ranking_loss", input1, input2, target)
    red = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _apply_reduction((-target * (input1 - input2) + margin).clamp_min(0), red)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        input, target = _autocast.cast("hinge_embedding_loss", input, target)
    red = _reduction(size_average, reduce, reduction)
    where = FUNCTIONS["where"]
    zeros = _zeros_like(input)
    out = where(target != 1, (margin - input).clamp_min(0), zeros) + where(target != -1, input, zeros)
    return _apply_reduction(out, red)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    red = _reduction(size_average, reduce, reduction)
    return dispatch.call("soft_margin_loss", (input, target, red), {})


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    red = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    return dispatch.call("multi_margin_loss", (input, target, p, margin, weight, red), {})


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    red = _reduction(size_average, reduce, reduction)
    return dispatch.call("multilabel_margin_loss", (input, target, red), {})


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    from .activations import logsigmoid
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _apply_reduction(loss, _ENUM[reduction])


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    if _autocast.ACTIVE:        # autocast region: PyTorch's float32 policy for this loss
        anchor, positive, negative = _autocast.cast("triplet_margin_loss", anchor, positive, negative)
    red = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not a == pd == nd:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pd}D, and negative {nd}D inputs")
    from .activations import pairwise_distance
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = FUNCTIONS["minimum"](d_neg, pairwise_distance(positive, negative, p, eps))
    return _apply_reduction((margin + d_pos - d_neg).clamp_min(0), red)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: expected margin to be greater than 0, got {margin} "
                         "instead")
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not a == pd == nd:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pd}D, and negative {nd}D inputs")
    from .activations import pairwise_distance
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = FUNCTIONS["minimum"](d_neg, dist(positive, negative))
    loss = (d_pos - d_neg + margin).clamp_min(0)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")
