"""Differential testing: run the same code on torchlike and on real PyTorch, compare everything observable."""
from __future__ import annotations

import math

import numpy as np
import torch as TH

import torchlike as TL

TOL = {  # (rtol, atol) by dtype name
    "float16": (1e-2, 1e-2), "bfloat16": (2e-2, 2e-2), "float32": (1.3e-5, 1e-5), "float64": (1e-7, 1e-7),
    "complex64": (1.3e-5, 1e-5), "complex128": (1e-7, 1e-7),
}

DTYPES_FLOAT = ["float32", "float64"]
DTYPES_INT = ["uint8", "int8", "int16", "int32", "int64"]
DTYPES_ALL = ["bool"] + DTYPES_INT + ["float16", "bfloat16", "float32", "float64"]


def dt(lib, name):
    return getattr(lib, name)


def make(lib, array, dtype=None, layout="contig", requires_grad=False):
    """A tensor of `lib` holding `array` (NumPy), in a given memory layout (same layout in both libraries).

    layout: 'contig'; 'transposed' (the values are stored transposed, so the tensor is a non-contiguous view);
    'strided' (every other element of a twice-as-large buffer).
    """
    array = np.asarray(array)
    d = dt(lib, dtype) if dtype else None
    if layout == "contig" or array.ndim == 0:
        t = lib.tensor(array, dtype=d)
    elif layout == "transposed":
        t = lib.tensor(np.ascontiguousarray(array.T), dtype=d).permute(*reversed(range(array.ndim)))
    elif layout == "strided":
        big = np.repeat(array, 2, axis=-1)
        t = lib.tensor(big, dtype=d)[..., ::2]
    else:
        raise ValueError(layout)
    if requires_grad:
        t.requires_grad_(True)
    return t


def to_numpy(x):
    if isinstance(x, TH.Tensor):
        x = x.detach()
        if x.dtype == TH.bfloat16:
            x = x.float()
        return x.cpu().numpy()
    if isinstance(x, TL.Tensor):
        x = x.detach()
        if x.dtype == TL.bfloat16:
            x = x.float()
        return np.asarray(x.cpu()._value())
    return np.asarray(x)


def run(fn):
    """fn(lib) on both libraries: returns ((tl_result, tl_exc), (th_result, th_exc))."""
    out = []
    for lib in (TL, TH):
        try:
            out.append((fn(lib), None))
        except Exception as e:  # noqa: BLE001 - we compare exception types
            out.append((None, e))
    return out


def assert_close_values(a, b, dtype_name, rtol=None, atol=None, what="", scale_atol=False):
    """scale_atol: atol is relative to the reference's largest magnitude (for sums with cancellation, whose float32
    rounding error scales with the terms summed, not with the near-zero result)."""
    r, t = TOL.get(dtype_name, (0, 0))
    rtol = r if rtol is None else rtol
    atol = t if atol is None else atol
    a, b = to_numpy(a), to_numpy(b)
    assert a.shape == b.shape, f"{what}shape {a.shape} != {b.shape}"
    if scale_atol and b.size and b.dtype.kind in "fc" and np.isfinite(b).any():
        atol = atol * max(1.0, float(np.nanmax(np.abs(b[np.isfinite(b)]))))
    if a.dtype.kind in "fc":
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def compare(tl, th, rtol=None, atol=None, strides=False, what="", scale_atol=False):
    """Recursively compare a torchlike result with a torch result (tensors, tuples, numbers, dtypes, sizes)."""
    if isinstance(th, TH.Tensor):
        assert isinstance(tl, TL.Tensor), f"{what}expected a Tensor, got {type(tl).__name__}"
        assert str(tl.dtype) == str(th.dtype), f"{what}dtype {tl.dtype} != {th.dtype}"
        assert tuple(tl.shape) == tuple(th.shape), f"{what}shape {tuple(tl.shape)} != {tuple(th.shape)}"
        if strides:
            assert tl.stride() == th.stride(), f"{what}stride {tl.stride()} != {th.stride()}"
            assert tl.storage_offset() == th.storage_offset(), f"{what}offset"
        assert tl.requires_grad == th.requires_grad, f"{what}requires_grad {tl.requires_grad} != {th.requires_grad}"
        assert_close_values(tl, th, str(th.dtype)[6:], rtol, atol, what, scale_atol)
    elif isinstance(th, (tuple, list)):
        assert isinstance(tl, (tuple, list)), f"{what}expected a sequence, got {type(tl).__name__}"
        assert len(tl) == len(th), f"{what}length {len(tl)} != {len(th)}"
        if hasattr(th, "_fields"):
            assert getattr(tl, "_fields", None) == th._fields, f"{what}named tuple fields"
        for i, (a, b) in enumerate(zip(tl, th)):
            compare(a, b, rtol, atol, strides, f"{what}[{i}] ", scale_atol)
    elif isinstance(th, np.ndarray):
        assert isinstance(tl, np.ndarray), f"{what}expected an ndarray, got {type(tl).__name__}"
        assert tl.dtype == th.dtype, f"{what}ndarray dtype {tl.dtype} != {th.dtype}"
        assert_close_values(tl, th, str(th.dtype), rtol, atol, what)
    elif isinstance(th, TH.dtype):
        assert str(tl) == str(th), f"{what}{tl} != {th}"
    elif isinstance(th, TH.Size):
        assert tuple(tl) == tuple(th) and isinstance(tl, TL.Size), f"{what}{tl} != {th}"
    elif isinstance(th, float):
        assert isinstance(tl, float), f"{what}expected float, got {type(tl).__name__}"
        assert (math.isnan(th) and math.isnan(tl)) or math.isclose(tl, th, rel_tol=1e-6, abs_tol=1e-6), \
            f"{what}{tl} != {th}"
    elif isinstance(th, (bool, int, str)) or th is None:
        if isinstance(th, (int, bool)) and isinstance(tl, (int, bool)) and type(tl) is not type(th):
            raise AssertionError(f"{what}{tl!r} ({type(tl).__name__}) != {th!r} ({type(th).__name__})")
        assert type(tl) is type(th) and tl == th, f"{what}{tl!r} != {th!r}"
    else:
        raise AssertionError(f"{what}cannot compare {type(th).__name__}")


def _msg(exc):
    """An exception's first line, with set literals' elements sorted (a set's order varies between processes)."""
    import re
    line = str(exc).split("\n")[0]
    return re.sub(r"\{([^{}:]*)\}", lambda m: "{" + ", ".join(sorted(x.strip() for x in m.group(1).split(","))) + "}",
                  line)


def check(fn, rtol=None, atol=None, strides=False, message=False, scale_atol=False):
    """Run fn(lib) on both libraries; same exception type (and message if asked) or the same result."""
    (tl, tl_exc), (th, th_exc) = run(fn)
    if th_exc is not None:
        assert tl_exc is not None, f"torch raised {type(th_exc).__name__}: {th_exc}; torchlike returned {tl!r}"
        assert type(tl_exc) is type(th_exc) or issubclass(type(th_exc), type(tl_exc)) and type(tl_exc) is not Exception, \
            f"torch raised {type(th_exc).__name__}({th_exc}); torchlike raised {type(tl_exc).__name__}({tl_exc})"
        if message:
            assert _msg(tl_exc) == _msg(th_exc), f"{tl_exc} != {th_exc}"
        return None
    if tl_exc is not None:
        raise AssertionError(f"torchlike raised {type(tl_exc).__name__}: {tl_exc}") from tl_exc
    compare(tl, th, rtol, atol, strides, scale_atol=scale_atol)
    return tl, th


def check_grad(fn, inputs, rtol=None, atol=None, scale_atol=False):
    """fn(lib, *tensors) -> tensor; compares forward values and the gradients of every input (sum of outputs)."""
    def go(lib):
        ts = [make(lib, a, dtype=d, requires_grad=True) for a, d in inputs]
        out = fn(lib, *ts)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        total = sum((o.to(dt(lib, "float64")) * make(lib, np.linspace(0.5, 1.5, o.numel()).reshape(tuple(o.shape)),
                                                       "float64")).sum()
                    for o in outs if o.dtype.is_floating_point and o.requires_grad)
        grads = lib.autograd.grad(total, ts, allow_unused=True)
        return out, tuple(g if g is not None else lib.zeros(0) for g in grads)
    return check(go, rtol, atol, scale_atol=scale_atol)


def rng(seed=0):
    return np.random.default_rng(seed)


def sample(shape, dtype="float32", seed=0, low=-3, high=3):
    r = rng(seed)
    if dtype == "bool":
        return r.random(shape) > 0.5
    if dtype in DTYPES_INT:
        lo = 0 if dtype == "uint8" else low
        return r.integers(lo, high + 1, size=shape).astype(dtype)
    return (r.random(shape) * (high - low) + low).astype("float64")
