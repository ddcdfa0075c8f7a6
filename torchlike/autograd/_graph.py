"""The autograd tape: backward nodes holding jitted VJPs, and the engine that walks them."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _trace_state
from . import grad_mode

_RELEASED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
             "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
             "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
             "if you need to access saved tensors after calling backward.")


@jax.jit
def _apply_vjp(vjp, ct):
    return vjp(ct)


class Node:
    """A backward function (grad_fn). Subclassed per name so `type(t.grad_fn).__name__` is e.g. AddBackward0."""

    __slots__ = ("_vjp", "_inputs", "next_functions", "_out_meta", "_tuple", "_pre_hooks", "_hooks", "metadata",
                 "_fwd", "_saved", "__weakref__")

    def __init__(self, vjp, inputs, out_meta, tuple_out=False):
        self._vjp = vjp
        self._fwd = None                 # (factory, args): factory(*args) -> (cache key, pure(diff, rest), rest)
        self._saved = ()                 # ((tensor or None, storage, version, out_nr, node name), ...)
        self._tuple = tuple_out
        self._inputs = inputs            # per differentiable slot: Tensor or tuple of Tensors
        self._out_meta = out_meta        # per output: (shape, np dtype, differentiable)
        self.next_functions = tuple(_edge(t) for slot in inputs for t in (slot if isinstance(slot, tuple) else (slot,)))
        self._pre_hooks = []
        self._hooks = []
        self.metadata = {}

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def register_hook(self, fn):
        self._hooks.append(fn)
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        self._pre_hooks.append(fn)
        return _Handle(self._pre_hooks, fn)

    def apply(self, cts, retain_graph):
        """Cotangents of the outputs (None = zero) -> flat list of input gradients (arrays or None)."""
        vjp = self._vjp
        if vjp is None:
            raise RuntimeError(_RELEASED)
        if self._saved:
            check_saved(self)
        ct = full_cotangent(cts, self._out_meta, self._tuple)
        grads = vjp(ct) if isinstance(vjp, PyVJP) else _apply_vjp(vjp, ct)
        if not retain_graph:
            self._vjp = None
            self._fwd = None
        return _flat_slots(grads)


def full_cotangent(cts, out_meta, tuple_out):
    """The VJP's cotangent argument from per-output cotangents (None = zero; float0 for non-differentiable)."""
    full = []
    for ct, (shape, dt, diff) in zip(cts, out_meta):
        if not diff:
            full.append(np.zeros(shape, jax.dtypes.float0))
        elif ct is None:
            full.append(jnp.zeros(shape, dt))
        else:
            full.append(ct)
    return tuple(full) if tuple_out else full[0]


def add_ct(a, b):
    """Sum of two cotangents where None means zero."""
    return b if a is None else (a if b is None else a + b)


class PyVJP:
    """Base for backward functions written in Python (not a jax VJP): called as fn(cotangent) -> grads tuple."""

    __slots__ = ()


class InputVJP(PyVJP):
    """An op's backward from its saved inputs: one jitted call recomputing what the VJP needs (see Op.recompute).
    The fused backward inlines `kernel.vjp_of` instead."""

    __slots__ = ("kernel", "diff", "rest")

    def __init__(self, kernel, diff, rest):
        self.kernel, self.diff, self.rest = kernel, diff, rest

    def __call__(self, ct):
        if _trace_state.current is not None:      # compile: inline into the traced program (no nested jit)
            return self.kernel.vjp_of(self.diff, self.rest, ct)
        return self.kernel.bwd(self.diff, self.rest, ct)


class CopySlices(Node):
    """The history of a base whose view was written in place."""

    __slots__ = ()

    def name(self):
        return "torch::autograd::CopySlices"


_NODE_CLASSES_PRESET = {"CopySlices": CopySlices}


class AccumulateGrad:
    """The leaf sink of the graph: adds incoming gradients to `variable.grad`."""

    __slots__ = ("variable", "_hooks", "_pre_hooks", "__weakref__")
    next_functions = ()

    def __init__(self, variable):
        self.variable = variable
        self._hooks = []
        self._pre_hooks = []

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def register_hook(self, fn):
        self._hooks.append(fn)
        return _Handle(self._hooks, fn)


class _Handle:
    def __init__(self, lst, fn):
        self.lst, self.fn = lst, fn

    def remove(self):
        if self.fn in self.lst:
            self.lst.remove(self.fn)


_NODE_CLASSES = dict(_NODE_CLASSES_PRESET)


def node_class(name):
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


def _edge(t):
    if t is None or not getattr(t, "_requires_grad", False):
        return (None, 0)
    va = getattr(t, "_version_at", None)
    if va is not None and va != t._storage.version:
        from ._views import refresh_view
        refresh_view(t)
    if t._grad_fn is not None:
        return (t._grad_fn, t._out_nr)
    acc = t.__dict__.get("_accumulate")
    if acc is None:
        acc = t.__dict__["_accumulate"] = AccumulateGrad(t)
    return (acc, 0)


def record(name, out, inputs, vjp):
    """Attach a backward node named `name` to op output(s) `out` computed from differentiable `inputs`."""
    outs = out if isinstance(out, tuple) else (out,)
    meta = tuple((o._size, o._dtype.np, o._dtype.is_floating_point or o._dtype.is_complex) for o in outs)
    node = node_class(name)(vjp, inputs, meta, isinstance(out, tuple))
    for k, o in enumerate(outs):
        if meta[k][2]:
            o._grad_fn = node
            o._out_nr = k
            o._requires_grad = True
    return node


def rebase_inplace(self, result):
    """After an in-place op, `self` carries the history of `result`."""
    self._grad_fn = result._grad_fn
    self._out_nr = result._out_nr
    self._requires_grad = result._requires_grad or self._requires_grad


# --- saved tensors and the version counter ---------------------------------------------------------------

def save_versions(node, tensors, outputs=()):
    """Remember the storage versions of the tensors `node`'s backward needs (inputs and/or outputs)."""
    saved = [(t, t._storage, t._storage.version, 0, None) for t in tensors]
    saved += [(None, o._storage, o._storage.version, k, (node.name(), o._dtype, o.device, o._size))
              for k, o in outputs]
    node._saved = tuple(saved)


def refresh_saved(node, target):
    """An in-place op of `node` wrote its result into `target`: the op read `target` before the write (not a
    modification of a saved value), and a saved output now lives in `target`'s storage at its new version."""
    if node is not None and node._saved:
        st0 = target._storage
        node._saved = tuple((t, st0, st0.version, k, n) if t is None or st is st0 else (t, st, v, k, n)
                            for t, st, v, k, n in node._saved)


def check_saved(node):
    for t, st, v, k, name in node._saved:
        if st.version != v:
            if t is not None:
                desc = f"[{t.type()} [{', '.join(map(str, t._size))}]]"
                gf = t._grad_fn
                if gf is not None:
                    desc += f", which is output {t._out_nr} of {_short(gf.name())},"
            else:
                from .._legacy import type_string
                nm, dt, dev, shape = name      # the output's node name and metadata (formatted only on error)
                desc = (f"[{type_string(dt, dev)} [{', '.join(map(str, shape))}]], which is output {k} of "
                        f"{_short(nm)},")
            raise RuntimeError("one of the variables needed for gradient computation has been modified by an inplace "
                               f"operation: {desc} is at version {st.version}; expected version {v} instead. Hint: "
                               "enable anomaly detection to find the operation that failed to compute its gradient, "
                               "with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _short(name):
    import re
    return re.sub(r"Backward\d*$", "", name)


# --- create_graph: backward as recorded, differentiable ops ------------------------------------------------

_GRAPH_KERNELS = {}


def _slots_shape(inputs):
    return tuple(len(s) if isinstance(s, tuple) else -1 for s in inputs)


def _flat_slots(inputs):
    out = []
    for s in inputs:
        out.extend(s) if isinstance(s, tuple) else out.append(s)
    return out


def _unflat(flat, shape):
    it = iter(flat)
    return [tuple(next(it) for _ in range(n)) if n >= 0 else next(it) for n in shape]


def _graph_kernel(key, pure, shape, out_meta, tuple_out):
    """jit((diff_flat, ct_flat, rest) -> (grads_flat, vjp)): a node's backward as a differentiable function."""
    gkey = (key, shape, tuple((m[1], m[2]) for m in out_meta), tuple_out)
    k = _GRAPH_KERNELS.get(gkey)
    if k is None:
        bwd = _graph_bwd(pure, shape, out_meta, tuple_out)
        k = _GRAPH_KERNELS[gkey] = (jax.jit(lambda d, c, rest: jax.vjp(lambda a, b: bwd(a, b, rest), d, c)), bwd)
    return k


def _graph_bwd(pure, shape, out_meta, tuple_out):
    def bwd(dflat, cflat, rest):
        diff = _unflat(dflat, shape)
        it = iter(cflat)
        full = [next(it) if m[2] else np.zeros(m[0], jax.dtypes.float0) for m in out_meta]
        ct = tuple(full) if tuple_out else full[0]
        _, vjp = jax.vjp(lambda *d: pure(list(d), rest), *diff)
        return tuple(_flat_slots(vjp(ct)))
    return bwd


def apply_graph(node, cts, retain_graph):
    """Like Node.apply, on Tensors, recording the backward computation itself (create_graph=True)."""
    from .._tensor import Tensor, from_array
    if node._vjp is None:
        raise RuntimeError(_RELEASED)
    if node._saved:
        check_saved(node)
    fwd = node._fwd
    if fwd is None:
        vjp = node._vjp
        if isinstance(vjp, PyVJP) and hasattr(vjp, "graph"):
            grads = vjp.graph(cts)
        else:       # no recomputation available: first-order only through this node
            raw = node.apply([c._value() if isinstance(c, Tensor) else c for c in cts], retain_graph)
            grads = [None if g is None or str(getattr(g, "dtype", "")) == "float0" else from_array(g) for g in raw]
        if not retain_graph:
            node._vjp = node._fwd = None
        return grads
    key, pure, rest = fwd[0](*fwd[1])
    shape = _slots_shape(node._inputs)
    dts = _flat_slots(node._inputs)
    ctt = []
    for c, (shp, dt, diff) in zip(cts, node._out_meta):
        if diff:
            ctt.append(c if c is not None else from_array(jnp.zeros(shp, dt), None, dts[0].device))
    kernel, bwd = _graph_kernel(key, pure, shape, node._out_meta, node._tuple)
    gflat, vjp2 = kernel(tuple(t._value() for t in dts), tuple(c._value() for c in ctt), rest)
    outs = tuple(from_array(g, t._dtype, t.device) for g, t in zip(gflat, dts))
    if grad_mode.is_grad_enabled() and any(t._requires_grad for t in dts + ctt):
        n2 = record(node.name(), outs, [tuple(dts), tuple(ctt)], vjp2)
        n2._fwd = (_resolved, (("graph", key, shape), _Bwd2(bwd), rest))
    if not retain_graph:
        node._vjp = node._fwd = None
    return list(outs)


class _Bwd2:
    """pure(diff, rest) of a recorded backward node: diff = [inputs tuple, cotangents tuple]."""

    __slots__ = ("bwd",)

    def __init__(self, bwd):
        self.bwd = bwd

    def __call__(self, diff, rest):
        return self.bwd(diff[0], diff[1], rest)

    def __hash__(self):
        return hash(self.bwd)

    def __eq__(self, other):
        return isinstance(other, _Bwd2) and other.bwd is self.bwd


_PURE_KERNELS = {}


def call_pure(name, key, fn, tensors, rest=()):
    """Run fn(list of arrays, rest) -> array or tuple of arrays on `tensors` as a recorded differentiable op named
    `name` (used by backward functions under create_graph). `key` identifies fn for the kernel cache."""
    from .._tensor import from_array
    k = _PURE_KERNELS.get(key)
    if k is None:
        k = _PURE_KERNELS[key] = jax.jit(lambda d, r: jax.vjp(lambda *a: fn(list(a), r), *d))
    out, vjp = k(tuple(t._value() for t in tensors), rest)
    dev = tensors[0].device
    outs = tuple(from_array(o, None, dev) for o in out) if isinstance(out, tuple) else from_array(out, None, dev)
    if grad_mode.is_grad_enabled() and any(t._requires_grad for t in tensors):
        node = record(name, outs, [tuple(tensors)], _TupleVJP(vjp))
        node._fwd = (_resolved, (key, lambda d, r: fn(list(d[0]), r), rest))
    return outs


class _TupleVJP(PyVJP):
    """Adapts a jax VJP of fn(*arrays) to one tuple input slot."""

    __slots__ = ("vjp",)

    def __init__(self, vjp):
        self.vjp = vjp

    def __call__(self, ct):
        return (tuple(_apply_vjp(self.vjp, ct)),)


def _resolved(key, pure, rest):
    return key, pure, rest
