"""torch.utils.checkpoint: activation checkpointing by recomputation.

The checkpointed forward runs under no_grad, so none of its intermediate results (nor the VJP residuals that would
hold them) are kept; the output gets a single backward node. Its backward restores the forward's RNG state, re-runs
the function with grad enabled and backpropagates through the recomputed graph.

- use_reentrant=True (PyTorch's CheckpointFunction): the node's edges are the tensor arguments; the recomputed
  graph is backpropagated with `autograd.backward`, which accumulates parameter gradients into `.grad` directly.
- use_reentrant=False: the forward also notes every tensor requiring grad that the function reads (parameters,
  captured tensors: seen through the op-dispatch observer), and the node's edges lead to them as well, so
  `autograd.grad` w.r.t. parameters, keyword arguments, arbitrary output structures and double backward work.
  (In PyTorch the outputs keep the grad_fn of the function's last op; here it is CheckpointBackward.)
"""
from __future__ import annotations

import contextlib
import warnings

import jax

from .. import random as _random
from .._ops import observe as _observe
from .._tensor import Tensor, from_array
from ..autograd import _graph, grad_mode
from . import _pytree

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction", "check_backward_validity",
           "detach_variable", "get_device_states", "set_device_states", "noop_context_fn",
           "set_checkpoint_early_stop", "DefaultDeviceType", "set_checkpoint_debug_enabled"]

_DEFAULT_DETERMINISM_MODE = "default"
_checkpoint_debug_enabled = None


class CheckpointError(RuntimeError):
    pass


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    global _checkpoint_debug_enabled
    prev, _checkpoint_debug_enabled = _checkpoint_debug_enabled, enabled
    try:
        yield
    finally:
        _checkpoint_debug_enabled = prev


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    """Accepted for compatibility: recomputation here always runs the whole function."""
    yield


class DefaultDeviceType:
    _default_device_type = "cuda"

    @staticmethod
    def set_device_type(device="cuda"):
        DefaultDeviceType._default_device_type = device

    @staticmethod
    def get_device_type():
        return DefaultDeviceType._default_device_type


def get_device_states(*args):
    """(devices, RNG states) of the accelerator devices the tensor arguments live on (none on this backend)."""
    return [], []


def set_device_states(devices, states, *, device_type=None):
    return None


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for inp in inputs:
        if isinstance(inp, Tensor):
            x = inp.detach()
            x.requires_grad = inp.requires_grad
            inp = x
        out.append(inp)
    return tuple(out)


def check_backward_validity(inputs):
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


class _Reads:
    """Observer: the tensors requiring grad that the forward reads (its inputs from outside: under no_grad
    nothing it creates requires grad)."""

    def __init__(self):
        self.seen = {}

    def _note(self, t):
        if isinstance(t, Tensor) and t._requires_grad:
            self.seen.setdefault(id(t), t)

    def on_op(self, op, vals, tensors, out):
        for t in tensors:
            self._note(t)

    def on_view(self, base, out, args, kwargs):
        self._note(base)


def _fresh(outs, args):
    """Output tensors that are arguments themselves become aliases (the node must not rewrite an input's
    history)."""
    ids = {id(a) for a in args}
    with grad_mode.no_grad():
        return [o.view_as(o) if id(o) in ids else o for o in outs]


class _CheckpointVJP(_graph.PyVJP):
    """Recompute the function and backpropagate the output cotangents through the recomputed graph."""

    __slots__ = ("fn", "args", "kwargs", "sources", "rng", "recompute_ctx", "reentrant", "out_idx", "n_out",
                 "__weakref__")

    def __init__(self, fn, args, kwargs, sources, rng, recompute_ctx, reentrant, out_idx, n_out):
        self.fn, self.args, self.kwargs, self.sources = fn, args, kwargs, sources
        self.rng, self.recompute_ctx, self.reentrant = rng, recompute_ctx, reentrant
        self.out_idx, self.n_out = out_idx, n_out

    def _recompute(self, detach=True):
        """Re-run the function with grad enabled (same RNG state); returns (the recorded outputs recomputed, the
        tensors standing for the sources in the recomputed graph: detached arguments, or (create_graph) the
        arguments themselves, so that the gradients' history reaches them)."""
        if self.fn is None:
            raise RuntimeError(_graph._RELEASED)
        detached = {}
        args = []
        for a in self.args:
            if isinstance(a, Tensor) and detach:
                d = a.detach()
                d.requires_grad_(a._requires_grad)
                detached[id(a)] = d
                a = d
            args.append(a)
        kwargs = dict(self.kwargs)
        for k, a in kwargs.items():
            if isinstance(a, Tensor) and detach:
                d = a.detach()
                d.requires_grad_(a._requires_grad)
                detached[id(a)] = kwargs[k] = d
        with _random.fork_rng(enabled=self.rng is not None):
            if self.rng is not None:
                _random.set_rng_state(self.rng)
            with grad_mode.enable_grad(), self.recompute_ctx():
                ret = self.fn(*args, **kwargs)
        leaves = [x for x in _pytree.tree_leaves(ret) if isinstance(x, Tensor)]
        outs = [leaves[i] for i in self.out_idx]
        stand_ins = [detached.get(id(s), s) for s in self.sources]
        return outs, stand_ins

    def _backprop(self, cts, create_graph):
        from ..autograd import backward as _backward, grad as _grad
        outs, stand_ins = self._recompute(detach=not create_graph)
        pairs = [(o, c) for o, c in zip(outs, cts) if o.requires_grad and c is not None]
        if not pairs:
            if self.reentrant:
                raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
            return [None] * len(stand_ins)
        os_, cs = zip(*pairs)
        if self.reentrant:
            _backward(list(os_), list(cs))
            return [s.grad if s is not src else None for s, src in zip(stand_ins, self.sources)]
        retain = create_graph or any(s is src and s._grad_fn is not None for s, src in zip(stand_ins, self.sources))
        return list(_grad(list(os_), stand_ins, list(cs), retain_graph=retain, create_graph=create_graph,
                          allow_unused=True))

    def __call__(self, ct):
        cts = ct if isinstance(ct, tuple) else (ct,)
        grads = self._backprop([from_array(c) if c.dtype != jax.dtypes.float0 else None for c in cts], False)
        return tuple(None if g is None else g._value().astype(s._dtype.np) for g, s in zip(grads, self.sources))

    def graph(self, cts):
        """create_graph: the recomputed backward is itself recorded."""
        if self.reentrant:
            raise RuntimeError("Checkpointing is not compatible with .grad() or when an `inputs` parameter is "
                               "passed to .backward(). Please use .backward() and do not pass its `inputs` "
                               "argument.")
        return self._backprop(list(cts), True)


def _checkpointed(function, args, kwargs, preserve_rng_state, reentrant, context_fn):
    fwd_ctx, recompute_ctx = context_fn()
    rng = _random.get_rng_state() if preserve_rng_state else None
    reads = _Reads()
    with grad_mode.no_grad(), fwd_ctx, _observe.observing(reads):
        ret = function(*args, **kwargs)
    if reentrant:
        sources = [a for a in args if isinstance(a, Tensor) and a._requires_grad]
    else:
        sources = list(reads.seen.values())
        for a in list(args) + list(kwargs.values()):      # arguments requiring grad, even if the function
            if isinstance(a, Tensor) and a._requires_grad and id(a) not in reads.seen:      # did not read them
                sources.append(a)
    if not (grad_mode.is_grad_enabled() and sources):
        return ret
    leaves, spec = _pytree.tree_flatten(ret)
    t_idx = [i for i, x in enumerate(leaves) if isinstance(x, Tensor)]
    outs = _fresh([leaves[i] for i in t_idx], list(args) + list(kwargs.values()))
    for i, o in zip(t_idx, outs):
        leaves[i] = o
    diff = [k for k, o in enumerate(outs) if o._dtype.is_floating_point or o._dtype.is_complex]
    if not diff:
        return ret
    recorded = tuple(outs[k] for k in diff)
    vjp = _CheckpointVJP(function, tuple(args), dict(kwargs), sources, rng,
                         _recompute_ctx_factory(context_fn, recompute_ctx), reentrant, diff, len(outs))
    name = "CheckpointFunctionBackward" if reentrant else "CheckpointBackward"
    _graph.record(name, recorded if len(recorded) != 1 else recorded[0], sources, vjp)
    return _pytree.tree_unflatten(leaves, spec)


def _recompute_ctx_factory(context_fn, first):
    """The recomputation context: the one context_fn gave with the forward's, then fresh ones per backward."""
    used = [False]

    def make():
        if not used[0]:
            used[0] = True
            return first
        return context_fn()[1]
    return make


class CheckpointFunction:
    """PyTorch's reentrant checkpoint as a class: `CheckpointFunction.apply(run_function, preserve_rng_state,
    *args)`."""

    @staticmethod
    def apply(run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        return _checkpointed(run_function, args, {}, preserve_rng_state, True, noop_context_fn)


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check=_DEFAULT_DETERMINISM_MODE, debug=False, early_stop=True, **kwargs):
    """Run `function(*args, **kwargs)` without keeping its intermediate activations; the backward recomputes
    them."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        check_backward_validity(args)
        return _checkpointed(function, args, {}, preserve, True, noop_context_fn)
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    return _checkpointed(function, args, kwargs, preserve, False, context_fn)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Split a sequence of modules/functions into `segments` chunks; all but the last run checkpointed."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input
        return forward

    from ..nn.modules.container import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
