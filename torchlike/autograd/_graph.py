"""The autograd tape: backward nodes holding jitted VJPs, and the engine that walks them."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
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
                 "__weakref__")

    def __init__(self, vjp, inputs, out_meta, tuple_out=False):
        self._vjp = vjp
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
        full = []
        for ct, (shape, dt, diff) in zip(cts, self._out_meta):
            if not diff:
                full.append(np.zeros(shape, jax.dtypes.float0))
            elif ct is None:
                full.append(jnp.zeros(shape, dt))
            else:
                full.append(ct)
        ct = tuple(full) if self._tuple else full[0]
        grads = vjp(ct) if isinstance(vjp, PyVJP) else _apply_vjp(vjp, ct)
        if not retain_graph:
            self._vjp = None
        flat = []
        for slot, g in zip(self._inputs, grads):
            if isinstance(slot, tuple):
                flat.extend(g)
            else:
                flat.append(g)
        return flat


class PyVJP:
    """Base for backward functions written in Python (not a jax VJP): called as fn(cotangent) -> grads tuple."""

    __slots__ = ()


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


_NODE_CLASSES = {}


def node_class(name):
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


def _edge(t):
    if t is None or not getattr(t, "_requires_grad", False):
        return (None, 0)
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
