"""Breadth ops (issue 14's census): window functions, igamma/igammac, mvlgamma, cholesky_inverse, unravel_index,
the `*_copy` view variants, the `unsafe_*` split aliases and a few small Tensor predicates.

Numeric ops are op-table entries; the rest are plain Python functions published through `python_op` (like the
view functions): windows are factories, `*_copy` is the view followed by a copy.
"""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import jax.scipy.special as jss
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from . import creation, dispatch, special_math, views
from ._registry import not_for, register
from .dispatch import scalar_name

python_op = views.view_op


# --- window functions ------------------------------------------------------------------------------------------

def _window(name, n, periodic, dtype, device, requires_grad, layout, pin_memory, formula):
    """A window as torch computes it: an arange of the window's dtype (float32 math for the half types), the
    formula applied in that dtype, the last point dropped when periodic."""
    dt, dev = creation._resolve(dtype, device, name=name)
    if n < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype={_cpp_type(dt)}, "
                           f"device={dev.type}, layout=Strided (default), requires_grad=false (default), "
                           f"pinned_memory=false, memory_format=(nullopt))")
    if n <= 1:
        return creation._finish(jnp.ones((n,), dt.np), dt, dev, requires_grad)
    m = n + 1 if periodic else n
    ct = np.float64 if dt.name == "float64" else np.float32
    with np.errstate(all="ignore"):
        w = formula(np.arange(m, dtype=ct), m, ct)[:n]
    return creation._finish(jnp.asarray(w.astype(dt.np)), dt, dev, requires_grad)


def _cpp_type(dt):
    return {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}.get(dt.name, dt.name)


def _hamming(alpha, beta):
    def formula(k, m, ct):
        return np.cos(k * ct(math.pi * 2.0 / (m - 1))) * ct(-beta) + ct(alpha)
    return formula


def _blackman(k, m, ct):
    w = k * ct(math.pi / (m - 1))
    return np.cos(w * ct(4)) * ct(0.08) - np.cos(w * ct(2)) * ct(0.5) + ct(0.42)


def _bartlett(k, m, ct):
    w = k * ct(2.0 / (m - 1))
    half = ((m - 1) >> 1) + 1
    w[half:] = w[half:] * ct(-1) + ct(2)
    return w


@python_op("hamming_window", method=False)
def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad, layout, pin_memory,
                   _hamming(alpha, beta))


@python_op("hann_window", method=False)
def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad, layout, pin_memory,
                   _hamming(0.5, 0.5))


@python_op("blackman_window", method=False)
def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad, layout, pin_memory,
                   _blackman)


@python_op("bartlett_window", method=False)
def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, layout, pin_memory,
                   _bartlett)


@python_op("kaiser_window", method=False)
def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    def formula(k, m, ct):
        a = ct((m - 1) / 2.0)
        return (np.i0(ct(beta) * np.sqrt(np.abs(1 - ((k - a) / a) ** 2))) / np.i0(ct(beta))).astype(ct)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, layout, pin_memory,
                   formula)


# --- special functions -----------------------------------------------------------------------------------------

@register("igamma", tensors=("input", "other"), tensor_only=("input", "other"), inplace=True, out=True,
          no_derivative={"input": "igamma: input"}, reject=not_for("bic", "igamma_cpu"))
def igamma(input, other):
    """Regularized lower incomplete gamma P(input, other) (no gradient with respect to input, as in torch)."""
    return special_math.igamma(input, other)


@register("igammac", tensors=("input", "other"), tensor_only=("input", "other"), inplace=True, out=True,
          no_derivative={"input": "igammac: input"}, reject=not_for("bic", "igammac_cpu"))
def igammac(input, other):
    """Regularized upper incomplete gamma Q(input, other)."""
    return special_math.igammac(input, other)


def _mvlgamma_check(input, p):
    if input.dtype is D.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if input.dtype.is_complex:
        raise NotImplementedError(f'"arange_cpu" not implemented for \'{scalar_name(input.dtype)}\'')
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")


@register("mvlgamma", dtype="float", inplace=True, out=True, check=_mvlgamma_check)
def mvlgamma(input, p):
    j = jnp.arange(p, dtype=input.dtype)
    return (p * (p - 1) / 4 * math.log(math.pi)
            + jnp.sum(jss.gammaln(input[..., None] - j / 2), axis=-1)).astype(input.dtype)


# --- linear algebra --------------------------------------------------------------------------------------------

def _cholesky_inverse_check(input, upper):
    if input.dim() < 2:
        raise RuntimeError(f"cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if input._size[-1] != input._size[-2]:
        raise RuntimeError("cholesky_inverse: A must be batches of square matrices, but they are "
                           f"{input._size[-2]} by {input._size[-1]} matrices")


@register("cholesky_inverse", dtype="same", out=True, check=_cholesky_inverse_check,
          reject=not_for("bi", "cholesky_inverse_out_cpu"))
def cholesky_inverse(input, upper=False):
    """(L L^H)^-1 from its Cholesky factor L (or U^H U from U when upper=True)."""
    return _cholesky_inverse(input, upper)


def _mh(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _cholesky_inverse(input, upper):
    u = input if upper else _mh(input)
    eye = jnp.broadcast_to(jnp.eye(input.shape[-1], dtype=input.dtype), input.shape)
    uinv = jsl.solve_triangular(u, eye, lower=False)        # U^-1 with A = U^H U (reads one triangle only)
    return uinv @ _mh(uinv)


def _cholesky_inverse_fwd(input, upper):
    inv = _cholesky_inverse(input, upper)
    return inv, (input, inv)


def _cholesky_inverse_bwd(upper, res, grad):
    """PyTorch's formula (cholesky_inverse_backward): a full matrix, the factor taken as given."""
    L, inv = res
    common = inv @ (grad + _mh(grad)) @ inv
    return (-(L @ common) if upper else -(common @ L),)


_cholesky_inverse.defvjp(_cholesky_inverse_fwd, _cholesky_inverse_bwd)


# --- index helpers ---------------------------------------------------------------------------------------------

@python_op("unravel_index", method=False)
def unravel_index(indices, shape):
    if not isinstance(indices, Tensor):
        from .creation import tensor
        indices = tensor(indices)
    if indices.is_floating_point() or indices.is_complex() or indices.dtype is D.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, int):
        shape = (shape,)
    shape = tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(tuple(shape)))
    n = math.prod(shape)             # torch wraps out-of-range indices (floor modulo the element count)
    idx = indices.long() % n if n else indices.long()
    out = []
    for s in reversed(shape):
        out.append(idx % s)
        idx = idx.div(s, rounding_mode="floor")
    return tuple(reversed(out))


# --- *_copy: the view, then a fresh tensor -----------------------------------------------------------------------

_COPY_OF = ("alias", "as_strided", "detach", "diagonal", "expand", "permute", "select", "slice", "split",
            "split_with_sizes", "squeeze", "t", "transpose", "unbind", "unfold", "unsqueeze", "view",
            "view_as_real", "view_as_complex")


def _copy_variant(view_name):
    def fn(input, *args, out=None, **kwargs):
        import torchlike
        if view_name == "alias":
            r = input.view_as(input)
        elif view_name == "slice":
            b = dict(zip(("dim", "start", "end", "step"), args), **kwargs)
            dim = b.get("dim", 0) % max(input.dim(), 1)
            r = input[(slice(None),) * dim + (slice(b.get("start"), b.get("end"), b.get("step", 1)),)]
        elif view_name == "unfold":
            r = input.unfold(*args, **kwargs)
        else:
            f = getattr(torchlike, view_name, None) or getattr(Tensor, view_name)
            r = f(input, *args, **kwargs)
        res = tuple(x.clone(memory_format=_CONTIG) for x in r) if isinstance(r, (tuple, list)) \
            else r.clone(memory_format=_CONTIG)
        if out is None:
            return res
        if isinstance(res, tuple):
            for o, x in zip(out, res):
                dispatch.write_out_named(o, x, view_name + "_copy")
            return out
        return dispatch.write_out_named(out, res, view_name + "_copy")
    fn.__name__ = fn.__qualname__ = view_name + "_copy"
    return fn


from .._layout import contiguous_format as _CONTIG  # noqa: E402

for _n in _COPY_OF:
    python_op(_n + "_copy", method=False)(_copy_variant(_n))


# --- aliases and small predicates -----------------------------------------------------------------------------

@python_op("split_with_sizes")
def split_with_sizes(self, split_sizes, dim=0):
    if not isinstance(split_sizes, (list, tuple)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
                        f"{type(split_sizes).__name__}")
    return self.split(list(split_sizes), dim)


@python_op("unsafe_split")
def unsafe_split(self, split_size, dim=0):
    return self.split(split_size, dim)


@python_op("unsafe_split_with_sizes")
def unsafe_split_with_sizes(self, split_sizes, dim=0):
    return split_with_sizes(self, split_sizes, dim)


@python_op("unsafe_chunk")
def unsafe_chunk(self, chunks, dim=0):
    return self.chunk(chunks, dim)


@python_op("is_same_size")
def is_same_size(self, other):
    return self._size == other._size


@python_op("is_signed")
def is_signed(self):
    return self.dtype.is_signed


@python_op("sum_to_size", function=False)
def sum_to_size(self, *size):
    from .views import _sizes
    size = _sizes(size)
    if not _expandable(size, self._size):
        raise RuntimeError(f"size {{[{', '.join(map(str, size))}]}} is not expandable to size "
                           f"{{[{', '.join(map(str, self._size))}]}}.")
    lead = self.dim() - len(size)
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and self._size[lead + i] != 1)
    r = self.sum(dims, keepdim=True) if dims else self
    return r.view(size) if lead else r


def _expandable(size, target):
    if len(size) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(size), reversed(target)))


def _geqrf_check(input):
    if input.dim() < 2:
        raise RuntimeError(f"torch.geqrf: input must have at least 2 dimensions.")


@register("geqrf", dtype=lambda op, v: (v[0].dtype, (v[0].dtype, v[0].dtype)), returns=("a", "tau"), out=True, differentiable=False, check=_geqrf_check,
          reject=not_for("bi", "geqrf_cpu"))
def geqrf(input):
    """LAPACK's geqrf: R above the diagonal and the Householder vectors below it, plus the scalar factors tau."""
    from jax._src.lax import linalg as jlinalg       # the LAPACK-convention primitive (not in jax.lax's API)
    return jlinalg.geqrf(input)
