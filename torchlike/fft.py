"""torch.fft: discrete Fourier transforms (the fft_<name> entries of _ops/spectral.py) and the frequency helpers."""
from __future__ import annotations

import numpy as _np

from . import _dtype as _D
from ._ops import dispatch as _dispatch
from ._ops._registry import OPS as _OPS

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2",
           "fftn", "ifftn", "rfftn", "irfftn", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]


def _publish(name):
    op = _OPS["fft_" + name]

    def fn(*args, out=None, **kwargs):
        r = _dispatch.call(op, args, kwargs)
        return r if out is None else _dispatch.write_out(out, r)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "torch.fft"
    return fn


for _name in __all__[:18]:
    globals()[_name] = _publish(_name)


def fftshift(input, dim=None):
    return _dispatch.call("fft_fftshift", (input, dim), {})


def ifftshift(input, dim=None):
    return _dispatch.call("fft_ifftshift", (input, dim), {})


def _freq(values, dtype, device, requires_grad, out):
    from ._ops.creation import tensor
    d = _D.to_dtype(dtype) if dtype is not None else (out.dtype if out is not None else _D.get_default_dtype())
    t = tensor(values, dtype=d, device=device)
    if out is not None:
        return _dispatch.write_out(out, t)
    if requires_grad:
        t.requires_grad_(True)
    return t


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _freq(_np.fft.fftfreq(n, d), dtype, device, requires_grad, out)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _freq(_np.fft.rfftfreq(n, d), dtype, device, requires_grad, out)

from ._tensor import Tensor  # noqa: E402,F401  (torch.fft re-exports it)
