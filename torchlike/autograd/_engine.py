"""The backward engine: walks grad_fn nodes in reverse topological order, accumulating cotangents."""
from __future__ import annotations

import jax
import jax.numpy as jnp

_FLOAT0 = jax.dtypes.float0


@jax.jit
def _add_arrays(a, b):
    return a + b

from .. import _trace_state
from . import _fused, grad_mode
from ._graph import AccumulateGrad, add_ct, apply_graph


def _anomaly_enabled():
    from . import _ANOMALY
    return _ANOMALY[0]


_final_callbacks = []     # queued by queue_callback during a backward pass, run when it ends
_depth = [0]


def queue_callback(callback):
    """Run `callback()` once the current backward pass has finished (PyTorch's Engine.queue_callback)."""
    if not _depth[0]:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    _final_callbacks.append(callback)


def run_backward(tensors, grad_tensors, retain_graph=False, inputs=None, accumulate=True, create_graph=False):
    """_run_backward, then the callbacks queued during it (outermost pass only)."""
    _depth[0] += 1
    try:
        results = _run_backward(tensors, grad_tensors, retain_graph, inputs, accumulate, create_graph)
    except BaseException:
        if _depth[0] == 1:
            _final_callbacks.clear()
        raise
    finally:
        _depth[0] -= 1
    if not _depth[0]:
        while _final_callbacks:
            _final_callbacks.pop(0)()
    return results


def _run_backward(tensors, grad_tensors, retain_graph=False, inputs=None, accumulate=True, create_graph=False):
    """Backpropagate from `tensors` with cotangents `grad_tensors` (jax arrays; Tensors when create_graph).

    accumulate=True adds into the leaves' .grad (backward); otherwise the gradients w.r.t. `inputs` are returned
    (autograd.grad). With create_graph the cotangents are Tensors and the backward computation is recorded.
    """
    from .._tensor import from_array
    buffers = {}   # node -> list of cotangents per output
    roots = []
    for t, g in zip(tensors, grad_tensors):
        node = t._grad_fn
        out_nr = t._out_nr
        if node is None:
            if not t._requires_grad:
                raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
            node = _accumulate_node(t)
            out_nr = 0
        buf = buffers.setdefault(node, [None] * _n_out(node))
        buf[out_nr] = add_ct(buf[out_nr], g)
        roots.append(node)

    # capture points for autograd.grad
    captures = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            node = t._grad_fn if t._grad_fn is not None else _accumulate_node(t)
            captures.setdefault((node, t._out_nr if t._grad_fn is not None else 0), []).append(i)
    results = [None] * (len(inputs) if inputs is not None else 0)

    # dependency counts over the reachable graph
    deps = {}
    seen = set()
    stack = list(dict.fromkeys(roots))
    for n in stack:
        seen.add(n)
    while stack:
        n = stack.pop()
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)

    if not create_graph and inputs is None and accumulate and _trace_state.current is None \
            and not _anomaly_enabled() and _fused.try_run(roots, buffers, deps, retain_graph):
        return results
    ready = [n for n in dict.fromkeys(roots) if deps.get(n, 0) == 0]
    with grad_mode.set_grad_enabled(create_graph):
        while ready:
            node = ready.pop()
            cts = buffers.pop(node, None) or [None] * _n_out(node)
            for hook in getattr(node, "_pre_hooks", ()):
                r = hook(cts)
                if r is not None:
                    cts = list(r)
            if captures:
                for k, ct in enumerate(cts):
                    for i in captures.get((node, k), ()):
                        results[i] = ct
            if isinstance(node, AccumulateGrad):
                if accumulate and cts[0] is not None:
                    (_accumulate_graph if create_graph else _accumulate)(node.variable, cts[0], from_array)
                continue
            grads = apply_graph(node, cts, retain_graph) if create_graph else node.apply(cts, retain_graph)
            for hook in node._hooks:
                hook(tuple(grads), tuple(cts))
            for (nxt, idx), g in zip(node.next_functions, grads):
                if nxt is None:
                    continue
                if g is not None and (create_graph or g.dtype != _FLOAT0):
                    buf = buffers.setdefault(nxt, [None] * _n_out(nxt))
                    buf[idx] = add_ct(buf[idx], g)
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)
    return results


def _n_out(node):
    return 1 if isinstance(node, AccumulateGrad) else len(node._out_meta)


def _accumulate_node(t):
    from ._graph import _edge
    return _edge(t)[0]


def _accumulate(var, g, from_array):
    """AccumulateGrad: var.grad = g (first time) or var.grad += g."""
    if g.shape != var._size:
        g = jnp.broadcast_to(g, var._size)
    for hook in var.__dict__.get("_leaf_hooks", ()):
        r = hook(from_array(g, var._dtype, var.device))
        if r is not None:
            g = r._value()
    _trace_state.grad_event(var, "read")
    if var._grad is None:
        var._grad = from_array(g if g.dtype == var._dtype.np else g.astype(var._dtype.np), var._dtype, var.device)
    else:
        gr = var._grad
        gr._assign(_add_arrays(gr._value(), g))
    for hook in var.__dict__.get("_post_acc_hooks", ()):
        hook(var)


def _accumulate_graph(var, g, from_array):
    """AccumulateGrad under create_graph: .grad keeps the gradient's own history."""
    if g._size != var._size:
        g = g.expand(var._size)
    for hook in var.__dict__.get("_leaf_hooks", ()):
        r = hook(g)
        if r is not None:
            g = r
    _trace_state.grad_event(var, "read")
    var._grad = g if var._grad is None else var._grad + g
    for hook in var.__dict__.get("_post_acc_hooks", ()):
        hook(var)
