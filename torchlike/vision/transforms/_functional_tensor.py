"""The tensor backend of torchvision.transforms.functional.

Kernels are written once against a tiny array API (`_A` below) that runs them either on NumPy arrays (CPU
tensors that need no autograd: fast, one NumPy call per step) or on torchlike tensors (autograd, accelerators).
Resampling (resize, rotate, affine, blur) is expressed as gathers and small weight matrices whose values are
computed in NumPy following PyTorch's kernels (interpolate, grid_sample), so the results match PyTorch's.
"""
from __future__ import annotations


import numpy as np

import torchlike as torch
from torchlike import _trace_state


# ------------------------------------------------------------------------------------------------- array helpers
def _use_numpy(img):
    return (not img.requires_grad and img.device.type == "cpu" and img.dtype is not torch.bfloat16
            and not _trace_state.tracing())


def _run(img, kernel, *args, **kwargs):
    """Run `kernel(x, *args)` on the NumPy view of `img` when possible (wrapping the result back), else on `img`."""
    if _use_numpy(img):
        out = kernel(img.numpy(), *args, **kwargs)
        return torch.from_numpy(np.ascontiguousarray(out))
    return kernel(img, *args, **kwargs)


class _A:
    """Array operations for NumPy arrays and torchlike tensors alike."""

    @staticmethod
    def is_np(a):
        return isinstance(a, np.ndarray)

    @staticmethod
    def const(like, values, dtype=None):
        """`values` (NumPy) as an array of the same kind as `like` (dtype: a NumPy dtype; default like's)."""
        if isinstance(like, np.ndarray):
            return np.asarray(values, dtype=dtype or like.dtype)
        t = torch.from_numpy(np.ascontiguousarray(np.asarray(values, dtype=dtype or like.dtype.np)))
        return t.to(like.device)

    @staticmethod
    def np_dtype(a):
        return a.dtype if isinstance(a, np.ndarray) else a.dtype.np

    @staticmethod
    def cast(a, np_dtype):
        if isinstance(a, np.ndarray):
            return a.astype(np_dtype)
        return a.to(torch._dtype.from_numpy_dtype(np_dtype))

    @staticmethod
    def is_float(a):
        return np.issubdtype(_A.np_dtype(a), np.floating)

    @staticmethod
    def where(cond, a, b):
        return np.where(cond, a, b) if isinstance(a, np.ndarray) else torch.where(cond, a, b)

    @staticmethod
    def round(a):
        return np.round(a) if isinstance(a, np.ndarray) else torch.round(a)

    @staticmethod
    def clip(a, lo, hi):
        return np.clip(a, lo, hi) if isinstance(a, np.ndarray) else a.clamp(lo, hi)

    @staticmethod
    def flip(a, axis):
        return np.flip(a, axis) if isinstance(a, np.ndarray) else a.flip(axis)

    @staticmethod
    def stack(arrs, axis):
        return np.stack(arrs, axis) if isinstance(arrs[0], np.ndarray) else torch.stack(list(arrs), axis)

    @staticmethod
    def unbind(a, axis):
        return [np.take(a, i, axis=axis) for i in range(a.shape[axis])] if isinstance(a, np.ndarray) \
            else a.unbind(axis)

    @staticmethod
    def expand_dims(a, axis):
        return np.expand_dims(a, axis) if isinstance(a, np.ndarray) else a.unsqueeze(axis)

    @staticmethod
    def broadcast_to(a, shape):
        return np.broadcast_to(a, shape) if isinstance(a, np.ndarray) else a.expand(*shape)

    @staticmethod
    def mean_chw(a):
        if isinstance(a, np.ndarray):
            return a.mean(axis=(-3, -2, -1), keepdims=True, dtype=a.dtype)
        return torch.mean(a, dim=(-3, -2, -1), keepdim=True)

    @staticmethod
    def take_flat(a, idx):
        """a[..., idx] where idx indexes the last axis (an int64 NumPy array of any shape)."""
        if isinstance(a, np.ndarray):
            return a[..., idx]
        return a[..., _A.const(a, idx, np.int64)]


def _result_cast(out, np_dtype):
    """Back to an image dtype after float arithmetic: integers are rounded (PyTorch's _cast_squeeze_out)."""
    if np.issubdtype(np_dtype, np.integer):
        out = _A.round(out)
    return _A.cast(out, np_dtype)


def _float_dtype(np_dtype, allowed=(np.float32, np.float64)):
    return np.dtype(np_dtype) if np.dtype(np_dtype) in [np.dtype(d) for d in allowed] else np.dtype(np.float32)


# ------------------------------------------------------------------------------------------------ basic queries
def _is_tensor_a_torch_image(x):
    return x.ndim >= 2


def _assert_image_tensor(img):
    if not _is_tensor_a_torch_image(img):
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img):
    _assert_image_tensor(img)
    channels = 1 if img.ndim == 2 else img.shape[-3]
    height, width = img.shape[-2:]
    return [channels, height, width]


def get_image_size(img):
    _assert_image_tensor(img)
    return [img.shape[-1], img.shape[-2]]


def get_image_num_channels(img):
    _assert_image_tensor(img)
    if img.ndim == 2:
        return 1
    elif img.ndim > 2:
        return img.shape[-3]
    raise TypeError(f"Input ndim should be 2 or more. Got {img.ndim}")


def _max_value(dtype):
    return {"uint8": 255, "int8": 127, "int16": 32767, "uint16": 65535, "int32": 2147483647,
            "int64": 9223372036854775807}.get(getattr(dtype, "name", str(dtype)), 1)


def _assert_channels(img, permitted):
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


# ------------------------------------------------------------------------------------------------ dtype conversion
def convert_image_dtype(image, dtype=torch.float):
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == torch.float32 and dtype in (torch.int32, torch.int64)) or (
                image.dtype == torch.float64 and dtype == torch.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        eps = 1e-3
        max_val = float(_max_value(dtype))
        return image.mul(max_val + 1.0 - eps).to(dtype)
    input_max = float(_max_value(image.dtype))
    if dtype.is_floating_point:
        if _use_numpy(image) and dtype is not torch.bfloat16:  # exact IEEE division (as PyTorch's CPU kernel)
            x = image.numpy().astype(dtype.np)
            return torch.from_numpy(x / dtype.np.type(input_max))
        return image.to(dtype) / input_max
    output_max = float(_max_value(dtype))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return torch.div(image, factor, rounding_mode="floor").to(dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return image.to(dtype) * factor


# ------------------------------------------------------------------------------------------------ flips, crops, pad
def vflip(img):
    _assert_image_tensor(img)
    return img.flip(-2)


def hflip(img):
    _assert_image_tensor(img)
    return img.flip(-1)


def crop(img, top, left, height, width):
    _assert_image_tensor(img)
    _, h, w = get_dimensions(img)
    right = left + width
    bottom = top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                        max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0): bottom, max(left, 0): right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _parse_pad_padding(padding):
    if isinstance(padding, int):
        pad_left = pad_right = pad_top = pad_bottom = padding
    elif len(padding) == 1:
        pad_left = pad_right = pad_top = pad_bottom = padding[0]
    elif len(padding) == 2:
        pad_left = pad_right = padding[0]
        pad_top = pad_bottom = padding[1]
    else:
        pad_left, pad_top, pad_right, pad_bottom = padding[0], padding[1], padding[2], padding[3]
    return [pad_left, pad_right, pad_top, pad_bottom]


def _pad_index(n, before, after, mode):
    """Source indices (and, for 'constant', a validity mask) of a padded axis of length n."""
    j = np.arange(-before, n + after)
    if mode == "constant":
        return np.clip(j, 0, n - 1), (j >= 0) & (j < n)
    if mode == "replicate":
        return np.clip(j, 0, n - 1), None
    if mode == "reflect":
        period = 2 * (n - 1)
        j = np.abs(j) % period if period else np.zeros_like(j)
        return np.where(j >= n, period - j, j), None
    # symmetric
    period = 2 * n
    j = j % period
    return np.where(j >= n, period - 1 - j, j), None


def _pad_kernel(x, p, mode, fill):
    left, right, top, bottom = p
    h, w = x.shape[-2], x.shape[-1]
    yi, ym = _pad_index(h, top, bottom, mode)
    xi, xm = _pad_index(w, left, right, mode)
    flat = yi[:, None] * w + xi[None, :]
    lead = tuple(x.shape[:-2])
    x2 = x.reshape(lead + (h * w,)) if _A.is_np(x) else x.reshape(*lead, h * w)
    out = _A.take_flat(x2, flat)
    if ym is not None:
        mask = ym[:, None] & xm[None, :]
        fill_value = _A.const(out, np.asarray(fill).astype(_A.np_dtype(out)))
        out = _A.where(_A.const(out, mask, np.bool_), out, fill_value)
    return out


def pad(img, padding, fill=0, padding_mode="constant"):
    _assert_image_tensor(img)
    if fill is None:
        fill = 0
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, tuple):
        padding = list(padding)
    if isinstance(padding, list) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")

    p = _parse_pad_padding(padding)
    if any(v < 0 for v in p):  # negative padding crops
        cl, cr, ct, cb = [-min(v, 0) for v in p]
        img = img[..., ct: img.shape[-2] - cb, cl: img.shape[-1] - cr]
        p = [max(v, 0) for v in p]
    mode = {"edge": "replicate"}.get(padding_mode, padding_mode)
    if mode == "reflect":
        h, w = img.shape[-2], img.shape[-1]
        for dim, (a, b), size in ((img.ndim - 1, p[:2], w), (img.ndim - 2, p[2:], h)):
            if a >= size or b >= size:
                raise RuntimeError(
                    f"Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                    f"padding ({a}, {b}) at dimension {dim} of input {list(img.shape)}")
    if mode != "constant" and not img.is_floating_point():
        fill = 0
    elif not img.is_floating_point():
        fill = int(fill) if float(fill).is_integer() else fill
    return _run(img, _pad_kernel, p, mode, fill)


# ------------------------------------------------------------------------------------------------ resize
def _cubic(x, a):
    x = np.abs(x)
    return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                    np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0.0))


def _resize_weights(in_size, out_size, mode, antialias):
    """The (out_size, in_size) matrix of PyTorch's interpolate (align_corners=False) along one axis."""
    scale = in_size / out_size
    dst = np.arange(out_size, dtype=np.float64)
    W = np.zeros((out_size, in_size), dtype=np.float64)
    rows = np.arange(out_size)
    if antialias and mode in ("bilinear", "bicubic"):
        interp_size, filt = (2, lambda x: np.maximum(0.0, 1.0 - np.abs(x))) if mode == "bilinear" else \
            (4, lambda x: _cubic(x, -0.5))
        support = (interp_size * 0.5) * scale if scale >= 1.0 else interp_size * 0.5
        invscale = 1.0 / scale if scale >= 1.0 else 1.0
        for i in range(out_size):
            center = scale * (i + 0.5)
            xmin = max(int(center - support + 0.5), 0)
            xmax = min(int(center + support + 0.5), in_size)
            j = np.arange(xmin, xmax)
            w = filt((j - center + 0.5) * invscale)
            total = w.sum()
            W[i, xmin:xmax] = w / total if total != 0 else w
        return W
    if mode == "bilinear":
        src = np.maximum(scale * (dst + 0.5) - 0.5, 0.0)
        i0 = src.astype(np.int64)
        i1 = np.where(i0 < in_size - 1, i0 + 1, i0)
        l1 = src - i0
        np.add.at(W, (rows, i0), 1.0 - l1)
        np.add.at(W, (rows, i1), l1)
        return W
    if mode == "bicubic":
        src = scale * (dst + 0.5) - 0.5
        i0 = np.floor(src).astype(np.int64)
        t = src - i0
        a = -0.75
        coeffs = [_cubic(t + 1, a), _cubic(t, a), _cubic(1 - t, a), _cubic(2 - t, a)]
        for k, c in enumerate(coeffs):
            np.add.at(W, (rows, np.clip(i0 - 1 + k, 0, in_size - 1)), c)
        return W
    raise ValueError(mode)


def _nearest_index(in_size, out_size, exact):
    scale = np.float32(in_size) / np.float32(out_size)
    dst = np.arange(out_size, dtype=np.float32)
    src = np.floor(((dst + np.float32(0.5)) if exact else dst) * scale).astype(np.int64)
    return np.minimum(src, in_size - 1)


def _resize_kernel(x, size, interpolation, antialias):
    in_dtype = _A.np_dtype(x)
    h, w = x.shape[-2], x.shape[-1]
    oh, ow = size
    if interpolation in ("nearest", "nearest-exact"):
        exact = interpolation == "nearest-exact"
        yi, xi = _nearest_index(h, oh, exact), _nearest_index(w, ow, exact)
        lead = tuple(x.shape[:-2])
        x2 = x.reshape(lead + (h * w,)) if _A.is_np(x) else x.reshape(*lead, h * w)
        return _A.take_flat(x2, yi[:, None] * w + xi[None, :])
    fdt = _float_dtype(in_dtype)
    xf = _A.cast(x, fdt) if fdt != in_dtype else x
    wh = _A.const(xf, _resize_weights(h, oh, interpolation, antialias), fdt)
    ww = _A.const(xf, _resize_weights(w, ow, interpolation, antialias).T, fdt)
    out = (wh @ xf) @ ww if oh * w <= h * ow else wh @ (xf @ ww)
    if fdt != in_dtype:
        if interpolation == "bicubic" and in_dtype == np.uint8:
            out = _A.clip(out, 0, 255)
        out = _result_cast(out, in_dtype)
    return out


def resize(img, size, interpolation="bilinear", antialias=True):
    _assert_image_tensor(img)
    size = list(size)
    if antialias is None:
        antialias = False
    if antialias and interpolation not in ["bilinear", "bicubic"]:
        antialias = False
    if interpolation not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")
    return _run(img, _resize_kernel, size, interpolation, antialias)


# ------------------------------------------------------------------------------------------------ colour
def rgb_to_grayscale(img, num_output_channels=1):
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")

    def kernel(x):
        if x.shape[-3] == 3:
            r, g, b = _A.unbind(x, -3)
            if _A.is_np(x):
                fdt = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
                l_img = (np.asarray(0.2989, fdt) * r + np.asarray(0.587, fdt) * g + np.asarray(0.114, fdt) * b)
                l_img = l_img.astype(x.dtype)
            else:
                l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(x.dtype)
            l_img = _A.expand_dims(l_img, -3)
        else:
            l_img = x.copy() if _A.is_np(x) else x.clone()
        if num_output_channels == 3:
            return _A.broadcast_to(l_img, tuple(x.shape))
        return l_img
    return _run(img, kernel)


def _blend_kernel(x1, x2, ratio):
    bound = _max_value(torch._dtype.from_numpy_dtype(_A.np_dtype(x1)))
    if _A.is_np(x1):
        fdt = x1.dtype if np.issubdtype(x1.dtype, np.floating) else np.float32
        out = np.asarray(ratio, fdt) * x1.astype(fdt) + np.asarray(1.0 - ratio, fdt) * np.asarray(x2, fdt)
        return np.clip(out, 0, bound).astype(x1.dtype)
    return (ratio * x1 + (1.0 - ratio) * x2).clamp(0, bound).to(x1.dtype)


def _blend(img1, img2, ratio):
    ratio = float(ratio)
    if _use_numpy(img1) and isinstance(img2, torch.Tensor) and _use_numpy(img2):
        return torch.from_numpy(np.ascontiguousarray(_blend_kernel(img1.numpy(), img2.numpy(), ratio)))
    return _blend_kernel(img1, img2, ratio)


def adjust_brightness(img, brightness_factor):
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    return _blend(img, torch.zeros_like(img), brightness_factor)


def adjust_contrast(img, contrast_factor):
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [3, 1])
    c = get_dimensions(img)[0]
    dtype = img.dtype if torch.is_floating_point(img) else torch.float32
    if c == 3:
        mean = torch.mean(rgb_to_grayscale(img).to(dtype), dim=(-3, -2, -1), keepdim=True)
    else:
        mean = torch.mean(img.to(dtype), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor):
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def _rgb2hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = torch.max(img, dim=-3).values
    minc = torch.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = hr + hg + hb
    h = torch.fmod((h / 6.0 + 1.0), 1.0)
    return torch.stack((h, s, maxc), dim=-3)


def _hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(dim=-3) == torch.arange(6, device=i.device).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)


def adjust_hue(img, hue_factor):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if not isinstance(img, torch.Tensor):
        raise TypeError("Input img should be Tensor image")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    orig_dtype = img.dtype
    img = convert_image_dtype(img, torch.float32)
    img = _rgb2hsv(img)
    h, s, v = img.unbind(dim=-3)
    h = (h + hue_factor) % 1.0
    img = torch.stack((h, s, v), dim=-3)
    return convert_image_dtype(_hsv2rgb(img), orig_dtype)


def adjust_gamma(img, gamma, gain=1):
    if not isinstance(img, torch.Tensor):
        raise TypeError("Input img should be a Tensor.")
    _assert_channels(img, [1, 3])
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    result = img
    dtype = img.dtype
    if not torch.is_floating_point(img):
        result = convert_image_dtype(result, torch.float32)
    result = (gain * result ** gamma).clamp(0, 1)
    return convert_image_dtype(result, dtype)


def invert(img):
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    return _max_value(img.dtype) - img


# ------------------------------------------------------------------------------------------------ normalize
def normalize(tensor, mean, std, inplace=False):
    _assert_image_tensor(tensor)
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(
            f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {tensor.size()}")
    dtype = tensor.dtype
    if _use_numpy(tensor):  # NumPy: exact IEEE division (XLA's CPU division may differ by one ulp)
        x = tensor.numpy()
        m = np.asarray(mean.numpy() if isinstance(mean, torch.Tensor) else mean, dtype=x.dtype)
        s = np.asarray(std.numpy() if isinstance(std, torch.Tensor) else std, dtype=x.dtype)
        if (s == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division by zero.")
        if m.ndim == 1:
            m = m.reshape(-1, 1, 1)
        if s.ndim == 1:
            s = s.reshape(-1, 1, 1)
        out = torch.from_numpy(np.ascontiguousarray((x - m) / s))
        if inplace:
            with torch.no_grad():
                tensor.copy_(out)
            return tensor
        return out
    if not inplace:
        tensor = tensor.clone()
    mean = torch.as_tensor(mean, dtype=dtype, device=tensor.device)
    std = torch.as_tensor(std, dtype=dtype, device=tensor.device)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def erase(img, i, j, h, w, v, inplace=False):
    _assert_image_tensor(img)
    if not inplace:
        img = img.clone()
    img[..., i: i + h, j: j + w] = v
    return img


# ------------------------------------------------------------------------------------------------ geometry
def _assert_grid_transform_inputs(img, matrix, interpolation, fill, supported_interpolation_modes):
    if not isinstance(img, torch.Tensor):
        raise TypeError("Input img should be Tensor")
    _assert_image_tensor(img)
    if matrix is not None and not isinstance(matrix, list):
        raise TypeError("Argument matrix should be a list")
    if matrix is not None and len(matrix) != 6:
        raise ValueError("Argument matrix should have 6 float values")
    num_channels = get_dimensions(img)[0]
    if fill is not None and isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != num_channels:
        msg = ("The number of elements in 'fill' cannot broadcast to match the number of "
               "channels of the image ({} != {})")
        raise ValueError(msg.format(len(fill), num_channels))
    if interpolation not in supported_interpolation_modes:
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def _gen_affine_grid(theta, w, h, ow, oh):
    """PyTorch's affine grid (normalized coordinates), computed in float32 like torchvision does."""
    f = np.float32
    x = np.linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow, dtype=f)
    y = np.linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh, dtype=f)
    t = (np.asarray(theta, f).reshape(2, 3).T / np.asarray([0.5 * w, 0.5 * h], f)).astype(f)  # (3, 2)
    gx = x[None, :] * t[0, 0] + y[:, None] * t[1, 0] + t[2, 0]
    gy = x[None, :] * t[0, 1] + y[:, None] * t[1, 1] + t[2, 1]
    return gx.astype(f), gy.astype(f)


def _grid_sample_taps(gx, gy, h, w, mode):
    """[(flat_index, weight)] taps of grid_sample (zeros padding, align_corners=False) and the sampled-ones mask."""
    f = np.float32
    ix = ((gx + f(1)) * f(w) - f(1)) / f(2)
    iy = ((gy + f(1)) * f(h) - f(1)) / f(2)
    taps = []
    if mode == "nearest":
        xn, yn = np.rint(ix).astype(np.int64), np.rint(iy).astype(np.int64)
        valid = (xn >= 0) & (xn < w) & (yn >= 0) & (yn < h)
        taps.append((np.clip(yn, 0, h - 1) * w + np.clip(xn, 0, w - 1), valid.astype(f)))
    else:
        x0, y0 = np.floor(ix), np.floor(iy)
        for dy in (0, 1):
            for dx in (0, 1):
                xx, yy = x0 + dx, y0 + dy
                wx = (ix - x0) if dx else (x0 + 1 - ix)
                wy = (iy - y0) if dy else (y0 + 1 - iy)
                valid = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
                xi = np.clip(xx, 0, w - 1).astype(np.int64)
                yi = np.clip(yy, 0, h - 1).astype(np.int64)
                taps.append((yi * w + xi, (wx * wy * valid).astype(f)))
    mask = sum(wt for _, wt in taps)
    return taps, mask


def _grid_kernel(x, taps, mask, mode, fill, oh, ow):
    in_dtype = _A.np_dtype(x)
    fdt = _float_dtype(in_dtype)
    xf = _A.cast(x, fdt) if fdt != in_dtype else x
    h, w = x.shape[-2], x.shape[-1]
    lead = tuple(x.shape[:-2])
    x2 = xf.reshape(lead + (h * w,)) if _A.is_np(xf) else xf.reshape(*lead, h * w)
    out = None
    for idx, wt in taps:
        term = _A.take_flat(x2, idx) * _A.const(xf, wt, fdt)
        out = term if out is None else out + term
    if fill is not None:
        fill_list = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = np.asarray(fill_list, dtype=fdt).reshape(-1, 1, 1)
        fill_img = np.broadcast_to(fill_img, (x.shape[-3] if x.ndim >= 3 else 1, oh, ow))
        if mode == "nearest":
            out = _A.where(_A.const(xf, mask < 0.5, np.bool_), _A.const(xf, fill_img, fdt), out)
        else:
            m = _A.const(xf, mask, fdt)
            out = out * m + (1.0 - m) * _A.const(xf, fill_img, fdt)
    if fdt != in_dtype:
        out = _result_cast(out, in_dtype)
    return out


def _apply_affine(img, matrix, interpolation, fill, ow, oh):
    w, h = img.shape[-1], img.shape[-2]
    gx, gy = _gen_affine_grid(matrix, w, h, ow, oh)
    taps, mask = _grid_sample_taps(gx, gy, h, w, interpolation)
    return _run(img, _grid_kernel, taps, mask, interpolation, fill, oh, ow)


def affine(img, matrix, interpolation="nearest", fill=None):
    _assert_grid_transform_inputs(img, matrix, interpolation, fill, ["nearest", "bilinear"])
    return _apply_affine(img, matrix, interpolation, fill, img.shape[-1], img.shape[-2])


def _compute_affine_output_size(matrix, w, h):
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], dtype=np.float32)
    theta = np.asarray(matrix, dtype=np.float32).reshape(2, 3)
    new_pts = pts @ theta.T
    min_vals = new_pts.min(axis=0) + np.asarray((w * 0.5, h * 0.5), np.float32)
    max_vals = new_pts.max(axis=0) + np.asarray((w * 0.5, h * 0.5), np.float32)
    tol = np.float32(1e-4)
    cmax = np.ceil(np.trunc(max_vals / tol) * tol)
    cmin = np.floor(np.trunc(min_vals / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def rotate(img, matrix, interpolation="nearest", expand=False, fill=None):
    _assert_grid_transform_inputs(img, matrix, interpolation, fill, ["nearest", "bilinear"])
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _compute_affine_output_size(matrix, w, h) if expand else (w, h)
    return _apply_affine(img, matrix, interpolation, fill, ow, oh)


def _gaussian_kernel1d(kernel_size, sigma, np_dtype):
    ksize_half = (kernel_size - 1) * 0.5
    x = np.linspace(-ksize_half, ksize_half, kernel_size).astype(np_dtype)
    pdf = np.exp(-0.5 * (x / np_dtype(sigma)) ** 2)
    return pdf / pdf.sum()


def _blur_matrix(n, kernel_size, sigma, np_dtype):
    """(n, n) matrix of a 1-D Gaussian convolution with reflect padding."""
    k = _gaussian_kernel1d(kernel_size, sigma, np_dtype).astype(np.float64)
    half = kernel_size // 2
    idx, _ = _pad_index(n, half, half, "reflect")
    M = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        np.add.at(M[i], idx[i: i + kernel_size], k)
    return M


def gaussian_blur(img, kernel_size, sigma):
    if not isinstance(img, torch.Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    _assert_image_tensor(img)
    h, w = img.shape[-2], img.shape[-1]
    if kernel_size[0] // 2 >= w or kernel_size[1] // 2 >= h:
        raise RuntimeError(
            f"Argument #4: Padding size should be less than the corresponding input dimension, but got: padding "
            f"({kernel_size[0] // 2}, {kernel_size[0] // 2}) at dimension {img.ndim - 1} of input {list(img.shape)}")

    def kernel(x):
        in_dtype = _A.np_dtype(x)
        fdt = _float_dtype(in_dtype)
        xf = _A.cast(x, fdt) if fdt != in_dtype else x
        mh = _A.const(xf, _blur_matrix(h, kernel_size[1], sigma[1], fdt.type), fdt)
        mw = _A.const(xf, _blur_matrix(w, kernel_size[0], sigma[0], fdt.type).T, fdt)
        out = (mh @ xf) @ mw
        return _result_cast(out, in_dtype) if fdt != in_dtype else out
    return _run(img, kernel)
