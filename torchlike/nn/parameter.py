"""nn.Parameter and nn.Buffer: Tensor subclasses that modules register automatically."""
from __future__ import annotations

from .._tensor import Tensor


def _share(cls, data, requires_grad):
    """A `cls` tensor sharing `data`'s storage (no copy), as torch's Parameter does."""
    if data is None:
        from .._ops.creation import empty
        data = empty(0)
    t = cls._wrap(data._storage, data._size, data._stride, data._offset, data._dtype, contig=data._contig)
    t._requires_grad = bool(requires_grad)
    return t


class Parameter(Tensor):
    """A Tensor that is a module parameter: requires grad by default, repr 'Parameter containing:'."""

    def __new__(cls, data=None, requires_grad=True):
        return _share(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        from .._tensor import Tensor as _T
        data = _T._wrap(self._storage, self._size, self._stride, self._offset, self._dtype, contig=self._contig)
        return (_rebuild_parameter, (data, self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        r = type(self)(self.data.clone(), self._requires_grad)
        memo[id(self)] = r
        return r


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class Buffer(Tensor):
    """nn.Buffer(data, persistent=True): assigning one to a module attribute registers a buffer."""

    def __new__(cls, data=None, *, persistent=True):
        t = _share(Tensor, data, False) if data is not None else None
        b = _share(cls, t, False)
        b.persistent = persistent
        return b

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    """Placeholder for lazy modules (not supported yet: raises when used)."""


class UninitializedBuffer(Buffer):
    """Placeholder for lazy modules (not supported yet: raises when used)."""
