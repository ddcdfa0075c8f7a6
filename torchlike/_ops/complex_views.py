"""view_as_real / view_as_complex: views that reinterpret a Storage's elements (a complex number as two reals and
back), aliasing it both ways, as PyTorch's do.

A _PairStorage presents another Storage's values in the other dtype: reads convert the source's array (memoised
while it is unchanged), writes convert back into the source, the version counter is the source's, and a source
shared with NumPy is viewed through NumPy's own dtype reinterpretation (no copy at all)."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype as D
from .._storage import Storage
from .views import VIEWS, make_view


class _PairStorage(Storage):
    __slots__ = ("_src", "_to_real", "_memo")

    def __init__(self, src, dtype, to_real):          # (no Storage.__init__: the source owns the values)
        self._src, self._to_real, self._memo = src, to_real, None
        self.dtype, self.device = dtype, src.device

    # the values, converted from / into the source's ------------------------------------------------------
    @property
    def _data(self):
        src = self._src._data
        if src is None:
            return None
        m = self._memo
        if m is not None and m[0] is src:
            return m[1]
        a = src.reshape(-1)
        if self._to_real:
            v = jnp.stack([jnp.real(a), jnp.imag(a)], -1).reshape(-1)
        else:
            k = a.size // 2
            v = lax.complex(a[0:2 * k:2], a[1:2 * k:2])
        self._memo = (src, v)
        return v

    @_data.setter
    def _data(self, value):
        src = self._src
        old = src._data
        v = jnp.asarray(value).reshape(-1)
        if self._to_real:
            v = v.reshape(-1, 2)
            new = lax.complex(v[:, 0], v[:, 1])
        else:
            new = jnp.stack([jnp.real(v), jnp.imag(v)], -1).reshape(-1)
            if new.size != old.size:                    # an odd-length real source keeps its last element
                new = old.reshape(-1).at[:new.size].set(new)
        src._data = new.astype(old.dtype).reshape(old.shape)
        self._memo = None

    @property
    def _np(self):
        flat = self._src._np
        if flat is None:
            return None
        if not self._to_real:
            flat = flat[:flat.size // 2 * 2]
        return flat.view(self.dtype.np)

    @_np.setter
    def _np(self, value):
        raise RuntimeError("internal: a reinterpreting storage has no NumPy buffer of its own")

    @property
    def version(self):
        return self._src.version

    @version.setter
    def version(self, v):
        self._src.version = v

    @property
    def numel(self):
        n = self._src.numel
        return 2 * n if self._to_real else n // 2

    def flat_numpy(self):
        self._src.flat_numpy()
        return self._np

    def jax_array(self):
        if self._src._np is not None:
            return jnp.asarray(np.array(self._np))
        return self._data

    def set_array(self, arr):
        if self._src._np is not None:
            self._np[...] = np.asarray(arr).reshape(-1)
        else:
            self._data = arr
        self.version += 1


def _reinterpret(storage, dtype, to_real):
    if isinstance(storage, _PairStorage) and storage._to_real != to_real:
        return storage._src                       # view_as_complex(view_as_real(x)) is x's storage again
    return _PairStorage(storage, dtype, to_real)


def _as_real_pure(x):
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


def _as_complex_pure(x):
    return lax.complex(x[..., 0], x[..., 1])


def _scalar_name(d):
    from .dispatch import scalar_name
    return scalar_name(d)


def view_as_real(input):
    if not input._dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    real = input._dtype.to_real()
    st = _reinterpret(input._storage, real, True)
    return make_view(input, input._size + (2,), tuple(2 * s for s in input._stride) + (1,), 2 * input._offset,
                     "ViewAsRealBackward0", _as_real_pure, storage=st, dtype=real)


def view_as_complex(input):
    d = input._dtype
    if d not in (D.float32, D.float64):
        raise RuntimeError("view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {_scalar_name(d)}")
    size, stride = input._size, input.stride()
    if not size or size[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if stride[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in stride[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    cd = D.complex64 if d is D.float32 else D.complex128
    st = _reinterpret(input._storage, cd, False)
    return make_view(input, size[:-1], tuple(s // 2 for s in stride[:-1]), input._offset // 2,
                     "ViewAsComplexBackward0", _as_complex_pure, storage=st, dtype=cd)


VIEWS["view_as_real"] = (view_as_real, False, True)
VIEWS["view_as_complex"] = (view_as_complex, False, True)
