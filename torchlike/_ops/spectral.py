"""torch.fft entries (registered as fft_<name>, published by torchlike/fft.py).

dtype rules as torch: integer/bool input is promoted to the default float dtype first; real float input gives a
complex result of the same precision (complex64 from float32); c2r transforms give the real dtype; half precision
is unsupported on CPU. `norm` is one of 'backward' (None), 'ortho', 'forward'; `n`/`s` crop or zero-pad.
"""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from ._registry import register
from .dispatch import scalar_name

_NORMS = (None, "backward", "ortho", "forward")


def _wrap(d, n):
    if n == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return d % n


def _base_check(x, norm, real_only=None):
    """real_only: the name of a real-input transform (its error text), or a full message template."""
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    if x.dtype in (D.float16, D.bfloat16):
        raise RuntimeError(f"Unsupported dtype {scalar_name(x.dtype)}")
    if real_only and x.dtype.is_complex:
        msg = real_only if "{}" in real_only else real_only + " expects a real input tensor, but got {}"
        raise RuntimeError(msg.format(scalar_name(x.dtype)))


def _n_check(ns):
    for n in ns:
        if n is not None and n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _check_1d(real_only=None, c2r=False):
    def check(x, n=None, dim=-1, norm=None):
        _base_check(x, norm, real_only)
        d = _wrap(dim, x.dim())
        _n_check([2 * (x._size[d] - 1) if n is None and c2r else n])
    return check


def _check_nd(default_ndim, real_only=None, c2r=False):
    def check(x, s=None, dim=None, norm=None):
        _base_check(x, norm, real_only)
        if s is not None and dim is not None and len(s) != len(dim):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if dim is None:
            dim = tuple(range(-default_ndim, 0)) if default_ndim else None
        if dim is not None:
            seen = set()
            for d in dim:
                w = _wrap(d, x.dim())
                if w in seen:
                    raise RuntimeError("FFT dims must be unique")
                seen.add(w)
        if s is not None:
            if dim is None and len(s) > x.dim():
                raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {x.dim()} dimensions.")
            _n_check(s)
        elif c2r and x.dim():
            last = dim[-1] if dim is not None else -1
            _n_check([2 * (x._size[_wrap(last, x.dim())] - 1)])
    return check


def _float(x):
    d = x.dtype
    return d if d._category >= 2 else D.get_default_dtype()


def _to_complex(op, vals):
    c = _float(vals[0])
    return c, (c.to_complex(),)


def _to_real(op, vals):
    c = _float(vals[0])
    return c, (c.to_real(),)


def _nd_axes(x, s, dim, default_ndim):
    if dim is None:
        if s is not None:
            dim = tuple(range(x.ndim - len(s), x.ndim))
        elif default_ndim:
            dim = tuple(range(-default_ndim, 0))
        else:
            dim = tuple(range(x.ndim))
    return tuple(d % x.ndim for d in dim)


def _c2c(fn, real_to_complex=False):
    def k(input, n=None, dim=-1, norm=None):
        return fn(input, n=n, axis=dim, norm=norm)
    return k


def _ndk(fn, default_ndim):
    def k(input, s=None, dim=None, norm=None):
        axes = _nd_axes(input, s, dim, default_ndim)
        return fn(input, s=s, axes=axes, norm=norm)
    return k


_ONE_D = {  # name: (jnp function, output kind, real-only name)
    "fft": (jnp.fft.fft, "complex", None), "ifft": (jnp.fft.ifft, "complex", None),
    "rfft": (jnp.fft.rfft, "complex", "rfft"), "irfft": (jnp.fft.irfft, "real", None),
    "hfft": (jnp.fft.hfft, "real", None), "ihfft": (jnp.fft.ihfft, "complex", "ihfft"),
}
_GRAD = {"fft": "FftC2CBackward0", "ifft": "FftC2CBackward0", "rfft": "FftR2CBackward0",
         "ihfft": "FftR2CBackward0", "irfft": "FftC2RBackward0", "hfft": "FftC2RBackward0"}

for _name, (_fn, _kind, _ro) in _ONE_D.items():
    register(f"fft_{_name}", check=_check_1d(_ro, _kind == "real"),
             dtype=_to_complex if _kind == "complex" else _to_real,
             function=False, method=False, out=True, grad=_GRAD[_name])(_c2c(_fn))

_ND = {"fft2": (jnp.fft.fftn, 2), "ifft2": (jnp.fft.ifftn, 2), "rfft2": (jnp.fft.rfftn, 2),
       "irfft2": (jnp.fft.irfftn, 2), "fftn": (jnp.fft.fftn, 0), "ifftn": (jnp.fft.ifftn, 0),
       "rfftn": (jnp.fft.rfftn, 0), "irfftn": (jnp.fft.irfftn, 0)}

for _name, (_fn, _nd) in _ND.items():
    _base = _name.rstrip("n2")
    _kind, _ro = _ONE_D[_base][1], _ONE_D[_base][2]
    register(f"fft_{_name}", check=_check_nd(_nd, _ro and "rfftn expects a real-valued input tensor, but got {}",
                                              _kind == "real"), dtype=_to_complex if _kind == "complex"
             else _to_real, function=False, method=False, out=True, grad=_GRAD[_base])(_ndk(_fn, _nd))


def _ihfftn(input, s, dim, norm, _nd):
    """ihfftn = conj(rfftn) with the inverse's normalisation."""
    axes = _nd_axes(input, s, dim, _nd)
    inv = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}[norm]
    return jnp.conj(jnp.fft.rfftn(input, s=s, axes=axes, norm=inv))


def _hfftn(input, s, dim, norm, _nd):
    """hfftn = irfftn of the conjugate with the inverse's normalisation."""
    axes = _nd_axes(input, s, dim, _nd)
    inv = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}[norm]
    return jnp.fft.irfftn(jnp.conj(input), s=s, axes=axes, norm=inv)


def _hermitian_kernel(f, nd):
    def k(input, s=None, dim=None, norm=None):
        return f(input, s, dim, norm, nd)
    return k


for _name, _fn, _nd, _kind in (("ihfft2", _ihfftn, 2, "complex"), ("ihfftn", _ihfftn, 0, "complex"),
                               ("hfft2", _hfftn, 2, "real"), ("hfftn", _hfftn, 0, "real")):
    _msg = "Only supports floating-point dtypes, but found: {}" if _kind == "complex" else None
    register(f"fft_{_name}", check=_check_nd(_nd, _msg, _kind == "real"),
             dtype=_to_complex if _kind == "complex" else _to_real, function=False, method=False, out=True,
             grad="FftR2CBackward0" if _kind == "complex" else "FftC2RBackward0")(_hermitian_kernel(_fn, _nd))


def _shift_check(x, dim=None):
    if x.dim() == 0 and (dim is None or dim == ()):
        raise RuntimeError("`shifts` required")
    if dim is not None:
        for d in ((dim,) if isinstance(dim, int) else dim):
            _wrap(d, x.dim())


@register("fft_fftshift", check=_shift_check, dtype="same", function=False, method=False, grad="RollBackward0")
def _fftshift(input, dim=None):
    return jnp.fft.fftshift(input, axes=dim)


@register("fft_ifftshift", check=_shift_check, dtype="same", function=False, method=False, grad="RollBackward0")
def _ifftshift(input, dim=None):
    return jnp.fft.ifftshift(input, axes=dim)
