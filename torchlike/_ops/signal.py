"""torch.stft / torch.istft (and Tensor.stft / Tensor.istft), structured as PyTorch's.

stft: the center padding is F.pad (torch.functional.stft does the same in Python, so its errors are F.pad's), the
framing + windowing + FFT is one op-table entry (`_stft_frames`, differentiable w.r.t. input and window through the
jnp.fft ops) giving (batch, frames, freq), then torch's in-place transpose_ / squeeze_ / view_as_real, so results
have torch's strides and grad_fn names. istft: the inverse FFT, window and overlap-add divided by the window
envelope is one entry (`_istft_ola`); squeeze and zero padding past the reconstructed length follow as in torch.
Argument errors and the two once-per-process warnings use ATen's texts (its REPR of the call).
"""
from __future__ import annotations

import warnings

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from . import complex_views, dispatch, views
from ._registry import register
from .dispatch import scalar_name

_LEGACY = frozenset(("Byte", "Char", "Short", "Int", "Long", "Half", "Float", "Double", "BFloat16"))
_WARNED = set()


def _warn_once(key, msg):
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(msg, UserWarning, stacklevel=3)


def _tstr(t):
    """ATen's Tensor::toString() for a CPU tensor: legacy 'torch.FloatTensor' names, else 'CPU<Scalar>Type'."""
    n = scalar_name(t.dtype)
    return f"torch.{n}Tensor" if n in _LEGACY else f"CPU{n}Type"


def _sizes(t):
    return "[" + ", ".join(map(str, t.shape)) + "]"


def _opt(v):
    return "None" if v is None else str(int(v)) if isinstance(v, bool) else str(v)


def _window_repr(window):
    return "None" if window is None else f"{_tstr(window)}{{{_sizes(window)}}}"


def _fft_dtype_check(dt):
    if dt in (D.float16, D.bfloat16) or dt.name == "complex32":
        raise RuntimeError(f"MKL FFT doesn't support tensors of type: {scalar_name(dt)}")


# --- stft ----------------------------------------------------------------------------------------------------------

def _stft_rule(op, vals):
    x, w = vals[0], vals[1]
    c = x.dtype if w is None else D.result_type(x, w)
    if c._category <= 1:
        c = D.get_default_dtype()
    return c, (c.to_complex(),)


@register("_stft_frames", tensors=("input", "window"), dtype=_stft_rule, method=False, function=False,
          grad="StftBackward0")
def _stft_frames(input, window, n_fft, hop_length, win_length, normalized, onesided, aligned):
    """(batch, len) -> (batch, n_frames, n_freq): frames, times the (centred, zero-padded) window, FFT'd."""
    length = input.shape[1]
    left = (n_fft - win_length) // 2
    if aligned:                       # align_to_window: each frame holds win_length samples, padded to n_fft
        n_frames = 1 + (length - win_length) // hop_length
        idx = np.arange(n_frames)[:, None] * hop_length + np.arange(win_length)[None, :]
        frames = input[:, idx]
        if window is not None:
            frames = frames * window
        frames = jnp.pad(frames, ((0, 0), (0, 0), (left, n_fft - win_length - left)))
    else:
        n_frames = 1 + (length - n_fft) // hop_length
        idx = np.arange(n_frames)[:, None] * hop_length + np.arange(n_fft)[None, :]
        frames = input[:, idx]
        if window is not None or win_length < n_fft:
            w = jnp.ones((win_length,), frames.dtype) if window is None else window
            frames = frames * jnp.pad(w, (left, n_fft - win_length - left))
    norm = "ortho" if normalized else "backward"
    if jnp.iscomplexobj(frames) or not onesided:
        return jnp.fft.fft(frames, axis=-1, norm=norm)
    return jnp.fft.rfft(frames, axis=-1, norm=norm)


def _F():
    from ..nn import functional
    return functional


@views.view_op("stft")
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:
        sd = input.dim()
        pad = int(n_fft // 2)
        input = _F().pad(input.view([1] * (3 - sd) + list(input.size())), [pad, pad], pad_mode)
        input = input.view(input.shape[-sd:])
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if window is None:
        _warn_once("stft_window", "A window was not provided. A rectangular window will be applied,which is known "
                   "to cause spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                   "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                   "explicitly set `window=torch.ones(n_fft, device=<device>)`.")
    rc = return_complex if return_complex is not None else (
        input.is_complex() or (window is not None and window.is_complex()))
    if not rc:
        if return_complex is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        _warn_once("stft_real", "stft with return_complex=False is deprecated. In a future pytorch release, stft "
                   "will return complex tensors for all inputs, and return_complex=False will raise an error.\n"
                   "Note: you can still call torch.view_as_real on the complex output to recover the old return "
                   "format.")
    head = (f"stft({_tstr(input)}{_sizes(input)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
            f"window={_window_repr(window)}, normalized={int(bool(normalized))}, onesided={_opt(onesided)}, "
            f"return_complex={_opt(return_complex)}, align_to_window={_opt(align_to_window)}) ")
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError(head + ": expected a tensor of floating point or complex values")
    if input.dim() not in (1, 2):
        raise RuntimeError(head + ": expected a 1D or 2D tensor")
    x = input.unsqueeze(0) if input.dim() == 1 else input
    length = x.shape[1]
    if n_fft <= 0 or n_fft > length:
        raise RuntimeError(head + f": expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(head + f": expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        raise RuntimeError(head + f": expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        raise RuntimeError(head + f": expected a 1D window tensor of size equal to win_length={win}, but got "
                           f"window with size {_sizes(window)}")
    complex_fft = input.is_complex() or (window is not None and window.is_complex())
    one = (not complex_fft) if onesided is None else bool(onesided)
    if complex_fft and one:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    _fft_dtype_check(input.dtype if window is None else D.result_type(input, window))
    out = dispatch.call("_stft_frames", (x, window, n_fft, hop, win, bool(normalized), one,
                                         bool(align_to_window) and not center), {})
    return _finish_stft(out, input.dim() == 1, rc)


def _finish_stft(out, squeeze, rc):
    """torch's out.transpose_(1, 2), out.squeeze_(0) and view_as_real, as views with torch's grad_fn names."""
    size, stride = list(out._size), list(out._stride)
    size[1], size[2], stride[1], stride[2] = size[2], size[1], stride[2], stride[1]
    out = views.make_view(out, size, stride, out._offset, "TransposeBackward1", views._transpose_pure, (1, 2))
    if squeeze:
        out = views.make_view(out, size[1:], stride[1:], out._offset, "SqueezeBackward4", views._reshape_pure,
                              (tuple(size[1:]),))
    return out if rc else complex_views.view_as_real(out)


# --- istft ---------------------------------------------------------------------------------------------------------

def _istft_rule(op, vals):
    x, w = vals[0], vals[1]
    c = x.dtype.to_real() if w is None else D.promote_types(x.dtype.to_real(), w.dtype.to_real())
    return None, (c.to_complex() if vals[op.index["return_complex"]] else c,)


@register("_istft_ola", tensors=("input", "window"), dtype=_istft_rule, cast=(), method=False, function=False,
          grad="DivBackward0")
def _istft_ola(input, window, n_fft, hop_length, win_length, normalized, onesided, return_complex, start, end):
    """(batch, freq, frames) complex -> (batch, end - start): inverse FFT of each frame, times the window,
    overlap-added and divided by the overlap-added squared window."""
    n_frames = input.shape[-1]
    frames = jnp.swapaxes(input, 1, 2)
    norm = "ortho" if normalized else "backward"
    if return_complex:
        frames = jnp.fft.ifft(frames, n=n_fft, axis=-1, norm=norm)
    else:
        if not onesided:
            frames = frames[..., : n_fft // 2 + 1]
        frames = jnp.fft.irfft(frames, n=n_fft, axis=-1, norm=norm)
    left = (n_fft - win_length) // 2
    w = jnp.ones((win_length,), frames.real.dtype) if window is None else window
    w = jnp.pad(w, (left, n_fft - win_length - left))
    y_frames = frames * w
    total = n_fft + hop_length * (n_frames - 1)
    idx = (np.arange(n_frames)[:, None] * hop_length + np.arange(n_fft)[None, :]).reshape(-1)
    y = jnp.zeros((input.shape[0], total), y_frames.dtype).at[:, idx].add(y_frames.reshape(input.shape[0], -1))
    env = jnp.zeros((total,), (w * w).dtype).at[idx].add(jnp.tile(w * w, n_frames))
    return y[:, start:end] / env[start:end]


def _envelope_min(window, n_fft, hop, win, n_frames, start, end):
    w = np.ones(win) if window is None else np.abs(np.asarray(window.detach().cpu()._value()))
    left = (n_fft - win) // 2
    w = np.pad(w.astype(np.float64), (left, n_fft - win - left)) ** 2
    total = n_fft + hop * (n_frames - 1)
    env = np.zeros(total)
    for j in range(n_frames):
        env[j * hop: j * hop + n_fft] += w
    env = env[start:end]
    return env.min() if env.size else np.inf


@views.view_op("istft")
def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    head = (f"istft({_tstr(input)}{_sizes(input)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
            f"window={_window_repr(window)}, center={int(bool(center))}, normalized={int(bool(normalized))}, "
            f"onesided={_opt(onesided)}, length={_opt(length)}, return_complex={int(bool(return_complex))}) ")
    rdim = input.dim() + 1                       # torch works on view_as_real(input)
    rsize = tuple(input.shape) + (2,)
    for d in (-2, -3):
        if d < -rdim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-rdim}, {rdim - 1}], but got {d})")
    n_frames, fft_size = rsize[-2], rsize[-3]
    if input.numel() == 0:
        raise RuntimeError(head + ": input tensor cannot be empty.")
    if rdim not in (3, 4):
        raise RuntimeError(head + f": expected a tensor with 3 or 4 dimensions, but got {rdim}")
    one = (fft_size != n_fft) if onesided is None else bool(onesided)
    if one and n_fft // 2 + 1 != fft_size:
        raise RuntimeError(head + ": expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft / 2 + 1 when onesided=True, but got {fft_size}")
    if not one and n_fft != fft_size:
        raise RuntimeError(head + ": expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft when onesided=False, but got {fft_size}")
    if not 0 < hop <= win:
        raise RuntimeError(head + ": expected 0 < hop_length <= win_length")
    if not 0 < win <= n_fft:
        raise RuntimeError(head + ": expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        raise RuntimeError(head + ": Invalid window shape. window has to be 1D and length of `win_length`")
    if return_complex and one:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    if not return_complex and window is not None and window.is_complex():
        raise RuntimeError("Complex windows are incompatible with return_complex=False")
    _fft_dtype_check(input.dtype)
    total = n_fft + hop * (n_frames - 1)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (-(n_fft // 2) if center else total)
    s_end = min(end, total) if end >= 0 else end
    try:
        low = _envelope_min(window, n_fft, hop, win, n_frames, start, s_end)
    except Exception:  # noqa: BLE001 - a traced window (compile): the envelope cannot be checked eagerly
        low = np.inf
    if low < 1e-11:
        raise RuntimeError(head + "window overlap add min: 1\n[ CPUBoolType{} ]")
    x = input.unsqueeze(0) if rdim == 3 else input
    y = dispatch.call("_istft_ola", (x, window, n_fft, hop, win, bool(normalized), one, bool(return_complex),
                                     start, s_end), {})
    if rdim == 3:
        y = y.squeeze(0)
    if end > total:
        _warn_once("istft_len", "The length of signal is shorter than the length parameter. Result is being padded "
                   "with zeros in the tail. Please check your center and hop_length settings.")
        y = dispatch.call("constant_pad_nd", (y, [0, end - total]), {})
    return y
