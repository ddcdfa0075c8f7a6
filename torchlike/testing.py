"""torch.testing, plus check_grads: the tape's gradients against jax.grad and float64 finite differences."""
from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from ._tensor import Tensor, from_array

__all__ = ["assert_close", "assert_allclose", "make_tensor", "check_grads", "GradReport"]

_TOL = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
        "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """torch.testing.assert_close for Tensors, numbers and nested sequences/mappings."""
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)
        return
    if isinstance(actual, dict) and isinstance(expected, dict):
        if set(actual) != set(expected):
            raise AssertionError("The keys of the mappings do not match")
        for k in actual:
            assert_close(actual[k], expected[k], rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype)
        return
    a_t, e_t = isinstance(actual, Tensor), isinstance(expected, Tensor)
    if a_t != e_t and not (not a_t and not e_t):
        raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")
    if a_t:
        if actual.shape != expected.shape:
            raise AssertionError(msg or f"The values for attribute 'shape' do not match: {actual.shape} != "
                                        f"{expected.shape}.")
        if check_dtype and actual.dtype is not expected.dtype:
            raise AssertionError(msg or f"The values for attribute 'dtype' do not match: {actual.dtype} != "
                                        f"{expected.dtype}.")
        name = expected.dtype.name
        a = np.asarray(actual.detach().to("cpu")._value().astype(jnp.float64) if actual.dtype.name == "bfloat16"
                       else actual.detach().to("cpu")._value())
        e = np.asarray(expected.detach().to("cpu")._value().astype(jnp.float64) if expected.dtype.name == "bfloat16"
                       else expected.detach().to("cpu")._value())
    else:
        a, e = np.asarray(actual), np.asarray(expected)
        name = "float64" if isinstance(expected, float) else "int64"
    r, t = _TOL.get(name, (0.0, 0.0))
    rtol = r if rtol is None else rtol
    atol = t if atol is None else atol
    if not np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan):
        bad = ~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
        diff = np.abs(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64) - e)
        kind = "Tensor-likes" if a_t else "Scalars"
        raise AssertionError(msg or f"{kind} are not close!\n\nMismatched elements: {int(bad.sum())} / {bad.size} "
                                    f"({100 * bad.sum() / max(bad.size, 1):.1f}%)\nGreatest absolute difference: "
                                    f"{np.max(diff) if diff.size else 0} (up to {atol} allowed)")


assert_allclose = assert_close


def make_tensor(*shape, dtype, device=None, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    from . import random as R
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if dtype.is_floating_point or dtype.is_complex:
        lo, hi = (-9 if low is None else low), (9 if high is None else high)
        t = R.rand(*shape, dtype=dtype, device=device) * (hi - lo) + lo
    elif dtype.name == "bool":
        t = R.randint(0, 2, shape, device=device).bool()
    else:
        lo = (0 if dtype.name == "uint8" else -9) if low is None else low
        hi = 10 if high is None else high
        t = R.randint(int(lo), int(hi), shape, dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t


@dataclasses.dataclass
class GradReport:
    """Largest relative error per input of the tape's gradients against jax.grad and finite differences."""
    vs_jax: list
    vs_finite_differences: list

    def __str__(self):
        rows = [f"input {i}: max rel. error vs jax.grad {a:.3g}, vs finite differences {b:.3g}"
                for i, (a, b) in enumerate(zip(self.vs_jax, self.vs_finite_differences))]
        return "\n".join(rows)


def _rel(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-3)
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


# default rtol by input dtype: the tape's rounding error at that precision (float64 finite differences are far closer)
_GRAD_RTOL = {"float64": 1e-5, "float32": 1e-3, "float16": 2e-2, "bfloat16": 5e-2}


def check_grads(fn, *inputs, eps=1e-6, rtol=None, raise_on_mismatch=True):
    """Compare the gradients that `fn(*inputs).sum().backward()` puts on the (real floating) inputs with jax.grad of
    the same function and with central finite differences computed in float64: the function is evaluated on
    float64 copies of the inputs, whatever their dtype, so a float32 check is as meaningful as a float64 one.
    Returns a GradReport; raises AssertionError when an error exceeds `rtol` (default by the inputs' dtype: 1e-5
    for float64, 1e-3 for float32, 2e-2 for float16, 5e-2 for bfloat16)."""
    from .func import _wrap
    arrays = [x.detach()._value() for x in inputs]
    leaves = [from_array(a).requires_grad_(True) for a in arrays]
    fn(*leaves).sum().backward()
    tape = [np.asarray(l.grad._value()) if l.grad is not None else np.zeros(a.shape) for l, a in zip(leaves, arrays)]
    pure = _wrap(lambda *xs: fn(*xs).sum())
    jg = jax.grad(pure, argnums=tuple(range(len(arrays))))(*arrays)
    fd = _finite_differences(pure, [np.array(a, np.float64) for a in arrays], eps)
    report = GradReport([_rel(t, j) for t, j in zip(tape, jg)], [_rel(t, d) for t, d in zip(tape, fd)])
    if raise_on_mismatch:
        tol = [rtol if rtol is not None else _GRAD_RTOL.get(str(a.dtype), 1e-3) for a in arrays]
        bad = [i for i, (a, b) in enumerate(zip(report.vs_jax, report.vs_finite_differences)) if max(a, b) > tol[i]]
        if bad:
            raise AssertionError(f"gradient mismatch for input(s) {bad} (rtol {[tol[i] for i in bad]}):\n{report}")
    return report


def _finite_differences(pure, f64, eps):
    """Central differences of the scalar function `pure` at the float64 arrays `f64`, evaluated in float64 (jitted:
    it traces, as jax.grad just traced it)."""
    run = jax.jit(pure)

    def f(vals):
        return float(np.asarray(run(*vals)))
    fd = []
    for i, a in enumerate(f64):
        g = np.zeros_like(a)
        flat = g.reshape(-1)
        for k in range(a.size):
            plus, minus = list(f64), list(f64)
            plus[i], minus[i] = a.copy(), a.copy()
            plus[i].reshape(-1)[k] += eps
            minus[i].reshape(-1)[k] -= eps
            flat[k] = (f(plus) - f(minus)) / (2 * eps)
        fd.append(g)
    return fd
