"""Fused backward: a whole tape replayed as one jitted XLA program.

`backward()` normally applies each node's cached, jitted VJP in turn: one JAX dispatch per node plus one per
`.grad` accumulation. A training loop builds the same graph every step, so once a graph's *plan* (its
structure: node order, edges, cotangent shapes and dtypes, which leaves already hold a `.grad`) has been seen a
few times, the walk runs instead inside `jax.jit`, on the nodes' VJPs as traced pytrees (their residuals are the
arguments). The engine logic is the same; it just runs on tracers, so XLA gets the whole backward, and the leaves'
new `.grad` values come back from a single call.

Only plain graphs are fused: op nodes (VJPs from saved inputs or residuals; no Python backward functions), no hooks, no retain_grad, no
create_graph/autograd.grad, anomaly mode off, not inside a compile trace. Anything else takes the per-node path.
`TORCHLIKE_FUSED_BACKWARD=0` turns fusion off.
"""
from __future__ import annotations

import os

import jax
import jax.numpy as jnp

from ._graph import AccumulateGrad, InputVJP, PyVJP, _flat_slots, add_ct, check_saved, full_cotangent

_FLOAT0 = jax.dtypes.float0
ENABLED = os.environ.get("TORCHLIKE_FUSED_BACKWARD", "1") != "0"
WARMUP = int(os.environ.get("TORCHLIKE_FUSED_WARMUP", "2"))   # fused from sighting WARMUP+1 on
MAX_NODES = 4000        # bigger graphs are walked node by node (tracing cost)
_SEEN: dict = {}        # plan -> times seen (bounded)
_BAD: set = set()       # plans whose fused call failed once: never retried


def try_run(roots, buffers, deps, retain_graph):
    """Run the backward of the graph below `roots` as one program if it is fusable; False if not (nothing done)."""
    if not ENABLED or len(deps) > MAX_NODES:
        return False
    order = _order(roots, deps)
    if order is None:
        return False
    pos = {n: i for i, n in enumerate(order)}
    entries, vjps, old = [], [], []
    leaves = []
    for n in order:
        if type(n) is AccumulateGrad:
            var = n.variable
            if n._hooks or n._pre_hooks or "_leaf_hooks" in var.__dict__ or "_post_acc_hooks" in var.__dict__:
                return False
            g = var._grad
            if g is not None:
                old.append(g._value())
            entries.append((var._size, var._dtype.np, g is not None))
            leaves.append(var)
            continue
        vjp = n._vjp
        if vjp is None or n._pre_hooks or n._hooks:
            return False
        if type(vjp) is InputVJP:            # recomputed from the saved inputs, inside the program
            vjps.append((vjp.diff, vjp.rest))
            kern = vjp.kernel
        elif isinstance(vjp, PyVJP):         # a Python backward function
            return False
        else:                                # a jax VJP closure (residuals)
            vjps.append(vjp)
            kern = None
        edges = tuple((-1 if nxt is None else pos[nxt], k) for nxt, k in n.next_functions)
        entries.append((n._out_meta, n._tuple, edges, kern))
    root_slots, root_cts = [], []
    for node, buf in buffers.items():
        p = pos[node]
        for k, g in enumerate(buf):
            if g is not None:
                root_slots.append((p, k))
                root_cts.append(g)
    plan = (tuple(entries), tuple(root_slots))
    if plan in _BAD:
        return False
    seen = _SEEN.get(plan, 0)
    if seen < WARMUP:
        if len(_SEEN) > 4096:
            _SEEN.clear()
        _SEEN[plan] = seen + 1
        return False
    for n in order:
        if type(n) is not AccumulateGrad and n._saved:
            check_saved(n)
    try:
        new = _fused(plan, vjps, root_cts, old)
    except Exception:       # e.g. arrays on several devices: the per-node walk handles (or reports) it
        _BAD.add(plan)
        return False
    from .._tensor import from_array
    for var, g in zip(leaves, new):
        if g is None:
            continue
        if var._grad is None:
            var._grad = from_array(g, var._dtype, var.device)
        else:
            var._grad._assign(g)
    if not retain_graph:
        for n in order:
            if type(n) is not AccumulateGrad:
                n._vjp = None
                n._fwd = None
    buffers.clear()
    return True


def _order(roots, deps):
    """The engine's processing order (same ready-stack discipline), or None when a node is not fusable."""
    deps = dict(deps)
    ready = [n for n in dict.fromkeys(roots) if deps.get(n, 0) == 0]
    order = []
    while ready:
        n = ready.pop()
        order.append(n)
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            deps[nxt] -= 1
            if deps[nxt] == 0:
                ready.append(nxt)
    return order


def _walk(plan, vjps, root_cts, old):
    entries, root_slots = plan
    bufs = [None] * len(entries)
    for (p, k), g in zip(root_slots, root_cts):
        buf = bufs[p] or [None] * (1 if len(entries[p]) == 3 else len(entries[p][0]))
        buf[k] = add_ct(buf[k], g)
        bufs[p] = buf
    vi = iter(vjps)
    oi = iter(old)
    new = []
    for i, e in enumerate(entries):
        buf = bufs[i]
        bufs[i] = None
        if len(e) == 3:                           # AccumulateGrad
            size, dt, has = e
            prev = next(oi) if has else None
            g = None if buf is None else buf[0]
            if g is None:
                new.append(None)
                continue
            if g.shape != size:
                g = jnp.broadcast_to(g, size)
            new.append(g.astype(dt) if prev is None else prev + g)
            continue
        meta, tup, edges, kern = e
        ct = full_cotangent(buf or [None] * len(meta), meta, tup)
        v = next(vi)
        flat = _flat_slots(v(ct) if kern is None else kern.vjp_of(v[0], v[1], ct))
        for (p, k), g in zip(edges, flat):
            if p < 0 or g is None or g.dtype == _FLOAT0:
                continue
            b = bufs[p] or [None] * (1 if len(entries[p]) == 3 else len(entries[p][0]))
            b[k] = add_ct(b[k], g)
            bufs[p] = b
    return tuple(new)


_fused = jax.jit(_walk, static_argnums=0)
