"""nn.functional: convolution, pooling, normalization, dropout, embedding, padding and resampling layers."""
from __future__ import annotations

import math
import warnings

from ... import _autocast
from ..._ops import FUNCTIONS as _F, creation as _creation, dispatch as _dispatch, nn_misc as _misc, nn_pool as _pool

conv1d = _F["conv1d"]
conv2d = _F["conv2d"]
conv3d = _F["conv3d"]
conv_transpose1d = _F["conv_transpose1d"]
conv_transpose2d = _F["conv_transpose2d"]
conv_transpose3d = _F["conv_transpose3d"]

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


# --- pooling ---------------------------------------------------------------------------------------------------

def _call(name, *args):
    return _dispatch.call(name, args, {})


def _list_with_default(out_size, defaults):
    if isinstance(out_size, int):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    return [v if v is not None else d for v, d in zip(out_size, defaults[-len(out_size):])]


def _expand_int(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    k, s, p, d = _pool.max_pool1d_check(input, kernel_size, stride, padding, dilation, ceil_mode)
    x = input.unsqueeze(-2)
    args = (x, (1, k), (1, s), (0, p), (1, d), ceil_mode)
    if return_indices:
        out, idx = _call("max_pool2d_with_indices", *args)
        return out.squeeze(-2), idx.squeeze(-2)
    return _call("max_pool2d", *args).squeeze(-2)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    if return_indices:
        return _call("max_pool2d_with_indices", input, kernel_size, stride, padding, dilation, ceil_mode)
    return _call("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    if return_indices:
        return _call("max_pool3d_with_indices", input, kernel_size, stride, padding, dilation, ceil_mode)
    return _call("max_pool3d", input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _check1d(fn, arg, v):
    t = _expand_int(v, 1)
    if len(t) != 1:
        raise RuntimeError(f"{fn}() argument '{arg}' should contain one int (got {len(t)})")
    return t[0]


def _dim_range(fn, input, lo, hi):
    if not lo <= input.dim() < hi:
        raise RuntimeError(f"Expected {lo} to {hi - 1} dimensions, but got {input.dim()}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for {fn})")


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    _dim_range("avg_pool1d", input, 2, 4)
    k = _check1d("avg_pool1d", "kernel_size", kernel_size)
    s = k if stride is None or stride == () or stride == [] else _check1d("avg_pool1d", "stride", stride)
    p = _check1d("avg_pool1d", "padding", padding)
    out = _call("avg_pool2d", input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode, count_include_pad, None)
    return out.squeeze(-2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _call("avg_pool2d", input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _call("avg_pool3d", input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _adaptive_size(name, output_size, nd):
    t = _expand_int(output_size, nd)
    if len(t) == 1 and nd > 1:
        t = t * nd
    return t


def adaptive_avg_pool2d(input, output_size):
    size = _adaptive_size("adaptive_avg_pool2d", _list_with_default(output_size, input.size()), 2)
    if len(size) == 2 and tuple(size) == (1, 1) and input.dim() in (3, 4) and all(input.shape[-2:]):
        return input.mean((-1, -2), keepdim=True)
    return _call("adaptive_avg_pool2d", input, tuple(size))


def adaptive_avg_pool3d(input, output_size):
    if _autocast.ACTIVE:        # autocast region: float32 (PyTorch's CPU policy), also for the mean shortcut
        input, = _autocast.cast("adaptive_avg_pool3d", input)
    size = _adaptive_size("adaptive_avg_pool3d", _list_with_default(output_size, input.size()), 3)
    if len(size) == 3 and tuple(size) == (1, 1, 1) and input.dim() in (4, 5) and all(input.shape[-3:]):
        return input.mean((-1, -2, -3), keepdim=True)
    return _call("adaptive_avg_pool3d", input, tuple(size))


def adaptive_avg_pool1d(input, output_size):
    _dim_range("adaptive_avg_pool1d", input, 2, 4)
    o = _check1d("adaptive_avg_pool1d", "output_size", output_size)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, o)).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    size = _adaptive_size("adaptive_max_pool2d", _list_with_default(output_size, input.size()), 2)
    out = _call("adaptive_max_pool2d", input, tuple(size))
    return out if return_indices else out[0]


def adaptive_max_pool3d(input, output_size, return_indices=False):
    size = _adaptive_size("adaptive_max_pool3d", _list_with_default(output_size, input.size()), 3)
    out = _call("adaptive_max_pool3d", input, tuple(size))
    return out if return_indices else out[0]


def adaptive_max_pool1d(input, output_size, return_indices=False):
    _dim_range("adaptive_max_pool1d", input, 2, 4)
    o = _check1d("adaptive_max_pool1d", "output_size", output_size)
    out, idx = _call("adaptive_max_pool2d", input.unsqueeze(-2), (1, o))
    out, idx = out.squeeze(-2), idx.squeeze(-2)
    return (out, idx) if return_indices else out


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool2d(input, output_size, True)


def _lp_finish(out, norm_type, n):
    from ... import _ops
    f = _ops.FUNCTIONS
    return (f["sign"](out) * f["abs"](out).clamp_min(0)).mul(n).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool1d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool1d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kernel_size)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    kw, kh = _expand_int(kernel_size, 2) if not isinstance(kernel_size, int) else (kernel_size, kernel_size)
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool2d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool2d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kw * kh)


__all__ += ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
            "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
            "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
            "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
            "lp_pool1d", "lp_pool2d"]


# --- normalization ---------------------------------------------------------------------------------------------

def _verify_batch_size(size):
    size_prods = size[0]
    for i in range(len(size) - 2):
        size_prods *= size[i + 2]
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def _verify_spatial_size(size):
    size_prods = 1
    for i in range(2, len(size)):
        size_prods *= size[i]
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")


def _bn(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """at::batch_norm: normalise; in training mode, update the running statistics in place."""
    if input.numel() == 0:
        return input.clone()
    if not training:
        for n, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is None:
                raise RuntimeError(f"{n} must be defined in evaluation mode")
        return _call("_batch_norm_eval", input, weight, bias, running_mean, running_var, eps)
    out = _call("_batch_norm_train", input, weight, bias, running_mean, running_var, momentum, eps)
    if not isinstance(out, tuple):
        return out
    stats = iter(out[1:])
    for buf in (running_mean, running_var):
        if buf is not None:
            buf._assign(next(stats)._value())
    return out[0]


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    if training:
        _verify_batch_size(input.size())
    return _bn(input, weight, bias, running_mean, running_var, training, momentum, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    if use_input_stats:
        _verify_spatial_size(input.size())
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    b, c = input.shape[0], input.shape[1]
    shape = (1, b * c) + tuple(input.shape[2:])

    def rep(t):
        return None if t is None else t.repeat(b)
    rm, rv = rep(running_mean), rep(running_var)
    out = _bn(input.contiguous().view(shape), rep(weight), rep(bias), rm, rv, use_input_stats, momentum, eps)
    from ... import autograd
    with autograd.no_grad():
        for buf, r in ((running_mean, rm), (running_var, rv)):
            if buf is not None:
                buf._assign(r.view(b, c).mean(0)._value().astype(buf._value().dtype))
    return out.view(input.shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        raise TypeError(f"layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    return _call("layer_norm", input, tuple(normalized_shape), weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups] + list(input.size()[2:]))
    return _call("group_norm", input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    shape = tuple(normalized_shape)
    n = len(shape)
    if tuple(input.shape[input.dim() - n:]) != shape:
        raise RuntimeError(f"Given normalized_shape=[{', '.join(map(str, shape))}], expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size[{', '.join(map(str, input.shape))}]")
    x = input.float() if input.dtype.name in ("float16", "bfloat16") else input
    if eps is None:
        import numpy as np
        eps = float(np.finfo(np.float64 if x.dtype.name == "float64" else np.float32).eps)
    dims = tuple(range(-n, 0))
    y = x.mul(_F["rsqrt"](x.pow(2).mean(dims, keepdim=True).add(eps)))
    if y.dtype is not input.dtype:
        y = y.to(input.dtype)
    return y if weight is None else y.mul(weight)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input.mul(input)
    if dim == 3:
        div = div.unsqueeze(1)
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.size()
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


__all__ += ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm"]


# --- dropout ---------------------------------------------------------------------------------------------------

def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_impl(input, p, train, inplace, feature=False, alpha=False):
    """ATen's _dropout_impl (CPU): noise = bernoulli_(1 - p) on the input's shape (or (N, C, 1, ...) for feature
    dropout) from the global generator, scaled; then input * noise."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = _creation.zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    if feature:
        if input.dim() < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
        noise = _creation.empty(shape, dtype=input.dtype, device=input.device)
    else:
        noise = _creation.empty_like(input)
    from ... import autograd
    with autograd.no_grad():
        noise.bernoulli_(1 - p)
        if alpha:
            a_ = 1.7580993408473766
            a = 1.0 / math.sqrt((a_ * a_ * p + 1) * (1 - p))
            b = noise.add(-1).mul_(a_ * a).add_(a_ * a * p)
            noise.mul_(a)
        else:
            noise.div_(1 - p)
    if alpha:
        return input.mul_(noise).add_(b) if inplace else (input * noise).add_(b)
    return input.mul_(noise) if inplace else input * noise


def dropout(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    return _dropout_impl(input, p, training, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. Note that dropout1d "
                           "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
                           "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_batched(input, p, training, inplace, inp_dim == 3)


def _feature_batched(input, p, training, inplace, is_batched):
    if not is_batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _dropout_impl(input, p, training, inplace, feature=True)
    if not is_batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout2d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated and will result in "
                      "an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if inp_dim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", stacklevel=2)
    return _dropout_impl(input, p, training, inplace, feature=True)


def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {inp_dim}-D input to dropout3d, which is deprecated and will result in "
                      "an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D "
                      "inputs).", stacklevel=2)
    return _feature_batched(input, p, training, inplace, inp_dim == 5)


__all__ += ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d"]


# --- embedding -------------------------------------------------------------------------------------------------

def embedding_renorm_(weight, indices, max_norm, norm_type):
    """torch.embedding_renorm_: rescale (in place, untracked) the rows of `weight` used by `indices`."""
    weight._assign(_misc.embedding_renorm(weight._value(), indices._value(), float(max_norm), float(norm_type)))
    return weight


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        input = input.contiguous()
        embedding_renorm_(weight.detach(), input, max_norm, norm_type)
    return _call("embedding", weight, input, padding_idx, scale_grad_by_freq, sparse)


__all__ += ["embedding"]


# --- padding, pixel shuffle, resampling ------------------------------------------------------------------------

_PAD_HELP = ("Supported combinations for non-constant padding:\n"
             "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
             "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
             "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def pad(input, pad, mode="constant", value=None):
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pad = tuple(pad)
    for i, v in enumerate(pad):
        if not isinstance(v, int):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                            f"{type(v).__name__} at pos {i}")
    n = input.dim()
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > n * 2:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {n}")
    if mode == "constant":
        return _call("constant_pad_nd", input, pad, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    nd = len(pad) // 2
    if nd in (1, 2, 3) and n in (nd + 1, nd + 2):
        if mode == "circular":
            return _call("_pad_circular", input, pad)
        return _call(f"{'reflection' if mode == 'reflect' else 'replication'}_pad{nd}d", input, pad)
    raise NotImplementedError(f"Padding size {len(pad)} is not supported for {n}D input tensor.\n{_PAD_HELP}")


def channel_shuffle(input, groups):
    return _call("channel_shuffle", input, groups)


native_channel_shuffle = channel_shuffle


def pixel_shuffle(input, upscale_factor):
    return _call("pixel_shuffle", input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    return _call("pixel_unshuffle", input, downscale_factor)


def _is_integer(x):
    return isinstance(x, int) and not isinstance(x, bool) or getattr(x, "dtype", None) is not None and \
        not x.dtype.is_floating_point and x.numel() == 1


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                             "bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    elif size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                 "(o1, o2, ...,oK) format.")
            if not all(_is_integer(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(x) for x in size]}")
            output_size = [int(x) for x in size]
        else:
            output_size = [int(size) for _ in range(dim)]
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor) for _ in range(dim)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor is not None and recompute_scale_factor:
        output_size = [math.floor(float(input.size(i + 2)) * scale_factors[i]) for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not supported by torchlike")
    osz = None if output_size is None else tuple(output_size)
    sf = None if scale_factors is None else tuple(scale_factors)
    sfx = {3: "1d", 4: "2d", 5: "3d"}.get(input.dim())
    if sfx is not None:
        if mode == "nearest":
            return _call(f"upsample_nearest{sfx}", input, osz, sf)
        if mode == "nearest-exact":
            return _call(f"_upsample_nearest_exact{sfx}", input, osz, sf)
        if mode == "area":
            return {3: adaptive_avg_pool1d, 4: adaptive_avg_pool2d, 5: adaptive_avg_pool3d}[input.dim()](
                input, output_size)
        lin = {3: "linear", 4: "bilinear", 5: "trilinear"}[input.dim()]
        if mode == lin:
            return _call(f"upsample_{lin}{sfx}", input, osz, align_corners, sf)
        if mode == "bicubic" and input.dim() == 4:
            return _call("upsample_bicubic2d", input, osz, align_corners, sf)
    need = {"linear": 3, "bilinear": 4, "trilinear": 5}
    if mode in need and input.dim() in (3, 4, 5):
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {need[mode]}D input")
    raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the "
                              "modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                              f"nearest-exact (got {mode})")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn(f"`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


__all__ += ["pad", "channel_shuffle", "native_channel_shuffle", "pixel_shuffle", "pixel_unshuffle", "interpolate", "upsample", "upsample_nearest",
            "upsample_bilinear"]


def _pair(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v, v)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    return _call("im2col", input, _pair(kernel_size), _pair(dilation), _pair(padding), _pair(stride))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    return _call("col2im", input, _pair(output_size), _pair(kernel_size), _pair(dilation), _pair(padding),
                 _pair(stride))


__all__ += ["unfold", "fold"]


def _ntuple_(v, n):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * n


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k = _ntuple_(kernel_size, 1)
    s = _ntuple_(stride, 1) if stride is not None else k
    size = list(_pool.unpool_output_size(input, k, s, _ntuple_(padding, 1), output_size)) + [1]
    return _call("max_unpool2d", input.unsqueeze(-1), indices.unsqueeze(-1), tuple(size)).squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k = _ntuple_(kernel_size, 2)
    s = _ntuple_(stride, 2) if stride is not None else k
    size = _pool.unpool_output_size(input, k, s, _ntuple_(padding, 2), output_size)
    return _call("max_unpool2d", input, indices, tuple(size))


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k = _ntuple_(kernel_size, 3)
    s = _ntuple_(stride, 3) if stride is not None else k
    p = _ntuple_(padding, 3)
    size = _pool.unpool_output_size(input, k, s, p, output_size)
    return _call("max_unpool3d", input, indices, tuple(size), s, p)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    kd, kw, kh = _ntuple_(kernel_size, 3)
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool3d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool3d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kd * kw * kh)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool3d(input, output_size, True)


__all__ += ["max_unpool1d", "max_unpool2d", "max_unpool3d", "lp_pool3d", "adaptive_max_pool3d_with_indices"]


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    if weight.dtype.name == "int64" and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, "
                      "...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it must "
                         f"have the same shape as the input ({input.shape})")
    if not weight.dim() == 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        offsets = _creation.arange(0, input.numel(), input.size(1), dtype=input.dtype, device=input.device)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    modes = {"sum": 0, "mean": 1, "max": 2}
    if mode not in modes:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        embedding_renorm_(weight.detach(), input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    return _call("_embedding_bag", weight, input, offsets, scale_grad_by_freq, modes[mode], per_sample_weights,
                 include_last_offset, padding_idx)


__all__ += ["embedding_bag"]


GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}
_GRID_WARN = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please "
              "specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for "
              "details.")


def affine_grid(theta, size, align_corners=None):
    if align_corners is None:
        warnings.warn(_GRID_WARN, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"{theta.shape}.")
        spatial_size = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"{theta.shape}.")
        spatial_size = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial_size) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
                      "affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    return _call("affine_grid_generator", theta, tuple(size), align_corners)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_GRID_WARN, stacklevel=2)
        align_corners = False
    return _misc.grid_sampler(input, grid, ("bilinear", "nearest", "bicubic").index(mode),
                              ("zeros", "border", "reflection").index(padding_mode), align_corners)


__all__ += ["affine_grid", "grid_sample"]
