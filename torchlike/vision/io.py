"""torchvision.io (images only, through PIL): read_image, decode_image, write_png, encode_png, read_file."""
from __future__ import annotations

import io as _io
from enum import Enum

import numpy as np
from PIL import Image

import torchlike as torch


class ImageReadMode(Enum):
    """UNCHANGED, GRAY, GRAY_ALPHA, RGB, RGB_ALPHA (a string such as 'RGB' is accepted too)."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODES = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
              ImageReadMode.RGB_ALPHA: "RGBA"}


def _mode(mode):
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    if not isinstance(mode, ImageReadMode):
        raise TypeError(f"mode should be an ImageReadMode or a str, got {type(mode)}")
    return mode


def _pil_to_chw(img, mode):
    if mode != ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODES[mode])
    elif img.mode not in ("L", "LA", "RGB", "RGBA", "I;16", "I"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    arr = np.array(img)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.dtype == np.uint16:
        arr = arr.astype(np.int32)
    return torch.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def read_file(path):
    """The raw bytes of a file as a 1-D uint8 tensor."""
    with open(path, "rb") as f:
        data = f.read()
    return torch.from_numpy(np.frombuffer(data, dtype=np.uint8).copy())


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode image bytes (a 1-D uint8 tensor) or a path into a uint8 tensor (C x H x W)."""
    mode = _mode(mode)
    if isinstance(input, torch.Tensor):
        img = Image.open(_io.BytesIO(input.numpy().tobytes()))
    else:
        img = Image.open(input)
    if apply_exif_orientation:
        from PIL import ImageOps
        img = ImageOps.exif_transpose(img)
    return _pil_to_chw(img, mode)


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Read a JPEG/PNG/... file into a uint8 tensor (C x H x W)."""
    mode = _mode(mode)
    with Image.open(path) as img:
        if apply_exif_orientation:
            from PIL import ImageOps
            img = ImageOps.exif_transpose(img)
        return _pil_to_chw(img, mode)


decode_jpeg = decode_png = decode_image


def _chw_to_pil(input):
    if not isinstance(input, torch.Tensor) or input.dtype != torch.uint8 or input.ndim != 3:
        raise RuntimeError("The input tensor must be a uint8 tensor of shape (C, H, W)")
    arr = input.detach().cpu().numpy().transpose(1, 2, 0)
    c = arr.shape[2]
    if c not in (1, 3):
        raise RuntimeError(f"The number of channels should be 1 or 3, got: {c}")
    return Image.fromarray(np.ascontiguousarray(arr[:, :, 0] if c == 1 else arr))


def encode_png(input, compression_level=6):
    buf = _io.BytesIO()
    _chw_to_pil(input).save(buf, format="PNG", compress_level=compression_level)
    return torch.from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def write_png(input, filename, compression_level=6):
    _chw_to_pil(input).save(filename, format="PNG", compress_level=compression_level)


def encode_jpeg(input, quality=75):
    buf = _io.BytesIO()
    _chw_to_pil(input).save(buf, format="JPEG", quality=quality)
    return torch.from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def write_jpeg(input, filename, quality=75):
    _chw_to_pil(input).save(filename, format="JPEG", quality=quality)


def write_file(filename, data):
    with open(filename, "wb") as f:
        f.write(data.numpy().tobytes())
