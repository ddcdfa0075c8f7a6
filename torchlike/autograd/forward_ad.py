"""torch.autograd.forward_ad: forward-mode AD with dual tensors, on jax.jvp.

Inside a `dual_level`, `make_dual(primal, tangent)` gives a tensor carrying a tangent. Every op-table call (and
every view) whose inputs carry tangents computes its output's tangent with jax.jvp of the op's pure function
(the dispatch observer, torchlike/_ops/observe.py, runs it after the op); `unpack_dual` reads (primal, tangent).
Leaving the level drops every tangent created in it. In-place ops do not propagate tangents.
"""
from __future__ import annotations

import weakref
from typing import NamedTuple

import jax
import jax.numpy as jnp

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "dual_level"]

_LEVELS = []          # active levels (one in practice: nesting is not supported, as in torch)


class UnpackedDualTensor(NamedTuple):
    primal: object
    tangent: object


class _Level:
    def __init__(self, idx):
        self.idx = idx
        self.tensors = weakref.WeakSet()

    def set(self, t, tangent):
        t.__dict__["_fw_tangent"] = (self.idx, tangent)
        self.tensors.add(t)

    # -- dispatch observer ---------------------------------------------------------------------------------
    def on_op(self, op, vals, tensors, out):
        if not any(_tangent(t) is not None for t in tensors):
            return
        from .._ops._registry import freeze
        from .._tensor import Tensor
        cast, outd = op.dtype_rule(op, vals)
        statics = tuple(freeze(vals[i]) for i in op.static_idx)
        pure = op.kernel(statics, cast, outd, None).__wrapped__
        prim, tans, where = [], [], []
        dyn = []
        for i in op.tensor_idx:
            v = vals[i]
            if isinstance(v, Tensor):
                tg = _tangent(v)
                if tg is not None:
                    where.append(len(dyn))
                    prim.append(v._value())
                    tans.append(tg._value().astype(v._value().dtype))
                dyn.append(v._value())
            elif isinstance(v, tuple):
                if any(isinstance(x, Tensor) and _tangent(x) is not None for x in v):
                    where.append(len(dyn))
                    p = tuple(x._value() if isinstance(x, Tensor) else x for x in v)
                    prim.append(p)
                    tans.append(tuple(_tangent_or_zeros(x) for x in v))
                dyn.append(tuple(x._value() if isinstance(x, Tensor) else x for x in v))
            else:
                dyn.append(v)

        def f(*d):
            args = list(dyn)
            for k, a in zip(where, d):
                args[k] = a
            return pure(*args)

        _, tout = jax.jvp(f, tuple(prim), tuple(tans))
        outs = out if isinstance(out, tuple) else (out,)
        touts = tout if isinstance(tout, tuple) else (tout,)
        for o, tg in zip(outs, touts):
            if isinstance(o, Tensor) and tg.dtype != jax.dtypes.float0 and (o._dtype.is_floating_point or
                                                                              o._dtype.is_complex):
                self.set(o, _wrap(tg, o))

    def on_view(self, base, out, args, kwargs):
        tg = _tangent(base)
        if tg is None:
            return
        pure = args[4] if len(args) > 4 else kwargs["pure"]
        statics = args[5] if len(args) > 5 else kwargs.get("statics", ())
        self.set(out, _wrap(pure(tg._value(), *statics), out))


def _wrap(arr, like):
    from .._tensor import from_array
    return from_array(arr, like._dtype, like.device)


def _tangent(t):
    rec = getattr(t, "__dict__", {}).get("_fw_tangent")
    if rec is None or not _LEVELS or rec[0] != _LEVELS[-1].idx:
        return None
    return rec[1]


def _tangent_or_zeros(x):
    from .._tensor import Tensor
    if not isinstance(x, Tensor):
        return jnp.zeros_like(jnp.asarray(x))
    tg = _tangent(x)
    v = x._value()
    return tg._value().astype(v.dtype) if tg is not None else jnp.zeros_like(v)


def enter_dual_level():
    """Start a forward-AD level (returns its index)."""
    from .._ops import observe
    if _LEVELS:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    level = _Level(len(_LEVELS))
    _LEVELS.append(level)
    observe.add(level)
    return level.idx


def exit_dual_level(*, level=None):
    """End the current level: every tangent created in it is dropped."""
    from .._ops import observe
    if not _LEVELS or (level is not None and level != _LEVELS[-1].idx):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. This "
                           "is not supported.")
    lv = _LEVELS.pop()
    observe.remove(lv)
    for t in list(lv.tensors):
        t.__dict__.pop("_fw_tangent", None)


def make_dual(tensor, tangent, *, level=None):
    """A new tensor aliasing `tensor`, carrying `tangent` as its forward gradient."""
    if not _LEVELS:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    if not (tensor.is_floating_point() or tensor.is_complex()):
        raise ValueError(f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if not (tangent.is_floating_point() or tangent.is_complex()):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError("Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size [{', '.join(map(str, tensor.shape))}] "
                           f"while the given forward gradient is of size "
                           f"[{', '.join(map(str, tangent.shape))}].")
    lv = _LEVELS[-1]
    from .._ops import observe
    observe.remove(lv)              # the alias itself takes no tangent from the primal
    try:
        out = tensor.view_as(tensor)
    finally:
        observe.add(lv)
    lv.set(out, tangent)
    return out


def unpack_dual(tensor, *, level=None):
    """(primal, tangent) of a dual tensor; tangent is None for a tensor without one at this level."""
    from .._tensor import Tensor
    if not isinstance(tensor, Tensor):
        return UnpackedDualTensor(tensor, None)
    tg = _tangent(tensor)
    if tg is None:
        return UnpackedDualTensor(tensor, None)
    from .._ops import observe
    lv = _LEVELS[-1]
    observe.remove(lv)
    try:
        primal = tensor.view_as(tensor)
    finally:
        observe.add(lv)
    return UnpackedDualTensor(primal, tg)


class dual_level:  # noqa: N801
    """Context manager for a forward-AD level."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()
