"""Op-table entries for torch.nn.functional: padding, embedding, pixel shuffle and resampling (upsample_*).

Non-constant padding and resampling gather the input along each spatial axis with static index (and weight) arrays
computed at trace time with PyTorch's index arithmetic (in the input's precision, like ATen's CPU kernels).
"""
from __future__ import annotations

import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._registry import register
from .dispatch import scalar_name

_SZ = lambda s: "[" + ", ".join(map(str, s)) + "]"   # noqa: E731


def host(t):
    """t's values as numpy for an eager check, or None when not available without a sync or at all (accelerator
    tensors; tracers under torchlike.compile), where the check is skipped like CUDA's asynchronous asserts."""
    if t.device.type != "cpu":
        return None
    v = t._value()
    return None if isinstance(v, jax.core.Tracer) else np.asarray(v)


def _same(op, vals):
    d = vals[op.tensor_idx[0]].dtype
    return None, (d,)


# --- padding ---------------------------------------------------------------------------------------------------

def _cpad_check(input, pad, value=0):
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    n = input.dim()
    if n < len(pad) // 2:
        raise RuntimeError(f"Length of pad should be no more than twice the number of dimensions of the input. Pad "
                           f"length is {len(pad)}while the input has {n}dimensions.")
    for i in range(len(pad) // 2):
        d = n - 1 - i
        size = input.shape[d]
        lo, hi = pad[2 * i], pad[2 * i + 1]
        if size + min(lo, 0) + min(hi, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if size + lo + hi < 0:
            raise RuntimeError(f"The input size {size}, plus negative padding {lo} and {hi} resulted in a negative "
                               f"output size, which is invalid. Check dimension {d} of your input.")


@register("constant_pad_nd", tensors=("input", "value"), cast=("input",), dtype="same", method=False,
          grad="ConstantPadNdBackward0", check=_cpad_check)
def _constant_pad_nd(input, pad, value=0):
    cfg = [(0, 0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        cfg[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1], 0)
    return lax.pad(input, jnp.asarray(value).astype(input.dtype), cfg)


def reflect_index(n, lo, hi):
    """ATen's reflection_pad index map (negative padding crops)."""
    j = np.arange(n + lo + hi)
    ip = np.where(j < lo, 2 * lo - j, np.where(j < n + lo, j, 2 * (n + lo - 1) - j))
    return ip - max(0, lo) + max(0, -lo)


def replicate_index(n, lo, hi):
    j = np.arange(n + lo + hi)
    ip = np.where(j < lo, lo, np.where(j < n + lo, j, n + lo - 1))
    return ip - max(0, lo) + max(0, -lo)


def circular_index(n, lo, hi):
    """ATen's _pad_circular: crop by the negative pads, then wrap the cropped core by the positive ones."""
    start = max(-lo, 0)
    m = n - start - max(-hi, 0)
    lo_p, hi_p = max(lo, 0), max(hi, 0)
    return start + (np.arange(m + lo_p + hi_p) - lo_p) % m


_INDEX = {"reflect": reflect_index, "replicate": replicate_index, "circular": circular_index}


def _index_pad(input, pad, mode):
    fn = _INDEX[mode]
    x = input
    for i in range(len(pad) // 2):
        ax = input.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        if lo or hi:
            x = jnp.take(x, jnp.asarray(fn(input.shape[ax], lo, hi)), axis=ax)
    return x


def _pad_check(kind, nd):
    name = f"{kind}_pad{nd}d"

    def check(input, padding):
        n = input.dim()
        shape = tuple(input.shape)
        ok = n in (nd + 1, nd + 2) and all(s != 0 for s in shape[1:]) and (n == nd + 2 or shape[0] != 0)
        if not ok:
            raise RuntimeError(f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with possibly 0 batch size and "
                               f"other non-zero dimensions for input, but got: {_SZ(shape)}")
        for i in range(nd):
            d = n - 1 - i
            lo, hi = padding[2 * i], padding[2 * i + 1]
            if kind == "reflection" and not (lo < shape[d] and hi < shape[d]):
                raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input {_SZ(shape)}")
        if nd == 1 and shape[-1] + padding[0] + padding[1] < 1:
            raise RuntimeError(f"input (W: {shape[-1]}) is too small. Calculated output W: "
                               f"{shape[-1] + padding[0] + padding[1]}")
        if input.dtype.name == "bool":
            raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")
    return check


for _nd in (1, 2, 3):
    for _kind, _mode in (("reflection", "reflect"), ("replication", "replicate")):
        def _mk(kind, mode, nd):
            def fn(input, padding):
                return _index_pad(input, padding, mode)
            register(f"{kind}_pad{nd}d", dtype="same", grad=f"{kind.capitalize()}Pad{nd}DBackward0", method=False,
                     function=False, check=_pad_check(kind, nd))(fn)
        _mk(_kind, _mode, _nd)


def _circ_check(input, pad):
    n = input.dim()
    for i in range(len(pad) // 2):
        size = input.shape[n - 1 - i]
        if pad[2 * i] > size or pad[2 * i + 1] > size:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if size + pad[2 * i] + pad[2 * i + 1] < 0:
            raise RuntimeError("narrow(): length must be non-negative.")


@register("_pad_circular", dtype="same", grad="CopySlices", method=False, function=False, check=_circ_check)
def _pad_circular(input, pad):
    return _index_pad(input, pad, "circular")


# --- embedding -------------------------------------------------------------------------------------------------

def _emb_check(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if indices.dtype.name not in ("int64", "int32"):
        legacy = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int16": "Short",
                  "int8": "Char", "uint8": "Byte", "bool": "Bool"}.get(indices.dtype.name, indices.dtype.name)
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{legacy}Tensor instead (while checking arguments for embedding)")
    v = host(indices) if indices.numel() else None
    if v is not None:
        if v.min() < 0 or v.max() >= weight.shape[0]:
            raise IndexError("index out of range in self")


@register("embedding", tensors=("weight", "indices"), nondiff=("indices",), dtype=_same, method=False,
          check=_emb_check)
def _embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    w = weight
    if padding_idx is not None and padding_idx >= 0:     # the padding row gets no gradient
        w = w.at[padding_idx].set(lax.stop_gradient(w[padding_idx]))
    out = jnp.take(w, indices, axis=0)
    if scale_grad_by_freq:     # gradient rows divided by each index's count in the batch (forward unchanged)
        flat = indices.reshape(-1)
        counts = jnp.zeros(weight.shape[0], jnp.int32).at[flat].add(1)[indices][..., None].astype(out.dtype)
        out = lax.stop_gradient(out) + (out - lax.stop_gradient(out)) / counts
    return out


def embedding_renorm(weight, indices, max_norm, norm_type):
    """New values of `weight` after torch.embedding_renorm_ (rows used by `indices` scaled to norm <= max_norm)."""
    w = weight
    rows = jnp.unique(indices.reshape(-1))
    sel = w[rows].astype(jnp.float32 if w.dtype in (jnp.float16, jnp.bfloat16) else w.dtype)
    if norm_type == math.inf:
        norm = jnp.max(jnp.abs(sel), axis=1)
    elif norm_type == 1:
        norm = jnp.sum(jnp.abs(sel), axis=1)
    elif norm_type == 2:
        norm = jnp.sqrt(jnp.sum(sel * sel, axis=1))
    else:
        norm = jnp.sum(jnp.abs(sel) ** norm_type, axis=1) ** (1.0 / norm_type)
    scale = jnp.where(norm > max_norm, max_norm / (norm + 1e-7), 1.0)
    return w.at[rows].set(jnp.where((norm > max_norm)[:, None], sel * scale[:, None], sel).astype(w.dtype))


# --- pixel shuffle ---------------------------------------------------------------------------------------------

def _ps_check(input, upscale_factor):
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if upscale_factor <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {upscale_factor}")
    c = input.shape[-3]
    if c % (upscale_factor ** 2):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {upscale_factor ** 2}")


@register("pixel_shuffle", dtype="same", method=False, check=_ps_check)
def _pixel_shuffle(input, upscale_factor):
    r = upscale_factor
    *b, c, h, w = input.shape
    x = input.reshape(tuple(b) + (c // (r * r), r, r, h, w))
    n = len(b)
    x = jnp.transpose(x, tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return x.reshape(tuple(b) + (c // (r * r), h * r, w * r))


def _pu_check(input, downscale_factor):
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if downscale_factor <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {downscale_factor}")
    for d, name in ((-2, "height"), (-1, "width")):
        if input.shape[d] % downscale_factor:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                               f"input.size({d})={input.shape[d]} is not divisible by {downscale_factor}")


@register("pixel_unshuffle", dtype="same", method=False, check=_pu_check)
def _pixel_unshuffle(input, downscale_factor):
    r = downscale_factor
    *b, c, h, w = input.shape
    n = len(b)
    x = input.reshape(tuple(b) + (c, h // r, r, w // r, r))
    x = jnp.transpose(x, tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return x.reshape(tuple(b) + (c * r * r, h // r, w // r))


def _cs_check(input, groups):
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {_SZ(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {input.shape[1]} channels and "
                           f"{groups} groups.")


@register("channel_shuffle", dtype="same", method=False, check=_cs_check, aliases=("native_channel_shuffle",))
def _channel_shuffle(input, groups):
    n, c = input.shape[:2]
    rest = input.shape[2:]
    x = input.reshape((n, groups, c // groups) + rest)
    return jnp.swapaxes(x, 1, 2).reshape(input.shape)


# --- resampling (upsample_*) -----------------------------------------------------------------------------------

def upsample_out_size(in_sizes, output_size, scales):
    if output_size is not None:
        return tuple(output_size)
    return tuple(int(n * s) for n, s in zip(in_sizes, scales))


def _scale_value(scale, n, o, ft):
    """compute_scales_value: 1/scale when a positive scale is given, else in/out (in precision ft)."""
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(ft(n) / ft(o))


def nearest_index(n, o, scale, exact):
    if not exact and o == n:
        return np.arange(o)
    if not exact and o == 2 * n:
        return np.arange(o) >> 1
    s = _scale_value(scale, n, o, np.float32)
    if exact:
        src = np.floor(((np.arange(o) + 0.5) * np.float64(s)).astype(np.float32))
    else:
        src = np.floor(np.arange(o).astype(np.float32) * s)
    return np.minimum(src.astype(np.int64), n - 1)


def _source_index(n, o, align_corners, scale, ft, cubic):
    if align_corners:
        s = ft(ft(n - 1) / ft(o - 1)) if o > 1 else ft(0)
        return s * np.arange(o).astype(ft)
    s = _scale_value(scale, n, o, ft)
    src = s * (np.arange(o).astype(ft) + ft(0.5)) - ft(0.5)
    return src if cubic else np.maximum(src, ft(0))


def linear_taps(n, o, align_corners, scale, ft):
    real = _source_index(n, o, align_corners, scale, ft, False)
    i0 = np.minimum(np.floor(real).astype(np.int64), n - 1)
    lam = np.clip(real - i0.astype(ft), ft(0), ft(1)).astype(ft)
    i1 = i0 + (i0 < n - 1)
    return [(i0, (ft(1) - lam).astype(ft)), (i1, lam)]


def cubic_taps(n, o, align_corners, scale, ft):
    real = _source_index(n, o, align_corners, scale, ft, True)
    i = np.floor(real).astype(np.int64)
    t = (real - i.astype(ft)).astype(ft)
    A = ft(-0.75)

    def c1(x):
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def c2(x):
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    ws = [c2(t + ft(1)), c1(t), c1(ft(1) - t), c2(ft(2) - t)]
    return [(np.clip(i - 1 + j, 0, n - 1), ws[j].astype(ft)) for j in range(4)]


def _resample(x, taps_per_axis):
    """Weighted gathers along each spatial axis, the last axis first (ATen evaluates the innermost sum first)."""
    nd = len(taps_per_axis)
    for k in reversed(range(nd)):
        ax = x.ndim - nd + k
        taps = taps_per_axis[k]
        if len(taps) == 1 and taps[0][1] is None:
            x = jnp.take(x, jnp.asarray(taps[0][0]), axis=ax)
            continue
        shp = [1] * x.ndim
        shp[ax] = -1
        out = None
        for idx, w in taps:
            t = jnp.take(x, jnp.asarray(idx), axis=ax) * jnp.asarray(w, x.dtype).reshape(shp)
            out = t if out is None else out + t
        x = out
    return x


_LOW = ("float16", "bfloat16")


def _kernel_name(name, nd):
    """The ATen CPU kernel named in PyTorch's 'not implemented for' message."""
    kind = "cubic" if "bicubic" in name else "nearest" if "nearest" in name else "linear"
    if nd == 2 and kind != "cubic":
        return f"upsample_{'nearest' if kind == 'nearest' else 'bilinear'}2d_channels_last"
    return f"compute_indices_weights_{kind}"


def _upsample_check(name, nd, kinds):
    def check(input, output_size, *rest):
        scales = rest[-1] or (None,) * nd
        if output_size is not None and len(output_size) != nd:
            raise RuntimeError(f"It is expected output_size equals to {nd}, but got size {len(output_size)}")
        if input.dim() != nd + 2:
            raise RuntimeError(f"It is expected input_size equals to {nd + 2}, but got size {input.dim()}")
        o = upsample_out_size(input.shape[2:], output_size, scales)
        if any(s <= 0 for s in tuple(input.shape[2:]) + o):
            ax = "DHW"[3 - nd:]
            ins = ", ".join(f"{a}: {s}" for a, s in zip(ax, input.shape[2:]))
            outs = ", ".join(f"{a}: {s}" for a, s in zip(ax, o))
            raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output "
                               f"({outs})")
        d = input.dtype
        if d.name == "bool" or (d._category == 1 and d.name not in kinds):
            raise NotImplementedError(f"\"{_kernel_name(name, nd)}\" not implemented for '{scalar_name(d)}'")
    return check


def _opmath_do(input, fn):
    x = input
    if x.dtype in (jnp.float16, jnp.bfloat16):
        return fn(x.astype(jnp.float32)).astype(input.dtype)
    if jnp.issubdtype(x.dtype, jnp.integer):
        out = fn(x.astype(jnp.float32))
        return jnp.clip(jnp.round(out), 0, 255).astype(x.dtype) if x.dtype == jnp.uint8 else out.astype(x.dtype)
    return fn(x)


def _ft(x):
    return np.float64 if x.dtype == jnp.float64 else np.float32


def _mk_nearest(nd, sfx, exact):
    name = f"_upsample_nearest_exact{sfx}" if exact else f"upsample_nearest{sfx}"
    grad = f"UpsampleNearest{'Exact' if exact else ''}{nd}DBackward0"

    def fn(input, output_size, scale_factors=None):
        scales = scale_factors or (None,) * nd
        o = upsample_out_size(input.shape[2:], output_size, scales)
        taps = [[(nearest_index(n, m, s, exact), None)] for n, m, s in zip(input.shape[2:], o, scales)]
        return _resample(input, taps)
    register(name, dtype="same", grad=grad, method=False, function=False,
             check=_upsample_check(name, nd, ("uint8",)))(fn)


_NAMES = {1: ("1d", "Linear", "linear"), 2: ("2d", "Bilinear", "bilinear"), 3: ("3d", "Trilinear", "trilinear")}

for _nd in (1, 2, 3):
    def _mk_up(nd):
        sfx, cap, low = _NAMES[nd]
        for exact in (False, True):
            _mk_nearest(nd, sfx, exact)

        def fl(input, output_size, align_corners, scale_factors=None):
            scales = scale_factors or (None,) * nd
            o = upsample_out_size(input.shape[2:], output_size, scales)

            def go(x):
                ft = _ft(x)
                return _resample(x, [linear_taps(n, m, align_corners, s, ft)
                                     for n, m, s in zip(input.shape[2:], o, scales)])
            return _opmath_do(input, go)
        register(f"upsample_{low}{sfx}", dtype="same", grad=f"Upsample{cap}{nd}DBackward0", method=False,
                 function=False, check=_upsample_check(f"upsample_{low}{sfx}", nd, ("uint8",)))(fl)
    _mk_up(_nd)


def _bicubic(input, output_size, align_corners, scale_factors=None):
    scales = scale_factors or (None, None)
    o = upsample_out_size(input.shape[2:], output_size, scales)

    def go(x):
        ft = _ft(x)
        return _resample(x, [cubic_taps(n, m, align_corners, s, ft) for n, m, s in zip(input.shape[2:], o, scales)])
    return _opmath_do(input, go)


register("upsample_bicubic2d", dtype="same", grad="UpsampleBicubic2DBackward0", method=False, function=False,
         check=_upsample_check("upsample_bicubic2d", 2, ("uint8",)))(_bicubic)


# --- embedding bag ---------------------------------------------------------------------------------------------

def _bag_check(weight, indices, offsets, scale_grad_by_freq=False, mode=0, per_sample_weights=None,
               include_last_offset=False, padding_idx=None):
    if indices.dtype.name not in ("int64", "int32"):
        _emb_check(weight, indices)
    off, idx = host(offsets), host(indices)
    if off is None or idx is None:
        return
    n = indices.shape[0]
    if off.size and off[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {off[0]}")
    if off.size and off[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of "
                           f"{off[-1]}")
    if np.any(np.diff(off) < 0) or idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise RuntimeError("Expected i < index_size to be true, but got false.  (Could this error message be "
                           "improved?  If so, please report an enhancement request to PyTorch.)")


@register("_embedding_bag", tensors=("weight", "indices", "offsets", "per_sample_weights"),
          nondiff=("indices", "offsets"), cast=("weight",), dtype=_same, grad="EmbeddingBagBackward0", method=False,
          function=False, check=_bag_check)
def _embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, per_sample_weights=None,
                   include_last_offset=False, padding_idx=None):
    n = indices.shape[0]
    nb = offsets.shape[0] - (1 if include_last_offset else 0)
    pos = jnp.arange(n)
    starts = offsets[:nb]
    seg = jnp.searchsorted(starts, pos, side="right") - 1
    valid = seg >= 0
    if include_last_offset:
        valid = valid & (pos < offsets[nb])
    if padding_idx is not None and padding_idx >= 0:
        valid = valid & (indices != padding_idx)
    seg = jnp.where(valid, seg, nb)                         # invalid entries go to a dropped extra bag
    rows = _embedding(weight, indices, -1, scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights[:, None].astype(rows.dtype)
    if mode == 2:
        out = jax.ops.segment_max(jnp.where(valid[:, None], rows, -jnp.inf), seg, num_segments=nb + 1)[:nb]
        return jnp.where(jnp.isneginf(out), jnp.zeros((), out.dtype), out)
    out = jax.ops.segment_sum(jnp.where(valid[:, None], rows, jnp.zeros((), rows.dtype)), seg,
                              num_segments=nb + 1)[:nb]
    if mode == 1:
        count = jax.ops.segment_sum(valid.astype(rows.dtype), seg, num_segments=nb + 1)[:nb]
        out = out / jnp.maximum(count, 1)[:, None]
    return out


# --- torch.* functions whose implementation lives in nn.functional (torch.max_pool1d, torch.batch_norm, ...) ----

def _layers():
    from ..nn._functional import layers
    return layers


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _layers().max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _layers().max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode, True)


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    return _layers().avg_pool1d(input, kernel_size, stride or None, padding, ceil_mode, count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    return _layers().adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size):
    return _layers().adaptive_max_pool1d(input, output_size, True)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    return _layers()._bn(input, weight, bias, running_mean, running_var, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    return _layers().instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return _layers().rms_norm(input, normalized_shape, weight, eps)


def embedding_renorm_(input, indices, max_norm, norm_type):
    return _layers().embedding_renorm_(input, indices, max_norm, norm_type)


def _dropout_fn(name, inplace, **kw):
    def fn(input, p, train):
        return _layers()._dropout_impl(input, p, train, inplace, **kw)
    fn.__name__ = fn.__qualname__ = name
    return fn


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    from . import dispatch
    name = "grid_sampler_3d" if input.dim() == 5 else "grid_sampler_2d"
    return dispatch.call(name, (input, grid, interpolation_mode, padding_mode, align_corners), {})


TORCH_EXTRAS = {f.__name__: f for f in (grid_sampler, 
    max_pool1d, max_pool1d_with_indices, avg_pool1d, adaptive_avg_pool1d, adaptive_max_pool1d, batch_norm,
    instance_norm, rms_norm, embedding_renorm_,
    _dropout_fn("dropout", False), _dropout_fn("dropout_", True),
    _dropout_fn("feature_dropout", False, feature=True), _dropout_fn("feature_dropout_", True, feature=True),
    _dropout_fn("alpha_dropout", False, alpha=True), _dropout_fn("alpha_dropout_", True, alpha=True),
    _dropout_fn("feature_alpha_dropout", False, feature=True, alpha=True),
    _dropout_fn("feature_alpha_dropout_", True, feature=True, alpha=True))}


# --- affine_grid / grid_sample ---------------------------------------------------------------------------------

def _linspace_neg_one(n, align_corners, ft):
    if n <= 1:
        return np.zeros(1 if n == 1 else 0, ft)
    r = np.linspace(-1, 1, n).astype(ft)
    return r if align_corners else (r * ft(n - 1) / ft(n)).astype(ft)


@register("affine_grid_generator", tensors=("theta",), dtype="same", method=False, grad="AffineGridGeneratorBackward0")
def _affine_grid_generator(theta, size, align_corners):
    ft = np.float64 if theta.dtype == jnp.float64 else np.float32
    spatial = tuple(size[2:])
    axes = [_linspace_neg_one(n, align_corners, ft) for n in reversed(spatial)]    # x (W) first
    mesh = np.meshgrid(*[axes[len(spatial) - 1 - i] for i in range(len(spatial))], indexing="ij")
    base = np.stack([mesh[len(spatial) - 1 - i] for i in range(len(spatial))] + [np.ones(spatial, ft)], -1)
    base = jnp.asarray(base.reshape(-1, len(spatial) + 1), theta.dtype)
    grid = jnp.einsum("pk,nck->npc", base, theta, precision=lax.Precision.HIGHEST)
    return grid.reshape((theta.shape[0],) + spatial + (len(spatial),))


def _unnormalize(coord, size, align_corners):
    if align_corners:
        return ((coord + 1) / 2) * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(x, twice_low, twice_high):
    if twice_low == twice_high:
        return jnp.zeros_like(x)
    lo = twice_low / 2
    span = (twice_high - twice_low) / 2
    x = jnp.abs(x - lo)
    extra = jnp.fmod(x, span)
    flips = jnp.floor(x / span)
    return jnp.where(jnp.fmod(flips, 2) == 0, extra + lo, span - extra + lo)


def _compute_coord(x, size, padding_mode, align_corners):
    if padding_mode == 1:
        return jnp.clip(x, 0, size - 1)
    if padding_mode == 2:
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        return jnp.clip(x, 0, size - 1)
    return x


def _cubic_coeffs(t):
    A = -0.75

    def c1(x):
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def c2(x):
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)]


def _gather_taps(inp, taps):
    """Sum over taps of weight * input[n, :, coords] (zero outside the input); taps: [(int coords per axis, weight)]."""
    n, c = inp.shape[:2]
    spatial = inp.shape[2:]
    flat_in = inp.reshape(n, c, -1)
    out = None
    for coords, w in taps:
        inb = None
        flat = None
        for ax, (ci, s) in enumerate(zip(coords, spatial)):
            ok = (ci >= 0) & (ci <= s - 1)
            inb = ok if inb is None else inb & ok
            cc = jnp.clip(ci, 0, s - 1).astype(jnp.int64)
            flat = cc if flat is None else flat * s + cc
        vals = jnp.take_along_axis(flat_in, flat.reshape(n, 1, -1), axis=2).reshape((n, c) + flat.shape[1:])
        wt = jnp.where(inb, w, jnp.zeros((), w.dtype))[:, None]
        term = vals * wt
        out = term if out is None else out + term
    return out


def _gs_check(input, grid, interpolation_mode, padding_mode, align_corners):
    nd = input.dim() - 2
    if input.dtype is not grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but input has "
                           f"{scalar_name(input.dtype)} and grid has {scalar_name(grid.dtype)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {_SZ(input.shape)} and grid with sizes {_SZ(grid.shape)}")
    if grid.shape[-1] != nd:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {nd} in last dimension, but got grid with "
                           f"sizes {_SZ(grid.shape)}")
    for i in range(2, input.dim()):
        if input.shape[i] <= 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {_SZ(input.shape)} with dimension {i} being empty")
    if input.dim() not in (4, 5) or input.dim() != grid.dim():
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got "
                           f"input with sizes {_SZ(input.shape)} and grid with sizes {_SZ(grid.shape)}")
    if interpolation_mode == 2 and input.dim() != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")


def _grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    spatial = input.shape[2:]
    nd = len(spatial)
    # grid's last axis is (x, y[, z]): coordinate k indexes spatial axis nd-1-k
    raw = [_unnormalize(grid[..., nd - 1 - a], spatial[a], align_corners) for a in range(nd)]
    if interpolation_mode == 2:
        base = [jnp.floor(r) for r in raw]
        coeffs = [_cubic_coeffs(r - b) for r, b in zip(raw, base)]
        taps = []
        for offs in itertools.product(range(4), repeat=nd):
            coords = [_compute_coord(b - 1 + o, s, padding_mode, align_corners) for b, o, s in zip(base, offs, spatial)]
            w = None
            for a, o in enumerate(offs):
                w = coeffs[a][o] if w is None else w * coeffs[a][o]
            taps.append(([c.astype(jnp.int64) for c in coords], w))
        return _gather_taps(input, taps)
    pos = [_compute_coord(r, s, padding_mode, align_corners) for r, s in zip(raw, spatial)]
    if interpolation_mode == 1:
        coords = [jnp.round(p).astype(jnp.int64) for p in pos]      # nearbyint: half to even
        return _gather_taps(input, [(coords, jnp.ones(pos[0].shape, input.dtype))])
    lo = [jnp.floor(p) for p in pos]
    taps = []
    for corner in itertools.product((0, 1), repeat=nd):
        w = None
        for a, bit in enumerate(corner):
            f = (pos[a] - lo[a]) if bit else (lo[a] + 1 - pos[a])
            w = f if w is None else w * f
        taps.append(([(l + b).astype(jnp.int64) for l, b in zip(lo, corner)], w))
    return _gather_taps(input, taps)


for _nd in (2, 3):
    register(f"grid_sampler_{_nd}d", tensors=("input", "grid"), dtype="same", method=False, check=_gs_check,
             grad=f"GridSampler{_nd}DBackward0")(_grid_sampler)
