"""nn.functional: activations, the softmax family, normalize, one_hot and distances (PyTorch's signatures)."""
from __future__ import annotations

import warnings

import numpy as np

from ... import _dtype as D
from ..._ops import dispatch
from ..._ops._registry import OPS
from ..._ops.nn_activation import variant
from ..._tensor import Tensor

__all__ = ["threshold", "threshold_", "relu", "relu_", "hardtanh", "hardtanh_", "relu6", "elu", "elu_", "selu",
           "selu_", "celu", "celu_", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_", "glu", "gelu",
           "logsigmoid", "hardshrink", "tanhshrink", "softsign", "softplus", "softmin", "softmax", "log_softmax",
           "gumbel_softmax", "softshrink", "tanh", "sigmoid", "hardsigmoid", "silu", "mish", "hardswish",
           "normalize", "one_hot", "cosine_similarity", "pairwise_distance", "pdist"]


def _apply(name, input, args, inplace=False, inplace_grad=None, grad=None):
    """Run activation entry `name` on input (in place if asked, under the in-place grad_fn name if it has one)."""
    if inplace:
        op = variant(name, inplace_grad) if inplace_grad else (variant(name, grad) if grad else OPS[name])
        return dispatch.inplace(op, input, args, {})
    op = variant(name, grad) if grad else OPS[name]
    return dispatch.call(op, (input,) + tuple(args), {})


def threshold(input, threshold, value, inplace=False):
    return _apply("threshold", input, (threshold, value), inplace, "ThresholdBackward1")


def threshold_(input, threshold, value):
    return _apply("threshold", input, (threshold, value), True, "ThresholdBackward1")


def relu(input, inplace=False):
    return _apply("relu", input, (), inplace)


def relu_(input):
    return _apply("relu", input, (), True)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _apply("hardtanh", input, (min_val, max_val), inplace)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, True)


def relu6(input, inplace=False):
    return _apply("hardtanh", input, (0.0, 6.0), inplace)


def elu(input, alpha=1.0, inplace=False):
    return _apply("elu", input, (alpha,), inplace, "EluBackward1")


def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


def selu(input, inplace=False):
    return _apply("selu", input, (), inplace, "EluBackward1")


def selu_(input):
    return selu(input, True)


def celu(input, alpha=1.0, inplace=False):
    return _apply("celu", input, (alpha,), inplace, "CeluBackward1")


def celu_(input, alpha=1.0):
    return celu(input, alpha, True)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _apply("leaky_relu", input, (negative_slope,), inplace, "LeakyReluBackward1")


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def prelu(input, weight):
    return dispatch.call("prelu", (input, weight), {})


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    if not training:
        return _apply("leaky_relu", input, ((lower + upper) / 2,), inplace, "RreluWithNoiseBackward1",
                      grad="RreluWithNoiseBackward0")
    OPS["leaky_relu"].check(input)            # "leaky_relu_cpu" not implemented for integral inputs
    noise = _rrelu_noise(input, lower, upper)
    if inplace:
        return dispatch.inplace(variant("rrelu_with_noise", "RreluWithNoiseBackward1"), input, (noise,), {})
    return dispatch.call("rrelu_with_noise", (input, noise), {})


def _rrelu_noise(input, lower, upper):
    """PyTorch's CPU rrelu noise: one uniform_real_distribution<double>(lower, upper) draw per element <= 0, in
    memory order, from the default generator (bit-exact with torch.manual_seed)."""
    from ... import random as R
    from ..._tensor import from_array
    x = np.asarray(input.detach().contiguous()._value())
    neg = (x <= 0).reshape(-1)
    draws = R._gen(None)._u53(int(neg.sum())) * (float(upper) - float(lower)) + float(lower)
    noise = np.ones(x.size, dtype=x.dtype)
    noise[neg] = draws.astype(x.dtype)
    return from_array(noise.reshape(x.shape), input.dtype, input.device)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, True)


def glu(input, dim=-1):
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    return dispatch.call("glu", (input, dim), {})


def gelu(input, approximate="none"):
    return dispatch.call("gelu", (input, approximate), {})


def logsigmoid(input):
    return dispatch.call("log_sigmoid", (input,), {})


def hardshrink(input, lambd=0.5):
    return dispatch.call("hardshrink", (input, lambd), {})


def tanhshrink(input):
    return input - input.tanh()


def softsign(input):
    return input / (input.abs() + 1)


def softplus(input, beta=1.0, threshold=20.0):
    return dispatch.call("softplus", (input, beta, threshold), {})


def softshrink(input, lambd=0.5):
    return dispatch.call("softshrink", (input, lambd), {})


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def hardsigmoid(input, inplace=False):
    return _apply("hardsigmoid", input, (), inplace)


def silu(input, inplace=False):
    return _apply("silu", input, (), inplace)


def mish(input, inplace=False):
    return _apply("mish", input, (), inplace)


def hardswish(input, inplace=False):
    return _apply("hardswish", input, (), inplace)


# --- softmax family -------------------------------------------------------------------------------------

def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return dispatch.call("softmax", (-input, dim, dtype), {})


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return dispatch.call("softmax", (input, dim, dtype), {})


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return dispatch.call("log_softmax", (input, dim, dtype), {})


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    from ..._ops.creation import empty_like, zeros_like
    gumbels = -empty_like(logits).exponential_().log()
    gumbels = (logits + gumbels) / tau
    y_soft = gumbels.softmax(dim)
    if hard:
        index = y_soft.max(dim, keepdim=True)[1]
        y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
        return y_hard - y_soft.detach() + y_soft
    return y_soft


# --- normalize, one_hot, distances ----------------------------------------------------------------------

def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    if out is None:
        denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
        return input / denom
    from ..._ops import FUNCTIONS
    denom = input.norm(p, dim, keepdim=True).clamp_min_(eps).expand_as(input)
    return FUNCTIONS["div"](input, denom, out=out)


def one_hot(tensor, num_classes=-1):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"one_hot(): argument 'input' (position 1) must be Tensor, not {type(tensor).__name__}")
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    vals = np.asarray(tensor._value())
    if vals.size == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if vals.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = int(vals.max()) + 1
        elif vals.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return dispatch.call("one_hot", (tensor, int(num_classes)), {})


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    return dispatch.call("cosine_similarity", (x1, x2, dim, eps), {})


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    return dispatch.call("pairwise_distance", (x1, x2, p, eps, keepdim), {})


def pdist(input, p=2):
    return dispatch.call("pdist", (input, p), {})
