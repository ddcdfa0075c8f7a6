"""The update machinery shared by every optimizer: one jitted call updates all parameters of a group.

An optimizer family supplies a *kernel*: a pure function of JAX arrays that replays PyTorch's single-tensor
(foreach=False) update for one parameter, op for op, in the parameter's dtype:

    kernel(p, g, st, hp, sc, cfg) -> (new_p, new_st)

    p, g   the parameter and its gradient (complex ones arrive viewed as real, like torch's view_as_real)
    st     dict name -> array of the tensor state ('exp_avg', ...); a state created by the step itself (SGD's
           momentum buffer) gets a placeholder input of the right shape and a flag in `sc`, so that the first and
           later steps share one compiled program
    hp     dict name -> float64 0-d array of the group's hyperparameters (traced: changing lr never recompiles)
    sc     float64 vector of per-parameter scalars computed in Python from the step count, exactly as torch
           computes them in Python floats (bias corrections, ...); under torch.compile they are computed in the
           graph from the lifted step tensors instead, so one compiled step serves every step
    cfg    hashable static configuration (branches such as `weight_decay != 0`, amsgrad, maximize)

`run_group` gathers the arrays, makes the single jitted call (cached by jax per kernel, cfg, shapes and dtypes)
and writes the results back into the tensors' storages, so aliases of the parameters and of the state see them.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _trace_state
from .._storage import no_interrupt, scrub_consumed, unshared

__all__ = ["cast", "decay_grad", "lerp", "addcmul", "addcdiv", "run_group", "hyper_vector", "write", "rounded_product", "round_to",
           "select"]

_LOW = (jnp.float16, jnp.bfloat16)


def cast(x, like):
    """A Python-float hyperparameter (float64 0-d array) as the scalar torch would use with tensor `like`."""
    return x.astype(like.dtype)


def decay_grad(p, g, hp, maximize, weight_decay, decoupled=False):
    """The common head of a kernel: g negated for maximize, then weight decay, either L2 (g + wd * p) or
    decoupled (p * (1 - lr * wd), AdamW's). Returns (p, g)."""
    if maximize:
        g = -g
    if weight_decay:
        if decoupled:
            p = p * cast(1 - hp["lr"] * hp["weight_decay"], p)
        else:
            g = g + cast(hp["weight_decay"], p) * p
    return p, g


def lerp(start, end, weight):
    """torch.lerp(start, end, weight) with a scalar weight: the small/large-weight formulas of ATen."""
    small = jnp.abs(weight) < 0.5
    coeff = jnp.where(small, weight, weight - 1)
    diff = end - start
    return jnp.where(small, start, end) + coeff * diff


def addcmul(x, value, t1, t2):
    """x.addcmul(t1, t2, value=value): x + value * t1 * t2, evaluated left to right as ATen's CPU kernel."""
    return x + value * t1 * t2


def addcdiv(x, value, t1, t2):
    """x.addcdiv(t1, t2, value=value): x + value * t1 / t2."""
    return x + value * t1 / t2


def _as_real(x):
    return None if x is None else jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


def _as_complex(x):
    return lax.complex(x[..., 0], x[..., 1])


def _one(kernel, cfg, p, g, st, hp, sc):
    dtype = p.dtype
    cplx = jnp.issubdtype(dtype, jnp.complexfloating)
    low = dtype in _LOW
    if cplx:
        p, g, st = _as_real(p), _as_real(g), {k: _as_real(v) for k, v in st.items()}
    elif low:   # half types: computed in float32 (torch's opmath type), rounded once at the end
        up = (lambda a: None if a is None else a.astype(jnp.float32))
        p, g, st = up(p), up(g), {k: up(v) for k, v in st.items()}
    p, st = kernel(p, g, st, hp, sc, cfg)
    if cplx:
        p, st = _as_complex(p), {k: _as_complex(v) for k, v in st.items()}
    elif low:
        p, st = p.astype(dtype), {k: v.astype(dtype) for k, v in st.items()}
    return p, st


def _group_update_fn(kernel, cfg, hp_names, scalar_out, params, grads, states, hyper, scalars):
    hp = {name: hyper[i] for i, name in enumerate(hp_names)}
    new_params, new_states, new_scalars = [], [], []
    for i, (p, g, st) in enumerate(zip(params, grads, states)):
        sc = scalars[i]
        np_, nst = _one(kernel, cfg, p, g, st, hp, sc)
        new_params.append(np_)
        new_states.append(nst)
        new_scalars.append({name: sc[col].astype(dt) for name, col, dt in scalar_out[i]})
    return new_params, new_states, new_scalars


_group_update = jax.jit(_group_update_fn, static_argnums=(0, 1, 2, 3))
# the same, with the parameters' and states' old arrays donated (XLA updates them in place: Adam's step on an
# MLP costs about half); used when nothing but their tensors' storages references them (_storage.unshared)
_group_update_donated = jax.jit(_group_update_fn, static_argnums=(0, 1, 2, 3), donate_argnums=(4, 6))


def hyper_vector(values):
    """Group hyperparameters as one float64 vector: NumPy when all are Python numbers (one transfer), else JAX."""
    if all(isinstance(v, (int, float)) for v in values):
        return np.asarray(values, dtype=np.float64)
    from .._tensor import Tensor
    return jnp.stack([jnp.asarray(v._value() if isinstance(v, Tensor) else v, jnp.float64).reshape(())
                      for v in values]) if values else np.zeros((0,), np.float64)


def _rows_array(rows):
    """Per-parameter scalars as an (n, k) float64 array: NumPy from Python floats (one transfer), or a traced
    array when some were computed from traced state (under torch.compile)."""
    n, k = len(rows), (len(rows[0]) if rows else 0)
    if all(isinstance(v, (int, float)) for row in rows for v in row):
        return np.asarray(rows, dtype=np.float64).reshape(n, k)
    return jnp.stack([jnp.stack([jnp.asarray(v, jnp.float64).reshape(()) for v in row]) if k else
                      jnp.zeros((0,), jnp.float64) for row in rows])


def rounded_product(dtype, a, b):
    """float(dtype(a) * dtype(b)): a product rounded in the scalar dtype of a 0-d state tensor (NumPy when both
    are Python floats, else traced)."""
    if isinstance(a, float) and isinstance(b, float):
        return float(dtype.type(a) * dtype.type(b))
    return (jnp.asarray(a).astype(dtype) * jnp.asarray(b).astype(dtype)).astype(jnp.float64)


def round_to(dtype, x):
    """float(dtype(x)): a Python float stored into a 0-d state tensor of `dtype` (traced values stay traced)."""
    if isinstance(x, (int, float)):
        return float(dtype.type(x))
    return jnp.asarray(x).astype(dtype).astype(jnp.float64)


def select(cond, a, b):
    """`a if cond else b` for Python scalars, jnp.where for traced ones (both sides must then be computable)."""
    if isinstance(cond, (bool, np.bool_)):
        return a() if cond else b()
    return jnp.where(cond, a(), b())


def write(t, arr):
    """Store the jax array `arr` (t's shape and dtype) into tensor t in place (a storage swap when t owns it)."""
    st = t._storage
    if st._np is None and t._offset == 0 and t._contig and st._data is not None and st._data.shape == arr.shape \
            and arr.dtype == t._dtype.np:
        st._data = arr
        st.version += 1
    else:
        t._assign(arr)


def run_group(kernel, cfg, hp_names, hyper, params, state_tensors, rows, scalar_keys, states_of):
    """One jitted update of `params` (tensors with grads).

    state_tensors: per param, dict name -> Tensor or None (the array state fed to the kernel; results are written
    to the state dict's tensor of that name, created when missing);
    rows: per param, the tuple of per-parameter Python floats; scalar_keys: names of 0-d state tensors whose new
    value is column j of the row (e.g. (('step', 0),)); states_of(i): the param's state dict, where new array
    state (None before) is created.
    """
    p_arrays = [p._value() for p in params]
    g_arrays = [p.grad._value() for p in params]
    s_arrays = [{k: (None if t is None else t._value()) for k, t in sts.items()} for sts in state_tensors]
    scalars = _rows_array(rows)
    scalar_out = tuple(tuple((name, col, states_of(i)[name]._dtype.np) for name, col in scalar_keys)
                       for i in range(len(params)))
    state_t = [t for sts in state_tensors for t in sts.values() if t is not None]
    state_a = [a for sa in s_arrays for a in sa.values() if a is not None]
    upd = _group_update_donated if _trace_state.current is None and not isinstance(p_arrays[0], jax.core.Tracer) \
        and unshared(p_arrays, [p._storage for p in params]) \
        and unshared(state_a, [t._storage for t in state_t], held=2) else _group_update
    del state_a
    from .._tensor import from_array
    # donation deletes the old arrays when the call starts: no Ctrl-C until every storage holds its new one
    with no_interrupt():
        try:
            new_p, new_s, new_sc = upd(kernel, cfg, hp_names, scalar_out, p_arrays, g_arrays, s_arrays, hyper,
                                       scalars)
        except BaseException as e:
            if upd is _group_update_donated:
                scrub_consumed([p._storage for p in params] + [t._storage for t in state_t], e)
            raise
        for i, p in enumerate(params):
            write(p, new_p[i])
            for name, arr in new_s[i].items():
                t = states_of(i).get(name)
                if t is None:
                    states_of(i)[name] = from_array(arr, p._dtype, p.device)
                else:
                    write(t, arr)
            for name, arr in new_sc[i].items():
                write(states_of(i)[name], arr)
