"""Tracing a Python function over torchlike tensors into one jaxpr, with the state it touches lifted out.

While `fn` runs under `jax.make_jaxpr`, every tensor op runs on tracers. Pre-existing tensors the function reads
(parameters, .grad, optimizer state, buffers, the RNG key) enter the trace as concrete arrays, which JAX records
as constants of the jaxpr: we map each such constant back to the Storage it came from (by identity) and pass the
storage's *current* array in its place on every call. Storages whose array was replaced during the trace were
written: their final values become outputs, written back after each call. Storages created during the trace that
are still alive at its end (e.g. new `.grad` tensors, lazily created optimizer state) escaped: their values are
outputs too. Python scalars named in `lift_scalar` (optimizer learning rates) enter through a small input vector,
so a scheduler changing them does not retrace.
"""
from __future__ import annotations

import gc
import weakref
from itertools import compress, repeat
from operator import is_

import jax
import numpy as np

from .. import _trace_state
from .._storage import Storage, no_interrupt, scrub_consumed, unshared
from .._tensor import Tensor, _host_copy

POOL = 16          # lifted Python scalars per compiled function
_UNSET = object()


def _noref():
    return _UNSET


def live_storages():
    """Every Storage alive, except ones frozen into the garbage collector's permanent generation: torchlike's import
    froze the objects that existed then (no Storage among them), so gc.get_objects() lists only later ones. Should
    something else freeze objects later, the storages the caller knows of (parameters, buffers, .grad, optimizer
    state, arguments) are snapshotted anyway, and a read of any other is noticed (an array the trace cannot place),
    which makes Program call `unfreeze_foreign` and trace again."""
    objs = gc.get_objects()
    return list(compress(objs, map(is_, map(type, objs), repeat(Storage))))


def unfreeze_foreign():
    """True (after unfreezing everything) when objects other than torchlike's import-time ones are frozen. Slow
    (gc.get_freeze_count walks the permanent generation): only called when a trace read an array it cannot place."""
    from .. import _FROZEN_AT_IMPORT
    if gc.get_freeze_count() > _FROZEN_AT_IMPORT:
        gc.unfreeze()                # freezing only ever saves time
        return True
    return False


def _alive(refs):
    return [st for st in (r() for r in refs) if st is not None]


class Trace:
    """The bookkeeping of one trace (see module doc)."""

    def __init__(self, pool):
        self.pool = pool
        self.scalars = []            # (holder, key) per used pool slot
        self.numpy = {}              # id(storage) -> (storage, np buffer, jax array standing in for it)
        self.created = []            # weak references to every Storage created while tracing
        self.created_data = set()    # ids of the arrays they were created with (constants of the trace)
        self.grad_events = {}        # id(tensor) -> how the trace first touched its .grad ("read" / "set")

    # -- hooks called by the library while tracing -----------------------------------------------------------
    def lift_scalar(self, holder, key):
        """holder[key] (a Python number) as a traced float64 scalar read afresh on every call."""
        for i, (h, k) in enumerate(self.scalars):
            if h is holder and k == key:
                return self.pool[i]
        if len(self.scalars) >= POOL:
            return holder[key]
        self.scalars.append((holder, key))
        return self.pool[len(self.scalars) - 1]

    def _enter_numpy(self, st):
        e = self.numpy.get(id(st))
        if e is None:
            with jax.ensure_compile_time_eval():       # a concrete array (a constant of the jaxpr we can map)
                arr = jax.device_put(np.array(st._np))
            e = self.numpy[id(st)] = (st, st._np, arr)
            st._np, st._data = None, arr
        return e

    def read_numpy_storage(self, t):
        self._enter_numpy(t._storage)
        return t._value()

    def detach_numpy(self, st):
        self._enter_numpy(st)

    def restore_numpy(self):
        for st, buf, _ in self.numpy.values():
            st._np, st._data = buf, None


class Program:
    """A traced function: the jaxpr, where its inputs come from and where its outputs go."""

    def __init__(self, fn, args_spec, arg_arrays, donate, known=()):
        self.fn = fn
        self.known = known         # Storages the caller knows the function may touch (see live_storages)
        self.args_spec = args_spec
        self.donate = donate
        self.bindings = None       # compile's _Bindings, set by the caller: they must hold for a cache hit
        self.rebind = ()           # (parameter, .grad tensor) pairs re-bound after each run (_rebind)
        self.provisional = False   # the trace created state (not .grad) that later calls must read: retrace once
        self.grad_dependent = frozenset()   # ids of parameters whose initial .grad the trace read
        if self._build(arg_arrays) and unfreeze_foreign():
            self._build(arg_arrays)     # a Storage frozen by someone else may have been missed: look again
        self.known = ()

    def _build(self, arg_arrays):
        fn = self.fn
        snap = {id(st): (st, st._data, st.version) for st in self.known}
        snap.update({id(st): (st, st._data, st.version) for st in live_storages()})
        info = {}

        def traced(arrays, pool):
            trace = Trace(pool)
            _trace_state.current = trace
            info["trace"] = trace
            try:
                out = fn(self.args_spec.rebuild(arrays))
            finally:
                _trace_state.current = None
            from .._jax_bridge import _is_tensor
            from .._tensor import Tensor
            leaves, tree = jax.tree_util.tree_flatten(out, is_leaf=_is_tensor)
            out_t = [i for i, l in enumerate(leaves) if isinstance(l, Tensor)]
            info["out"] = (tree, leaves, out_t, [(leaves[i]._dtype, leaves[i].device) for i in out_t])
            out_arrays = [leaves[i]._value() for i in out_t]
            for i in out_t:
                leaves[i] = None
            out = None
            gc.collect(1)                  # temporaries of the trace are young: drop their cycles
            written, w_arrays = [], []
            for st, data0, v0 in snap.values():
                if id(st) in trace.numpy:
                    arr0 = trace.numpy[id(st)][2]
                    if st._data is not arr0:
                        written.append(st)
                        w_arrays.append(st._data)
                elif st._data is not data0:
                    written.append(st)
                    w_arrays.append(st._data)
            escaped, e_arrays = [], []
            for st in _alive(trace.created):
                if id(st) not in snap and isinstance(st._data, jax.core.Tracer):
                    escaped.append(st)
                    e_arrays.append(st._data)
            info["written"], info["escaped"] = written, escaped
            return out_arrays, w_arrays, e_arrays

        pool0 = np.zeros((POOL,), np.float64)
        try:
            closed = jax.make_jaxpr(traced)(arg_arrays, pool0)
        finally:
            _trace_state.current = None
            tr = info.get("trace")
            if tr is not None:
                tr.restore_numpy()
            for st, data0, v0 in snap.values():        # the trace did not really run: undo its writes
                if tr is None or id(st) not in tr.numpy:
                    st._data, st.version = data0, v0
            if tr is not None:
                self._scrub_escaped([st for st in _alive(tr.created) if id(st) not in snap])
        trace = info["trace"]
        self.grad_events = dict(trace.grad_events)
        by_array = {id(d0): st for st, d0, _ in snap.values() if d0 is not None}
        by_array.update({id(e[2]): e[0] for e in trace.numpy.values()})
        self.const_src = []          # per const: Storage (lifted) or None (fixed)
        fixed = []
        unplaced = False
        for c in closed.consts:
            st = by_array.get(id(c))
            self.const_src.append(st)
            fixed.append(None if st is not None else c)
            unplaced = unplaced or (st is None and isinstance(c, jax.Array) and id(c) not in trace.created_data)
        self.numpy_ids = {id(e[0]) for e in trace.numpy.values()}
        self.scalars = list(trace.scalars)
        self.written = list(info["written"])
        self.escaped = [weakref.ref(st) for st in info["escaped"]]
        self.out_tree, leaves, self.out_t, self.out_meta = info["out"]
        self.out_static = [None if i in self.out_t else leaves[i] for i in range(len(leaves))]
        jaxpr = self.jaxpr = closed.jaxpr      # (also read by torch.jit's .graph)
        lifted_pos = [i for i, s in enumerate(self.const_src) if s is not None]
        self.lifted = [self.const_src[i] for i in lifted_pos]
        self.lifted_shapes = [closed.consts[i].shape for i in lifted_pos]

        def run(lifted, arrays, pool):
            consts = list(fixed)
            for i, v in zip(lifted_pos, lifted):
                consts[i] = v
            flat = jax.tree_util.tree_leaves((arrays, pool))
            outs = jax.core.eval_jaxpr(jaxpr, consts, *flat)
            return outs
        self.n_out = len(self.out_t)
        self.n_written = len(self.written)
        self.run_fn = run
        # Only the lifted arrays the program replaces are donated (their storages get the outputs); read-only ones
        # (input data, frozen weights) stay valid for everyone else holding them.
        written = set(map(id, self.written))
        self.donate_mask = mask = tuple(id(st) in written for st in self.lifted)
        pos = {id(st): i for i, st in enumerate(self.lifted)}
        self._written_pos = [pos.get(id(st), -1) for st in self.written]   # its lifted slot, or -1
        # per lifted slot: a weak reference to the array last passed in / written back (weak, so that it does not
        # count as a second owner when another program wants to donate that array)
        self._last = [_noref] * len(self.lifted)
        self._pool_vals = self._pool_arr = None
        self._donated_pos = [i for i, m in enumerate(mask) if m]
        self._donated_storages = [self.lifted[i] for i in self._donated_pos]
        self._kept_pos = [i for i, m in enumerate(mask) if not m]

        def run_split(donated, kept, arrays, pool):
            it, jt = iter(donated), iter(kept)
            return run([next(it) if m else next(jt) for m in mask], arrays, pool)
        self._run_split = run_split
        self.jitted = jax.jit(run_split, donate_argnums=(0,) if self.donate else ())
        self._jitted_keep = None     # the same program without donation, built when an array is shared
        return unplaced

    @staticmethod
    def _scrub_escaped(escaped):
        """Escaped storages hold tracers until the first real call fills them: never leave a tracer behind."""
        for st in escaped:
            if isinstance(st._data, jax.core.Tracer):     # NumPy zeros: no XLA compile per shape
                st._data = jax.device_put(np.zeros(st._data.shape, st._data.dtype))

    @staticmethod
    def _current(st, shape):
        """A lifted storage's values in the shape the trace saw (a storage may have moved between a jax array of
        any shape and a flat NumPy buffer since)."""
        if st._np is None:
            a = st._data
        else:                        # a private host copy of the NumPy buffer (see Tensor._value)
            a = _host_copy(np.array(st._np))
        return a if a.shape == shape else a.reshape(shape)

    def _pool(self):
        """The lifted Python scalars' current values, as a device array reused while they stay the same."""
        vals = tuple([float(h[k]) for h, k in self.scalars])
        if vals != self._pool_vals:
            pool = np.zeros((POOL,), np.float64)
            pool[:len(vals)] = vals
            self._pool_vals, self._pool_arr = vals, jax.device_put(pool)
        return self._pool_arr

    def _inputs(self):
        """(donated, kept) lifted arrays for a call. When every storage still holds the array the previous call
        gave it (or read from it), nothing needs checking."""
        last = self._last
        datas = [st._data for st in self.lifted]
        # (a dead weak reference reads as _UNSET: its storage may now hold None, having moved to a NumPy buffer)
        if not all(map(is_, datas, [_UNSET if (a := r()) is None else a for r in last])):
            for i, (st, shp) in enumerate(zip(self.lifted, self.lifted_shapes)):
                if datas[i] is None or datas[i] is not last[i]():
                    datas[i] = self._current(st, shp)
                    # a private copy of a NumPy buffer is read afresh next time
                    last[i] = _noref if st._np is not None else weakref.ref(datas[i])
        return [datas[i] for i in self._donated_pos], [datas[i] for i in self._kept_pos]

    def __call__(self, arg_arrays):
        donated, kept = self._inputs()
        jitted = self.jitted
        if self.donate and donated and not unshared(donated, self._donated_storages):
            jitted = self._jitted_keep
            if jitted is None:
                jitted = self._jitted_keep = jax.jit(self._run_split)
        pool = self._pool()
        n = self.n_out
        # donation deletes the old arrays when the call starts: no Ctrl-C until every storage holds its new one
        with no_interrupt():
            try:
                outs = jitted(donated, kept, arg_arrays, pool)
            except BaseException as e:
                if jitted is self.jitted and self.donate:
                    scrub_consumed(self._donated_storages, e)
                raise
            self._write_back(outs[n:])
            self._rebind()
        return outs[:n]

    def _rebind(self):
        """The `.grad` attributes the step (re)binds (compile's __call__ sets `rebind`): with the write-back, so
        that a Ctrl-C cannot leave parameters without the .grad the next call's program expects."""
        for p, g, fresh in self.rebind:
            if fresh is None:
                p._grad = g
            else:
                size, stride, dt, dev, contig = fresh
                p._grad = Tensor._wrap(Storage(g._storage._data, dev, dt), size, stride, 0, dt, contig=contig)

    def _write_back(self, outs):
        w = self.n_written
        last = self._last
        for st, arr, i in zip(self.written, outs[:w], self._written_pos):
            st.set_array(arr)
            if i >= 0 and st._np is None:
                last[i] = weakref.ref(arr)
        for ref, arr in zip(self.escaped, outs[w:]):
            st = ref()
            if st is not None:
                st.set_array(arr)


class _ProgramVJP:
    """Forward-with-VJP of a Program w.r.t. some lifted inputs and some argument arrays (compiled modules)."""

    def __init__(self, prog, lift_mask, arg_mask):
        self.prog, self.lift_mask, self.arg_mask = prog, tuple(lift_mask), tuple(arg_mask)
        lm, am = self.lift_mask, self.arg_mask
        run = prog.run_fn
        n = prog.n_out

        def merge(mask, d, r):
            it, jt = iter(d), iter(r)
            return [next(it) if m else next(jt) for m in mask]

        def fwd(ld, lr, ad, ar, pool):
            def f(ld_, ad_):
                outs = run(merge(lm, ld_, lr), merge(am, ad_, ar), pool)
                return tuple(outs[:n]), tuple(outs[n:])
            res, vjp, aux = jax.vjp(f, ld, ad, has_aux=True)
            return res, aux, vjp
        self.jitted = jax.jit(fwd)

    def __call__(self, arg_arrays):
        prog = self.prog
        lifted = [prog._current(st, shp) for st, shp in zip(prog.lifted, prog.lifted_shapes)]
        pool = prog._pool()
        ld = [v for v, m in zip(lifted, self.lift_mask) if m]
        lr = [v for v, m in zip(lifted, self.lift_mask) if not m]
        ad = [v for v, m in zip(arg_arrays, self.arg_mask) if m]
        ar = [v for v, m in zip(arg_arrays, self.arg_mask) if not m]
        res, aux, vjp = self.jitted(ld, lr, ad, ar, pool)
        prog._write_back(list(aux))
        return list(res), vjp
