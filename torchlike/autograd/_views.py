"""In-place ops on views under autograd: PyTorch's CopySlices.

When `view` (a view of `base`) is overwritten in place by `result`, the base's history becomes a CopySlices node:
its gradient flows to the old base everywhere except the view's region, and to `result` inside the region. The view
then becomes an AsStrided view of the new base history.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._graph import PyVJP, record


def _storage_index(t):
    """Storage positions of t's elements (row-major), as a NumPy int array of t's shape."""
    idx = np.full(t._size, t._offset, dtype=np.int64)
    for d, (n, st) in enumerate(zip(t._size, t._stride)):
        shape = [1] * len(t._size)
        shape[d] = n
        idx = idx + (np.arange(n, dtype=np.int64) * st).reshape(shape)
    return idx


def region(base, view):
    """Flat positions in `base` (row-major) of `view`'s elements, shaped like `view`."""
    v = _storage_index(view)
    if base._contig:
        return v - base._offset
    b = _storage_index(base).reshape(-1)
    inv = np.full(int(b.max(initial=0)) + 1 if b.size else 1, -1, dtype=np.int64)
    inv[b] = np.arange(b.size, dtype=np.int64)
    return inv[v]


@jax.jit
def _split(ct, pos):
    flat = ct.reshape(-1)
    inside = flat[pos.reshape(-1)].reshape(pos.shape)
    outside = flat.at[pos.reshape(-1)].set(0).reshape(ct.shape)
    return outside, inside


@jax.jit
def _scatter(ct, pos, zeros):
    return zeros.reshape(-1).at[pos.reshape(-1)].add(ct.reshape(-1)).reshape(zeros.shape)


class _CopySlicesVJP(PyVJP):
    __slots__ = ("pos",)

    def __init__(self, pos):
        self.pos = pos

    def __call__(self, ct):
        return _split(ct, self.pos)

    def graph(self, cts):
        from ._graph import call_pure
        pos = self.pos
        out, inside = call_pure("CopySlicesBackward", ("copy_slices_bwd",), _split_pure, [cts[0]], (pos,))
        return [out, inside]


class _AsStridedVJP(PyVJP):
    __slots__ = ("pos", "shape", "dtype")

    def __init__(self, pos, shape, dtype):
        self.pos, self.shape, self.dtype = pos, shape, dtype

    def __call__(self, ct):
        return (_scatter(ct, self.pos, jnp.zeros(self.shape, self.dtype)),)

    def graph(self, cts):
        from ._graph import call_pure
        return [call_pure("AsStridedScatterBackward0", ("as_strided_bwd", self.shape), _scatter_pure, [cts[0]],
                          (self.pos, jnp.zeros(self.shape, self.dtype)))]


def _split_pure(d, rest):
    return _split(d[0], rest[0])


def _scatter_pure(d, rest):
    return _scatter(d[0], rest[0], rest[1])


def copy_slices(base, view, result):
    """`view` (aliasing `base`) was overwritten with `result`: rewrite both histories as PyTorch does."""
    pos = jnp.asarray(region(base, view))
    old = _Snapshot(base)
    node = record("CopySlices", base, [old, result], _CopySlicesVJP(pos))
    node._inputs = [None, result]        # the snapshot only provided the edge to the old history
    record("AsStridedBackward0", view, [base], _AsStridedVJP(pos, base._size, base._dtype.np))
    view._version_at = view._storage.version


def refresh_view(view):
    """A view whose storage was written through another alias since its grad_fn was made: its history is now a
    view of the base's current history (PyTorch regenerates it the same way)."""
    base = view._base
    view._version_at = view._storage.version
    if base is None or base._grad_fn is None or view._grad_fn is None:
        return
    pos = jnp.asarray(region(base, view))
    record("AsStridedBackward0", view, [base], _AsStridedVJP(pos, base._size, base._dtype.np))


class _Snapshot:
    """The base's autograd identity before the write (its old grad_fn / leaf accumulator)."""

    __slots__ = ("_requires_grad", "_grad_fn", "_out_nr", "__dict__")

    def __init__(self, t):
        self._requires_grad = t._requires_grad
        self._grad_fn = t._grad_fn
        self._out_nr = t._out_nr
        if t._grad_fn is None and t._requires_grad:
            from ._graph import _edge
            self.__dict__["_accumulate"] = _edge(t)[0]
