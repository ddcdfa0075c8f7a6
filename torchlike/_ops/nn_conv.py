"""Op-table entries for torch.nn.functional: convolutions (conv1d/2d/3d, conv_transpose1d/2d/3d, convolution).

Every entry is one `lax.conv_general_dilated` (grad_fn ConvolutionBackward0, as in PyTorch). Transposed
convolutions are the input-dilated convolution with the flipped, group-transposed kernel.
"""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
from jax import lax

from ._registry import register

_DIMS = {1: ("NCH", "OIH", "NCH"), 2: ("NCHW", "OIHW", "NCHW"), 3: ("NCDHW", "OIDHW", "NCDHW")}
_CTYPE = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
          "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
          "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
_LEGACY = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
           "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _sizes(s):
    return "[" + ", ".join(map(str, s)) + "]"


def expand(name, v, n):
    """An int or a sequence of 1 or n ints -> tuple of n ints (torch's expand_param_if_needed)."""
    if isinstance(v, int):
        return (v,) * n
    v = tuple(v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={_sizes(v)}")
    return tuple(int(x) for x in v)


def _same_pads(kernel, dilation):
    pads = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def params(nd, weight_shape, stride, padding, dilation, transposed=False, output_padding=0):
    """Normalised (stride, [(lo, hi)...] padding, dilation, output_padding) for `nd` spatial dims."""
    stride = expand("stride", stride, nd)
    dilation = expand("dilation", dilation, nd)
    output_padding = expand("output_padding", output_padding, nd)
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = _same_pads(weight_shape[2:], dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in expand("padding", padding, nd))
    return stride, pads, dilation, output_padding


def _conv_check(name, nd, transposed):
    def check(input, weight, bias, stride, padding, dilation, groups, output_padding=0):
        from .._tensor import Tensor
        for n, v in (("input", input), ("weight", weight)):
            if not isinstance(v, Tensor):
                raise TypeError(f"{name}() received an invalid combination of arguments - got "
                                f"({type(input).__name__}, {type(weight).__name__}), but expected one of:")
        if transposed and isinstance(padding, str):
            raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
        if bias is not None and bias.dtype is not input.dtype:
            raise RuntimeError(f"Input type ({_CTYPE[input.dtype.name]}) and bias type ({_CTYPE[bias.dtype.name]}) "
                               "should be the same")
        if input.dim() not in (nd + 1, nd + 2):
            raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
                               f"input of size: {_sizes(input.shape)}")
        shape = tuple(input.shape) if input.dim() == nd + 2 else (1,) + tuple(input.shape)
        stride, dilation, output_padding = ((v,) * nd if isinstance(v, int) else v
                                            for v in (stride, dilation, output_padding))
        padding = (padding,) * nd if isinstance(padding, int) else padding
        check_shapes(shape, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
    return check


def check_shapes(shape, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """ATen's convolution checks (check_shape_forward and friends), on the batched input shape."""
    ws = tuple(weight.shape)
    stride, pads, dilation, output_padding = params(max(len(ws) - 2, 1), ws, stride, padding, dilation, transposed,
                                                    output_padding)
    if weight.dim() != len(shape):
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
                           f"{_sizes(ws)}, but got {len(shape)}-dimensional input of size {_sizes(shape)} instead")
    nd = len(shape) - 2
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(p < 0 for p, _ in pads):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if any(d == 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{_sizes(ws)}] instead")
    if not transposed:
        if shape[1] != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {_sizes(ws)}, expected input{_sizes(shape)} to "
                               f"have {ws[1] * groups} channels, but got {shape[1]} channels instead")
        if bias is not None and (bias.dim() != 1 or bias.shape[0] != ws[0]):
            raise RuntimeError(f"Given weight of size {_sizes(ws)}, expected bias to be 1-dimensional with {ws[0]} "
                               f"elements, but got bias of size {_sizes(bias.shape)} instead")
        padded = [s + lo + hi for s, (lo, hi) in zip(shape[2:], pads)]
        kern = [d * (k - 1) + 1 for d, k in zip(dilation, ws[2:])]
        if any(p < k for p, k in zip(padded, kern)):
            raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                               f"size: ({' x '.join(map(str, kern))}). Kernel size can't be greater than actual input "
                               "size")
        if isinstance(padding, str) and padding == "same" and any(
                d % 2 == 1 and k % 2 == 0 for d, k in zip(dilation, ws[2:])):
            warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded "
                          "copy of the input be created (Triggered internally at "
                          "/__w/pytorch/pytorch/aten/src/ATen/native/Convolution.cpp:1101.)", UserWarning,
                          stacklevel=4)
    else:
        if shape[1] != ws[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {_sizes(ws)}, expected input{_sizes(shape)} to "
                               f"have {ws[0]} channels, but got {shape[1]} channels instead")
        if bias is not None and (bias.dim() != 1 or bias.shape[0] != ws[1] * groups):
            raise RuntimeError(f"Given transposed=1, weight of size {_sizes(ws)}, expected bias to be 1-dimensional "
                               f"with {ws[1] * groups} elements, but got bias of size {_sizes(bias.shape)} instead")
        if any(o >= s and o >= d for o, s, d in zip(output_padding, stride, dilation)):
            axes = {1: ("height", "width"), 2: ("height", "width"), 3: ("depth", "height", "width")}[nd]
            op_, st_, di_ = (output_padding, stride, dilation) if nd > 1 else \
                ((0,) + output_padding, (1,) + stride, (1,) + dilation)
            parts = [f"output_padding_{a}: {v}" for a, v in zip(axes, op_)] + \
                [f"stride_{a}: {v}" for a, v in zip(axes, st_)] + [f"dilation_{a}: {v}" for a, v in zip(axes, di_)]
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               + " ".join(parts))
        out = [(i - 1) * s - lo - hi + d * (k - 1) + o + 1
               for i, s, (lo, hi), d, k, o in zip(shape[2:], stride, pads, dilation, ws[2:], output_padding)]
        if any(o < 0 for o in out):
            raise RuntimeError("could not construct a memory descriptor using a format tag")


def check_types(input, weight):
    if input.dtype is not weight.dtype:
        if input.dtype.name == "float64":
            raise RuntimeError(f"expected scalar type Double but found {_LEGACY.get(weight.dtype.name)}")
        a, b = _LEGACY.get(input.dtype.name, input.dtype.name), _LEGACY.get(weight.dtype.name, weight.dtype.name)
        raise RuntimeError(f"Input type (torch.{a}Tensor) and weight type (torch.{b}Tensor) should be the same or "
                           "input should be a MKLDNN tensor and weight is a dense tensor")
    if input.dtype.name == "bool":
        nd = input.dim() - 2
        raise NotImplementedError(f"\"slow_conv{nd}d_cpu\" not implemented for 'Bool'")


def conv(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """The convolution kernel on a batched input (N, C, *spatial)."""
    nd = input.ndim - 2
    stride, pads, dilation, output_padding = params(nd, weight.shape, stride, padding, dilation, transposed,
                                                    output_padding)
    dn = _DIMS[nd]
    if not transposed:
        out = lax.conv_general_dilated(input, weight, stride, pads, rhs_dilation=dilation, feature_group_count=groups,
                                       dimension_numbers=dn)
    else:
        ks = weight.shape[2:]
        cin, cout_g = weight.shape[0], weight.shape[1]
        w = weight.reshape((groups, cin // groups, cout_g) + ks)
        w = jnp.swapaxes(w, 1, 2).reshape((groups * cout_g, cin // groups) + ks)
        w = jnp.flip(w, axis=tuple(range(2, 2 + nd)))
        tpads = [(d * (k - 1) - lo, d * (k - 1) - hi + o)
                 for k, d, (lo, hi), o in zip(ks, dilation, pads, output_padding)]
        out = lax.conv_general_dilated(input, w, (1,) * nd, tpads, lhs_dilation=stride, rhs_dilation=dilation,
                                       feature_group_count=groups, dimension_numbers=dn)
    if bias is not None:
        out = out + bias.reshape((1, -1) + (1,) * nd)
    return out


def _batched(nd, input, fn):
    if input.ndim == nd + 1:
        return fn(input[None])[0]
    return fn(input)


_T = ("input", "weight", "bias")


def _make(name, nd, transposed):
    chk = _conv_check(name, nd, transposed)
    if not transposed:
        def check(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
            chk(input, weight, bias, stride, padding, dilation, groups)
            check_types(input, weight)

        def fn(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
            return _batched(nd, input, lambda x: conv(x, weight, bias, stride, padding, dilation, False, 0, groups))
    else:
        def check(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
            chk(input, weight, bias, stride, padding, dilation, groups, output_padding)
            check_types(input, weight)

        def fn(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
            return _batched(nd, input, lambda x: conv(x, weight, bias, stride, padding, dilation, True,
                                                      output_padding, groups))
    fn.__name__ = name
    register(name, tensors=_T, dtype="same", grad="ConvolutionBackward0", method=False, check=check)(fn)


for _nd in (1, 2, 3):
    _make(f"conv{_nd}d", _nd, False)
    _make(f"conv_transpose{_nd}d", _nd, True)


def _convolution_check(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({_CTYPE[input.dtype.name]}) and bias type ({_CTYPE[bias.dtype.name]}) "
                           "should be the same")
    check_shapes(tuple(input.shape), weight, bias, stride, padding, dilation, transposed, output_padding, groups)
    check_types(input, weight)


@register("convolution", tensors=_T, dtype="same", grad="ConvolutionBackward0", method=False,
          check=_convolution_check)
def _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    return conv(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)



# --- im2col / col2im (F.unfold / F.fold) ---------------------------------------------------------------------

def _blocks(sizes, k, d, p, s):
    return tuple((n + 2 * pp - (dd * (kk - 1) + 1)) // ss + 1 for n, kk, dd, pp, ss in zip(sizes, k, d, p, s))


def _fold_param_check(k, d, p, s):
    if any(v <= 0 for v in k):
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {k[0]} kernel_width: "
                           f"{k[1]}")
    if any(v <= 0 for v in s):
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {d[0]} dilation_width: "
                           f"{d[1]}")
    if any(v < 0 for v in p):
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}")


def _im2col_check(input, kernel_size, dilation, padding, stride):
    _fold_param_check(kernel_size, dilation, padding, stride)
    n = input.dim()
    if n < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(n, 1)}, {max(n, 1) - 1}], but "
                         f"got 2)")
    if n not in (3, 4) or any(v == 0 for v in input.shape[1:]):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {_sizes(input.shape)}")
    blocks = _blocks(input.shape[-2:], kernel_size, dilation, padding, stride)
    if any(b < 1 for b in blocks):
        raise RuntimeError(f"Given input with spatial size ({input.shape[-2]}, {input.shape[-1]}), kernel_size="
                           f"{tuple(kernel_size)}, dilation={tuple(dilation)}, padding={tuple(padding)}, calculated "
                           f"shape of the array of sliding blocks as {blocks}, but its components must be at least "
                           "one.")
    if input.dtype._category <= 1 or input.dtype.name == "bool":
        raise NotImplementedError(f"\"im2col_out_cpu\" not implemented for '{_LEGACY[input.dtype.name]}'")


def _patches(x, kernel_size, dilation, padding, stride):
    """(N, C, H, W) -> (N, C * kh * kw, L): im2col, channel-major like PyTorch."""
    n, c = x.shape[:2]
    kh, kw = kernel_size
    xp = jnp.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    bh, bw = _blocks(x.shape[2:], kernel_size, dilation, padding, stride)
    cols = []
    for i in range(kh):
        for j in range(kw):
            h0, w0 = i * dilation[0], j * dilation[1]
            cols.append(lax.slice(xp, (0, 0, h0, w0), (n, c, h0 + (bh - 1) * stride[0] + 1,
                                                        w0 + (bw - 1) * stride[1] + 1), (1, 1) + tuple(stride)))
    return jnp.stack(cols, axis=2).reshape(n, c * kh * kw, bh * bw)


@register("im2col", dtype="same", grad="Im2ColBackward0", method=False, function=False, check=_im2col_check)
def _im2col(input, kernel_size, dilation, padding, stride):
    return _batched(2, input, lambda x: _patches(x, kernel_size, dilation, padding, stride))


def _col2im_check(input, output_size, kernel_size, dilation, padding, stride):
    _fold_param_check(kernel_size, dilation, padding, stride)
    if input.dim() not in (2, 3) or any(v == 0 for v in input.shape[1:]) or input.dim() == 2 and input.shape[0] == 0:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {_sizes(input.shape)}")
    kk = kernel_size[0] * kernel_size[1]
    if input.shape[-2] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={input.shape[-2]} and kernel_size={tuple(kernel_size)}.")
    bh, bw = _blocks(output_size, kernel_size, dilation, padding, stride)
    if bh < 1 or bw < 1 or input.shape[-1] != bh * bw:
        raise RuntimeError(f"Given output_size={tuple(output_size)}, kernel_size={tuple(kernel_size)}, dilation="
                           f"{tuple(dilation)}, padding={tuple(padding)}, stride={tuple(stride)}, expected size of "
                           f"input's dimension 2 to match the calculated number of sliding blocks {bh} * {bw} = "
                           f"{bh * bw}, but got input.size(2)={input.shape[-1]}.")


@register("col2im", dtype="same", grad="Col2ImBackward0", method=False, function=False, check=_col2im_check)
def _col2im(input, output_size, kernel_size, dilation, padding, stride):
    def go(cols):
        n, ckk, _ = cols.shape
        c = ckk // (kernel_size[0] * kernel_size[1])
        zeros = jnp.zeros((n, c) + tuple(output_size), cols.dtype)
        _, transpose = jax.vjp(lambda z: _patches(z, kernel_size, dilation, padding, stride), zeros)
        return transpose(cols)[0]
    return _batched(1, input, go)
