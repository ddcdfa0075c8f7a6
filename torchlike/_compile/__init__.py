"""torchlike.compile / torch.compile: a whole step (forward, backward, optimizer update) as one XLA program.

A call traces the function into a jaxpr with every pre-existing tensor it reads or writes lifted into
inputs/outputs (see _trace.py) and runs it with `jax.jit`; later calls with the same guards reuse it. Guards: the
structure, shapes, dtypes, devices and requires_grad of tensor arguments, non-tensor arguments, grad mode, the
`training` flags and parameter requires_grad of modules reachable from the function, which parameters hold a
`.grad`, how much state each optimizer holds, and the Python scalars it names. A program is traced again when a
tensor it lifted was replaced (a new `.grad`, a reassigned parameter, reloaded optimizer state), and once more after
a trace that created state other than `.grad` (e.g. a module's lazily built buffer), so that the state is read from
then on. A step that starts with zero_grad() (set_to_none) does not depend on which parameters held a .grad, and
one program serves both; an optimizer that builds state on its first step (momentum, Adam's moments) makes a
training step traced twice: on the first call and on the second (steady state). `config.warm_up = True` runs the
first call eagerly instead. A function that
needs concrete values (`.item()`, printing a tensor, data-dependent Python control flow) falls back to eager with
one warning.
"""
from __future__ import annotations

import collections
import functools
import warnings
from operator import is_

import jax

from .. import _autocast, _trace_state
from .._tensor import Tensor, from_array
from ..autograd import grad_mode
from ._trace import Program

__all__ = ["compile", "CompiledFunction", "config", "reset"]


class _Config:
    cache_size_limit = 8          # like torch._dynamo.config.cache_size_limit
    warm_up = False               # run the first call eagerly instead of tracing it
    suppress_errors = True        # fall back to eager (with a warning) when tracing fails
    stance = "default"            # torch.compiler.set_stance: "force_eager" runs compiled functions eagerly

    @property
    def recompile_limit(self):    # torch's newer name for cache_size_limit
        return self.cache_size_limit

    @recompile_limit.setter
    def recompile_limit(self, value):
        self.cache_size_limit = value


config = _Config()
_ALL = []


def reset():
    """Forget every compiled program (torch._dynamo.reset())."""
    for c in _ALL:
        c._cache.clear()


class _ArgsSpec:
    """How to rebuild (args, kwargs) from the traced arrays of their tensor leaves."""

    def __init__(self, args, kwargs):
        if not kwargs and all([isinstance(a, Tensor) for a in args]):
            self.leaves, self.tree = list(args), None          # positional tensors only: no pytree needed
        else:
            from .._jax_bridge import _is_tensor
            self.leaves, self.tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_tensor)
        self.tpos = [i for i, l in enumerate(self.leaves) if isinstance(l, Tensor)]

    @property
    def meta(self):
        return [(self.leaves[i]._dtype, self.leaves[i].device, self.leaves[i]._requires_grad) for i in self.tpos]

    def arrays(self):
        return [self.leaves[i]._value() for i in self.tpos]

    def key(self):
        if self.tree is None:
            return None, tuple([(l._size, l._dtype, str(l.device), l._requires_grad) for l in self.leaves])
        parts = []
        for i, l in enumerate(self.leaves):
            if isinstance(l, Tensor):
                parts.append(("T", l._size, l._dtype, str(l.device), l._requires_grad))
            else:
                try:
                    hash(l)
                    parts.append(("V", type(l), l))
                except TypeError:
                    parts.append(("O", id(l)))
        return (self.tree, tuple(parts))

    def rebuild(self, arrays):
        leaves = list(self.leaves)
        for i, a, (dt, dev, rg) in zip(self.tpos, arrays, self.meta):
            t = from_array(a, dt, dev)
            if rg:
                t.requires_grad_(True)
            leaves[i] = t
        if self.tree is None:
            return tuple(leaves), {}
        return jax.tree_util.tree_unflatten(self.tree, leaves)


def _referenced(fn):
    """Objects the function names: closure cells, globals it uses (and for bound methods, self)."""
    objs = []
    f = getattr(fn, "__func__", fn)
    if hasattr(fn, "__self__"):
        objs.append(fn.__self__)
    code = getattr(f, "__code__", None)
    if code is not None:
        g = getattr(f, "__globals__", {})
        objs += [g[n] for n in code.co_names if n in g]
        objs += [c.cell_contents for c in (f.__closure__ or ()) if _has_contents(c)]
    return objs


def _has_contents(cell):
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False


def _scan(objs):
    """Modules and optimizers among `objs` (the function's referenced objects and arguments); Python scalars."""
    from ..nn.modules.module import Module
    from ..optim.optimizer import Optimizer
    modules, optims, scalars = [], [], []
    seen = set()
    for o in objs:
        if isinstance(o, Module):
            _submodules(o, modules, seen)
        elif isinstance(o, Optimizer):
            optims.append(o)
        elif isinstance(o, (int, float, bool, str)) and not isinstance(o, Tensor):
            scalars.append(o)
    return modules, optims, tuple(scalars)


_MISSING = object()


class _Reach:
    """What a compiled function reaches (modules, optimizers, their parameters, the Python scalars it names) and
    the guards that only change with them (training flags, optimizer hyper-parameters). Kept while the objects the
    function names are the same ones and `_trace_state.epoch` (bumped by every change of a Module's attributes or
    registries, nn/modules/_registry.py) stays put; the optimizers' param groups are compared by identity on every
    call, since schedulers and users write them directly."""

    __slots__ = ("epoch", "objs", "modules", "optims", "scalars", "params", "training", "hyper", "groups", "ids",
                 "cacheable")

    def __init__(self, objs):
        from ..nn.modules._registry import Registry
        self.epoch = _trace_state.epoch
        self.objs = objs
        self.modules, self.optims, self.scalars = _scan(objs)
        # a module whose dicts were replaced by plain ones (user code) would change unseen: never cached then
        self.cacheable = all(type(m.__dict__.get(k)) is Registry for m in self.modules
                             for k in ("_parameters", "_buffers", "_modules"))
        self.params = _params(self.modules, self.optims)
        self.training = tuple(m.training for m in self.modules)
        # which objects: a replaced submodule, parameter or optimizer (same shapes or not) gets its own program;
        # the program keeps them alive (Program.reached), so their ids are not reused while it is cached
        self.ids = tuple(map(id, self.modules)), tuple(map(id, self.optims)), tuple(map(id, self.params))
        self.hyper = tuple((k, v) for o in self.optims for g in o.param_groups for k, v in sorted(g.items())
                           if k not in ("params", "lr") and isinstance(v, (int, float, bool, str, tuple, type(None))))
        self.groups = [(o.param_groups, len(o.param_groups),
                        [(g, len(g), g["params"], list(g["params"]),
                          [(k, v) for k, v in g.items() if k not in ("params", "lr")]) for g in o.param_groups])
                       for o in self.optims]

    def holds(self, objs):
        if not self.cacheable or self.epoch != _trace_state.epoch or len(objs) != len(self.objs) or not all(map(is_, objs, self.objs)):
            return False
        for o, (pg, n, groups) in zip(self.optims, self.groups):
            if o.param_groups is not pg or len(pg) != n:
                return False
            for g, glen, plist, psnap, items in groups:
                if len(g) != glen or g.get("params") is not plist or len(plist) != len(psnap) or \
                        not all(map(is_, plist, psnap)):
                    return False
                for k, v in items:
                    if g.get(k, _MISSING) is not v:
                        return False
        return True


def _params(modules, optims):
    """Parameters of the modules and optimizers a function reaches, each once."""
    seen = {}
    for m in modules:
        for p in m._parameters.values():
            if p is not None:
                seen[id(p)] = p
    for o in optims:
        for g in o.param_groups:
            for p in g["params"]:
                seen[id(p)] = p
    return list(seen.values())


class _Bindings:
    """Where each tensor a function may lift was found when its program was traced; `hold()` is False once one was
    replaced (a new `.grad`, a reassigned parameter or buffer, reloaded optimizer state): the program would read
    and write a Storage nobody sees any more, so it is traced again. Checked on every call, so it is kept to
    C-level lookups: a getter per tensor, and the identity of each optimizer's per-parameter state dicts."""

    __slots__ = ("gets", "storages", "states")

    def __init__(self, modules, optims, params):
        pairs = []
        for m in modules:
            for d in (m._parameters, m._buffers):
                for k, t in d.items():
                    if isinstance(t, Tensor):
                        pairs.append((functools.partial(d.get, k), t._storage))
        for p in params:
            if p._grad is not None:
                pairs.append((functools.partial(getattr, p, "_grad"), p._grad._storage))
        self.states = []
        for o in optims:
            self.states.append((o, o.state, list(o.state.values())))
            for st in o.state.values():
                for k, t in st.items():
                    if isinstance(t, Tensor):
                        pairs.append((functools.partial(st.get, k), t._storage))
        self.gets = [g for g, _ in pairs]
        self.storages = [s for _, s in pairs]

    def keep(self, storage_ids):
        """Only the bindings of the storages in `storage_ids` (the ones the program lifted)."""
        keep = [i for i, s in enumerate(self.storages) if id(s) in storage_ids]
        self.gets = [self.gets[i] for i in keep]
        self.storages = [self.storages[i] for i in keep]
        return self

    def hold(self):
        for o, state, dicts in self.states:
            if o.state is not state or len(state) != len(dicts) or not all(map(is_, state.values(), dicts)):
                return False
        try:
            return all(map(is_, [g()._storage for g in self.gets], self.storages))
        except AttributeError:         # one is None now
            return False


def _known_storages(r, spec):
    """The storages of every tensor a function visibly reaches (see _trace.live_storages)."""
    ts = [spec.leaves[i] for i in spec.tpos] + [o for o in r.objs if isinstance(o, Tensor)]
    for m in r.modules:
        ts += [t for d in (m._parameters, m._buffers) for t in d.values() if isinstance(t, Tensor)]
    ts += [p._grad for p in r.params if p._grad is not None]
    for o in r.optims:
        ts += [t for st in o.state.values() for t in st.values() if isinstance(t, Tensor)]
    return [t._storage for t in ts + r.params]


def _submodules(m, out, seen):
    """m.modules() (each module once), without its generator machinery: this runs on every compiled call."""
    stack = [m]
    while stack:
        m = stack.pop()
        if id(m) in seen:
            continue
        seen.add(id(m))
        out.append(m)
        stack.extend(reversed([c for c in m._modules.values() if c is not None]))


class CompiledFunction:
    def __init__(self, fn, fullgraph=False, dynamic=None, mode=None, options=None):
        self.fn = fn
        self.fullgraph = fullgraph
        self._cache = collections.OrderedDict()
        self._calls = 0
        self._eager = False
        self._recompiles = 0
        self._reached = None
        functools.update_wrapper(self, fn)
        _ALL.append(self)

    def _reach(self, args, kwargs):
        objs = _referenced(self.fn)
        for a in args:
            if not isinstance(a, Tensor):
                objs.append(a)
        for a in kwargs.values():
            if not isinstance(a, Tensor):
                objs.append(a)
        r = self._reached
        if r is None or not r.holds(objs):
            r = self._reached = _Reach(objs)
        return r

    def __call__(self, *args, **kwargs):
        if self._eager or _trace_state.current is not None or config.stance == "force_eager":
            return self.fn(*args, **kwargs)
        self._calls += 1
        if self._calls == 1 and config.warm_up:
            return self.fn(*args, **kwargs)
        spec = _ArgsSpec(args, kwargs)
        r = self._reach(args, kwargs)
        modules, optims, params = r.modules, r.optims, r.params
        key = (spec.key(), (grad_mode.is_grad_enabled(), _autocast.key()), r.scalars, r.ids,
               (r.training, tuple([p._requires_grad for p in params]), tuple([p._grad is not None for p in params]),
                tuple([len(o.state) for o in optims]), r.hyper))
        prog = self._cache.get(key)
        final = False
        if prog is not None and (prog.provisional or not prog.bindings.hold()):
            # a lifted tensor was replaced (new .grad, parameter or optimizer state), or the program's own trace
            # created the state it would read from now on: trace again
            final = prog.provisional
            del self._cache[key]
            prog = None
        if prog is None and not final:
            prog = self._grad_compatible(key, params)
            if prog is not None:
                self._cache[key] = prog     # the same program serves this pattern of present .grad too
        if prog is None:
            if len(self._cache) >= config.cache_size_limit:
                warnings.warn(f"torchlike.compile: {getattr(self.fn, '__name__', 'function')} hit the cache size limit "
                              f"({config.cache_size_limit}) and was recompiled {self._recompiles} times; evicting the "
                              "oldest program. Set torch._dynamo.config.cache_size_limit to change the limit.",
                              stacklevel=2)
                self._cache.popitem(last=False)
            if self._cache:
                self._recompiles += 1
            bindings = _Bindings(modules, optims, params)
            grads0 = [p._grad for p in params]
            prog = self._trace(spec, optims, _known_storages(r, spec))
            if prog is None:
                return self.fn(*args, **kwargs)
            lifted = set(map(id, prog.lifted))
            prog.bindings = bindings.keep(lifted)
            prog.reached = r
            # `.grad` attributes the step (re)binds (zero_grad(set_to_none), a first backward): replayed per call.
            # A .grad the step created is a new tensor after every call, as in eager mode (a reference kept from
            # the previous step keeps its values); its storage, an output of the program, stays internal.
            escaped = {id(ref()) for ref in prog.escaped if ref() is not None}
            prog.rebind = [(p, p._grad, (p._grad._size, p._grad._stride, p._grad._dtype, p._grad.device, p._grad._contig)
                            if p._grad is not None and id(p._grad._storage) in escaped else None)
                           for p, g0 in zip(params, grads0) if p._grad is not g0]
            grads = {id(p._grad._storage) for p in params if p._grad is not None}
            prog.provisional = not final and any(i not in grads for i in escaped)
            prog.grad_dependent = frozenset(id(p) for p in params if prog.grad_events.get(id(p)) == "read")
            self._cache[key] = prog
        outs = prog(spec.arrays())          # also re-binds prog.rebind's .grad attributes
        return self._outputs(prog, outs)

    def _grad_compatible(self, key, params):
        """A cached program whose guards differ from `key` only in which parameters hold a .grad, where each of
        those parameters' .grad was only ever assigned by the traced step (zero_grad(set_to_none=True) before any
        read), so it serves this call as well: a training step is traced once, not again when .grad appears."""
        have = key[4][2]
        for k, prog in self._cache.items():
            g = k[4]
            if prog.provisional or k[:4] != key[:4] or g[:2] != key[4][:2] or g[3:] != key[4][3:] or \
                    len(g[2]) != len(have):
                continue
            if all(a == b or id(p) not in prog.grad_dependent for a, b, p in zip(g[2], have, params)) and \
                    prog.bindings.hold():
                return prog
        return None

    def _trace(self, spec, optims, known):
        from .. import random as R
        from .._jax_random import _key_storage
        _key_storage(R._default())             # the RNG key exists before tracing, so it is lifted
        fn = self.fn

        def call(rebuilt):
            args, kwargs = rebuilt
            tr = _trace_state.current
            saved = []
            for o in optims:                   # learning rates enter as traced scalars
                for g in o.param_groups:
                    if isinstance(g.get("lr"), (int, float)):
                        saved.append((g, g["lr"]))
                        g["lr"] = tr.lift_scalar(_LrHolder(g, g["lr"]), "lr")
            try:
                return fn(*args, **kwargs)
            finally:
                for g, v in saved:
                    g["lr"] = v
        try:
            return Program(call, spec, spec.arrays(), donate=True, known=known)
        except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
                jax.errors.TracerBoolConversionError, jax.errors.TracerIntegerConversionError) as e:
            if self.fullgraph or not config.suppress_errors:
                raise RuntimeError(f"torchlike.compile could not trace {getattr(fn, '__name__', fn)}: it needs a "
                                   f"concrete value ({type(e).__name__}). Remove .item()/print()/data-dependent "
                                   "Python control flow from the compiled function, or do not compile it.") from e
            warnings.warn(f"torchlike.compile: {getattr(fn, '__name__', 'function')} reads tensor values in Python "
                          f"(.item(), print, `if tensor:` ...), which cannot be traced ({type(e).__name__}); running "
                          "it eagerly from now on.", stacklevel=3)
            self._eager = True
            return None

    @staticmethod
    def _outputs(prog, outs):
        if prog.out_tree.num_leaves == 1 and prog.out_t:      # the usual `return loss`
            dt, dev = prog.out_meta[0]
            return jax.tree_util.tree_unflatten(prog.out_tree, [from_array(outs[0], dt, dev)]) \
                if prog.out_tree.num_nodes > 1 else from_array(outs[0], dt, dev)
        leaves = list(prog.out_static)
        for i, a, (dt, dev) in zip(prog.out_t, outs, prog.out_meta):
            leaves[i] = from_array(a, dt, dev)
        return jax.tree_util.tree_unflatten(prog.out_tree, leaves)


class _LrHolder:
    """Reads a param group's current lr for the lifted-scalar vector (the group holds a tracer while tracing)."""

    __slots__ = ("group", "value")

    def __init__(self, group, value):
        self.group, self.value = group, value

    def __getitem__(self, key):
        v = self.group[key]
        return v if isinstance(v, (int, float)) else self.value


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False):
    """torch.compile: compile a function (a whole training step) or a Module's forward."""
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable)
    if disable or getattr(model, "_torchdynamo_disable", False):      # torch.compiler.disable'd
        return model
    from ..nn.modules.module import Module
    if isinstance(model, Module):
        from ._module import OptimizedModule
        return OptimizedModule(model)
    if not callable(model):
        raise RuntimeError("torch.compile: the argument must be a callable or an nn.Module")
    return CompiledFunction(model, fullgraph=fullgraph, dynamic=dynamic, mode=mode, options=options)
