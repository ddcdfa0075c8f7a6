"""torch.compile(model): the module's forward as one jitted program, and its backward as one jitted VJP."""
from __future__ import annotations

import collections

import jax

from .. import _autocast
from .._tensor import Tensor, from_array
from ..autograd import _graph, grad_mode
from ..nn.modules.module import Module
from . import config
from ._trace import Program, _ProgramVJP


class OptimizedModule(Module):
    """What torch.compile returns for a Module: calls run the compiled forward; `_orig_mod` is the module."""

    def __init__(self, mod):
        super().__init__()
        self._orig_mod = mod
        self.__dict__["_programs"] = collections.OrderedDict()

    def __getattr__(self, name):
        if name == "_orig_mod":
            return self._modules["_orig_mod"]
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)

    def __repr__(self):
        return "OptimizedModule(\n  (_orig_mod): " + repr(self._orig_mod).replace("\n", "\n  ") + "\n)"

    def state_dict(self, *args, **kwargs):
        return self._orig_mod.state_dict(*args, **kwargs)

    def load_state_dict(self, *args, **kwargs):
        return self._orig_mod.load_state_dict(*args, **kwargs)

    def forward(self, *args, **kwargs):
        mod = self._orig_mod
        if config.stance == "force_eager" or getattr(mod, "_torchdynamo_disable", False):
            return mod(*args, **kwargs)
        return run_forward(self.__dict__["_programs"], mod, list(mod.parameters()),
                           tuple(m.training for m in mod.modules()), args, kwargs)


def build_forward(progs, fn, params, state_key, args, kwargs):
    """The cached (program, vjp, lifted parameters) entry that runs fn(*args, **kwargs) for these arguments (traced
    now if needed; a trace is jax.make_jaxpr only, nothing runs). `state_key`: what else selects a program (the
    modules' training flags)."""
    from . import _ArgsSpec
    from .. import random as R
    from .._jax_random import _key_storage
    spec = _ArgsSpec(args, kwargs)
    grad_on = grad_mode.is_grad_enabled()
    key = (spec.key(), (grad_on, _autocast.key()), state_key, tuple(p._requires_grad for p in params))
    entry = progs.get(key)
    if entry is None:
        _key_storage(R._default())
        if len(progs) >= config.cache_size_limit:
            progs.popitem(last=False)

        def call(rebuilt):
            a, kw = rebuilt
            with grad_mode.no_grad():
                return fn(*a, **kw)
        spec_nograd = _ArgsSpec(*_detached(args, kwargs))
        prog = Program(call, spec_nograd, spec.arrays(), donate=False)
        by_storage = {id(p._storage): p for p in params if p._requires_grad}
        lift_t = [by_storage.get(id(st)) for st in prog.lifted]
        arg_t = [spec.leaves[i] for i in spec.tpos]
        vjp = None
        if grad_on and (any(t is not None for t in lift_t) or any(t._requires_grad for t in arg_t)):
            vjp = _ProgramVJP(prog, [t is not None for t in lift_t], [t._requires_grad for t in arg_t])
        entry = progs[key] = (prog, vjp, lift_t)
    return spec, entry


def run_forward(progs, fn, params, state_key, args, kwargs):
    """fn(*args, **kwargs) as one jitted program; when gradients are needed (w.r.t. `params` or tensor arguments)
    the backward is one jitted VJP, recorded as a CompiledFunctionBackward node. Used by torch.compile(module) and
    torch.jit.trace."""
    spec, (prog, vjp, lift_t) = build_forward(progs, fn, params, state_key, args, kwargs)
    arrays = spec.arrays()
    if vjp is None:
        outs = prog(arrays)
        return _rebuild(prog, outs)
    outs, fn = vjp(arrays)
    result = _rebuild(prog, outs)
    out_tensors = [t for t in jax.tree_util.tree_leaves(result, is_leaf=lambda x: isinstance(x, Tensor))
                   if isinstance(t, Tensor)]
    inputs = [t for t in lift_t if t is not None] + [spec.leaves[i] for i, m in zip(spec.tpos, vjp.arg_mask) if m]
    n_lift = sum(vjp.lift_mask)
    _graph.record("CompiledFunctionBackward", tuple(out_tensors) if len(out_tensors) != 1 else out_tensors[0],
                  inputs, _CompiledVJP(fn, n_lift, len(out_tensors) != 1))
    return result


def _detached(args, kwargs):
    from .._jax_bridge import _is_tensor
    return jax.tree_util.tree_map(lambda x: x.detach() if isinstance(x, Tensor) else x, (args, kwargs),
                                  is_leaf=_is_tensor)


def _rebuild(prog, outs):
    leaves = list(prog.out_static)
    for i, a, (dt, dev) in zip(prog.out_t, outs, prog.out_meta):
        leaves[i] = from_array(a, dt, dev)
    return jax.tree_util.tree_unflatten(prog.out_tree, leaves)


class _CompiledVJP(_graph.PyVJP):
    __slots__ = ("fn", "n_lift", "multi")

    def __init__(self, fn, n_lift, multi):
        self.fn, self.n_lift, self.multi = fn, n_lift, multi

    def __call__(self, ct):
        cts = tuple(ct) if self.multi else (ct,)
        gl, ga = self.fn(cts)
        return tuple(gl) + tuple(ga)
