"""Statistics ops: histogram (int or tensor bins), cov, corrcoef. Loaded by extra_ops."""
from __future__ import annotations

import math
import warnings

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from . import dispatch, views
from ._registry import register
from .dispatch import scalar_name

python_op = views.view_op
_TYPE_META = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def _cfmt(v):
    return f"{float(v):g}"


def _shape(size):
    return f"[{', '.join(map(str, size))}]"


# --- histogram ----------------------------------------------------------------------------------------------------

def _hist_common_check(input, weight):
    if input.dtype._category != 2:
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{scalar_name(input.dtype)}'")
    if weight is not None:
        if not isinstance(weight, Tensor):
            raise TypeError(f"histogram(): argument 'weight' must be Tensor, not {type(weight).__name__}")
        if weight.dtype is not input.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor "
                               f"should have the same dtype, but got input({_TYPE_META[input.dtype.name]}), and "
                               f"weight({_TYPE_META.get(weight.dtype.name, weight.dtype.name)})")
        if weight._size != input._size and tuple(weight._size) != (input.numel(),):
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the same shape as the "
                               f"input tensor excluding its innermost dimension, but got input with shape "
                               f"{_shape((input.numel(), 1))} and weight with shape {_shape(weight._size)}")


def _outer_edges(input, range):
    """torch's select_outer_bin_edges: the range, or the data's (finite) min and max, widened when equal."""
    if range is not None:
        lo, hi = float(range[0]), float(range[1])
    elif input.numel():
        v = np.asarray(input._value(), np.float64)
        lo, hi = float(v.min()), float(v.max())
    else:
        lo, hi = 0.0, 1.0
    if lo > hi:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {_cfmt(lo)} max {_cfmt(hi)} "
                           "for dimension 0")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histogramdd: dimension 0's range [{_cfmt(lo)}, {_cfmt(hi)}] is not finite")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def _hist_count_check(input, bins, lo, hi, weight=None, density=False):
    _hist_common_check(input, weight)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")


def _linspace(lo, hi, n, dtype):
    """torch.linspace's CPU kernel: start + i*step for the first half, end - (n-1-i)*step for the rest."""
    lo, hi = jnp.asarray(lo, dtype), jnp.asarray(hi, dtype)
    step = (hi - lo) / jnp.asarray(n - 1, dtype)
    i = jnp.arange(n)
    return jnp.where(i < n // 2, lo + step * i.astype(dtype), hi - step * (n - 1 - i).astype(dtype))


def _hist_counts(x, edges, weight, density):
    x = x.reshape(-1)
    nb = edges.shape[0] - 1
    pos = jnp.searchsorted(edges, x, side="right") - 1
    pos = jnp.where(pos == nb, nb - 1, pos)
    inside = (x >= edges[0]) & (x <= edges[-1])
    w = jnp.ones_like(x) if weight is None else weight.reshape(-1)
    hist = jnp.zeros((nb,), x.dtype).at[jnp.where(inside, pos, nb)].add(w, mode="drop")
    if density:
        hist = hist / jnp.sum(hist) / jnp.diff(edges)
    return hist


_HIST = dict(dtype=lambda op, v: (None, (v[0].dtype, v[0].dtype)), method=False,
             function=False, grad="NotImplemented")


@register("_histogram_bin_ct", tensors=("input", "lo", "hi", "weight"), cast=("input", "weight"),
          check=_hist_count_check, **_HIST)
def _histogram_bin_ct(input, bins, lo, hi, weight=None, density=False):
    edges = _linspace(lo, hi, bins + 1, input.dtype)
    return _hist_counts(input, edges, weight, density), edges


def _hist_edges_check(input, bins, weight=None, density=False):
    _hist_common_check(input, weight)
    if bins.dim() != 1:
        raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {bins.dim()} "
                           "dimensions in the bins tensor for dimension 0")
    if bins.dtype is not input.dtype:
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but got "
                           f"input with dtype {_TYPE_META[input.dtype.name]} and bins for dimension 0 with dtype "
                           f"{_TYPE_META.get(bins.dtype.name, bins.dtype.name)}")


@register("_histogram_edges", tensors=("input", "bins", "weight"), check=_hist_edges_check, **_HIST)
def _histogram_edges(input, bins, weight=None, density=False):
    return _hist_counts(input, bins, weight, density), bins


@python_op("histogram")
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    if isinstance(bins, Tensor):
        r = dispatch.call("_histogram_edges", (input, bins, weight, density), {})
    else:
        _hist_common_check(input, weight)
        lo, hi = _outer_edges(input, range)
        r = dispatch.call("_histogram_bin_ct", (input, int(bins), lo, hi, weight, density), {})
    r = dispatch.return_type("histogram", ("hist", "bin_edges"))(*r)
    return r if out is None else dispatch.write_out(out, r)


# --- cov / corrcoef -------------------------------------------------------------------------------------------------

def _cov_rule(op, vals):
    r = D.result_type(*[v for v in vals[:1] + vals[2:] if isinstance(v, Tensor)])
    if r._category <= 1:
        r = D.get_default_dtype()
    return r, (r,)


def _cov_check(input, correction=1, fweights=None, aweights=None):
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.dim()} dimensions")
    if input.dtype is D.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    nobs = input._size[-1] if input.dim() else 1
    w = None
    for name, t, ok, kind in (("fweights", fweights, lambda d: d._category == 1, "integral"),
                              ("aweights", aweights, lambda d: d._category == 2, "floating point")):
        if t is None:
            continue
        if t.dim() > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                               f"{t.dim()} dimensions")
        if not ok(t.dtype):
            raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                               f"{scalar_name(t.dtype)} dtype")
        if t.numel() != nobs:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the "
                               f"input but got {t.numel()} != {nobs}")
        v = np.asarray(t._value(), np.float64).reshape(-1)
        if nobs and v.min() < 0:
            raise RuntimeError(f"cov(): {name} cannot be negative")
        w = v if w is None else w * v
    if w is not None and w.sum() == 0:
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    wsum = nobs if w is None else w.sum()
    if w is not None and aweights is not None and correction != 0:
        norm = wsum - correction * (w * np.asarray(aweights._value(), np.float64).reshape(-1)).sum() / wsum
    else:
        norm = wsum - correction
    if norm <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=4)


def cov_fn(input, correction=1, fweights=None, aweights=None):
    x = input.reshape(1, -1) if input.ndim < 2 else input
    w = None
    if fweights is not None:
        w = fweights.reshape(-1).astype(x.dtype)
    if aweights is not None:
        a = aweights.reshape(-1).astype(x.dtype)
        w = a if w is None else w * a
    wsum = jnp.asarray(x.shape[1], x.dtype) if w is None else jnp.sum(w)
    avg = jnp.sum(x if w is None else x * w, axis=1) / wsum
    if w is not None and aweights is not None and correction != 0:
        norm = wsum - correction * jnp.sum(w * aweights.reshape(-1).astype(x.dtype)) / wsum
    else:
        norm = wsum - correction
    norm = jnp.where(norm <= 0, 0, norm).astype(x.dtype)
    xc = x - avg[:, None]
    c = xc @ jnp.conj(xc if w is None else xc * w).T
    return jnp.squeeze(c / norm)


register("cov", tensors=("input", "fweights", "aweights"), dtype=_cov_rule, method=True, check=_cov_check,
         grad="SqueezeBackward0", nondiff=("fweights",))(
    lambda input, *, correction=1, fweights=None, aweights=None: cov_fn(input, correction, fweights, aweights))


def _corrcoef_check(input):
    if input.dim() > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.dim()} dimensions")
    _cov_check(input)


def _clip(x):
    return jnp.where(x < -1, -1, jnp.where(x > 1, 1, x)).astype(x.dtype)     # gradient 1 on the bounds (as torch)


def _corrcoef_grad(v):
    x = v[0]
    if x.dim() < 2 or x._size[0] == 1:
        return "DivBackward0"
    return "ComplexBackward0" if x.dtype.is_complex else "ClampBackward1"


@register("corrcoef", dtype=_cov_rule, check=_corrcoef_check, grad=_corrcoef_grad)
def _corrcoef(input):
    c = cov_fn(input)
    if c.ndim == 0:
        return c / c
    sd = jnp.sqrt(jnp.real(jnp.diagonal(c)))
    c = c / sd[:, None] / sd[None, :]
    if jnp.iscomplexobj(c):
        return lax_complex(_clip(jnp.real(c)), _clip(jnp.imag(c)))
    return _clip(c)


def lax_complex(re, im):
    return re + 1j * im.astype(re.dtype)
