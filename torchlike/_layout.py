"""Memory formats and PyTorch's stride rules for new results (c10 / TensorIterator / empty_like semantics).

A result in a non-contiguous dense layout is stored as its physically permuted jax array, with the permuted
strides over it (see `restride`); nothing here runs for operands that are plain contiguous.
"""
from __future__ import annotations

import functools
import math

from ._storage import contiguous_strides

__all__ = ["memory_format", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format",
           "is_contiguous_as", "is_non_overlapping_and_dense", "infer_dense_strides", "format_strides",
           "preserve_strides", "elementwise_strides", "suggest_memory_format"]


class memory_format:
    """torch.memory_format: contiguous_format, channels_last, channels_last_3d, preserve_format."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"torch.{self._name}"

    def __reduce__(self):
        return (_by_name, (self._name,))


memory_format.__module__ = "torch"
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")
_FORMATS = {f._name: f for f in (contiguous_format, channels_last, channels_last_3d, preserve_format)}


def _by_name(name):
    return _FORMATS[name]


def _check_format(fmt):
    if fmt is not None and not isinstance(fmt, memory_format):
        raise TypeError(f"memory_format must be torch.memory_format, not {type(fmt).__name__}")


# --- contiguity predicates (c10/core/Contiguity.h) ---------------------------------------------------------

def _contig_in_order(size, stride, order):
    expected = 1
    for d in order:
        n = size[d]
        if n != 1:
            if stride[d] != expected:
                return False
            expected *= n
    return True


def is_contiguous_as(size, stride, fmt):
    """t.is_contiguous(memory_format=fmt)."""
    _check_format(fmt)
    if fmt is None or fmt is contiguous_format or fmt is preserve_format:
        return 0 in size or _contig_in_order(size, stride, range(len(size) - 1, -1, -1))
    if fmt is channels_last:
        return len(size) == 4 and _contig_in_order(size, stride, (1, 3, 2, 0))
    return len(size) == 5 and _contig_in_order(size, stride, (1, 4, 3, 2, 0))


def is_non_overlapping_and_dense(size, stride):
    n = len(size)
    if n == 1:
        return size[0] < 2 or stride[0] == 1
    perm = sorted(range(n), key=lambda d: (size[d] < 2, stride[d] if size[d] >= 2 else 0))
    require = 1
    for d in perm:
        if size[d] < 2:
            return True
        if stride[d] != require:
            return False
        require *= size[d]
    return True


def _strides_like_channels_last(size, stride, order=(1, 3, 2, 0)):
    """c10's is_channels_last_strides_2d / _3d (what suggest_memory_format looks at)."""
    if len(size) != len(order) or stride[1] == 0:
        return False
    mn = 0
    for d in order:
        if size[d] == 0:
            return False
        if stride[d] < mn:
            return False
        if d == 0 and mn == stride[1]:
            return False
        mn = stride[d]
        if size[d] > 1:
            mn *= size[d]
    return True


def suggest_memory_format(size, stride):
    if len(size) == 5 and _strides_like_channels_last(size, stride, (1, 4, 3, 2, 0)):
        return channels_last_3d
    return channels_last if _strides_like_channels_last(size, stride) else contiguous_format


# --- strides of new tensors ------------------------------------------------------------------------------

def format_strides(size, fmt):
    """The strides `torch.empty(size, memory_format=fmt)` gets."""
    if fmt is None or fmt is contiguous_format or fmt is preserve_format:
        return contiguous_strides(size)
    if fmt is channels_last:
        if len(size) != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        order = (1, 3, 2, 0)
    else:
        if len(size) != 5:
            raise RuntimeError("required rank 5 tensor to use channels_last_3d format")
        order = (1, 4, 3, 2, 0)
    stride, acc = [0] * len(size), 1
    for d in order:
        stride[d] = acc
        acc *= size[d]
    return tuple(stride)


def infer_dense_strides(size, stride):
    """ATen's infer_dense_strides: dense strides keeping the stride order of (size, stride)."""
    n = len(size)
    if n == 0:
        return ()
    if n == 1:
        return (1,)

    def should_swap(d0, d1):
        s0, s1 = stride[d0], stride[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return -1 if s0 < s1 else 1
        return 1 if size[d0] > size[d1] else 0
    perm = _insertion_sort(list(range(n - 1, -1, -1)), should_swap)
    out, cur = [0] * n, 1
    for d in perm:
        out[d] = cur
        if size[d] > 1:
            cur *= size[d]
    return tuple(out)


def _insertion_sort(perm, should_swap):
    for i in range(1, len(perm)):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return perm


@functools.lru_cache(maxsize=4096)
def preserve_strides(size, stride, fmt=None):
    """The strides empty_like / clone / to(dtype) give a result of a tensor (size, stride) under memory_format."""
    _check_format(fmt)
    if fmt is None or fmt is preserve_format:
        if is_non_overlapping_and_dense(size, stride):
            return tuple(stride)
        return infer_dense_strides(size, stride)
    return format_strides(size, fmt)


@functools.lru_cache(maxsize=4096)
def elementwise_strides(shape, operands, scalars=False):
    """TensorIterator's output strides for an elementwise result of `shape` from `operands` [(size, stride)] (in
    argument order); `scalars`: some operand is a number (a 0-d operand)."""
    n = len(shape)
    if n == 0:
        return ()
    if not scalars and all(s == shape for s, _ in operands):      # fast set-up (compute_fast_setup_type)
        if all(is_contiguous_as(s, st, None) for s, st in operands):
            return contiguous_strides(shape)
        if n == 4 and all(is_contiguous_as(s, st, channels_last) for s, st in operands):
            return format_strides(shape, channels_last)
        if all(is_non_overlapping_and_dense(s, st) for s, st in operands):
            last = operands[-1][1]
            if all(st == last for _, st in operands):
                return tuple(last)
    # compute_strides: broadcast dimensions have stride 0
    full = []
    for s, st in operands:
        off = n - len(s)
        v = [0] * n
        for i, (m, k) in enumerate(zip(s, st)):
            v[off + i] = 0 if (m == 1 and shape[off + i] != 1) else k
        full.append(v)
    if n == 1:
        perm = [0]
    else:
        def should_swap(d0, d1):
            for v in full:
                s0, s1 = v[d0], v[d1]
                if s0 == 0 or s1 == 0:
                    continue
                if s0 != s1:
                    return -1 if s0 < s1 else 1
                if shape[d0] > shape[d1]:
                    return 1
            return 0
        perm = _insertion_sort(list(range(n - 1, -1, -1)), should_swap)
    if perm == list(range(n - 1, -1, -1)):
        return contiguous_strides(shape)
    out, cur = [0] * n, 1
    for d in perm:
        out[d] = cur
        cur *= shape[d]
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _transposer(perm):
    import jax
    return jax.jit(lambda a: a.transpose(perm))


@functools.lru_cache(maxsize=4096)
def physical_order(size, stride):
    """The dimension order (outermost first) in which dense strides lay the elements out in memory."""
    return tuple(sorted(range(len(size)), key=lambda d: (-stride[d], -d) if size[d] != 1 else (-math.inf, d)))


def restride(t, stride):
    """Give the fresh (contiguous, sole owner of its storage) tensor `t` the dense strides `stride`: its storage
    then holds the values physically permuted. Returns t."""
    size = t._size
    if stride == t._stride:
        return t
    from ._storage import Storage
    st = t._storage
    if is_contiguous_as(size, stride, None):        # only size-1 (or empty) dimensions move: same memory order
        t._stride, t._contig = tuple(stride), tuple(stride) == contiguous_strides(size) or math.prod(size) == 1
        return t
    logical = t._value()
    phys = _transposer(physical_order(size, stride))(logical)
    t._storage = new = Storage(phys, st.device, st.dtype)
    new.version = st.version
    t._stride, t._offset, t._contig = tuple(stride), 0, False
    t._cache = (new.version, phys, logical)       # the values as they are: no read back through the strides
    return t


def to_format(src, out, fmt):
    """`src.to(..., memory_format=fmt)` given `out`, the result without the memory format (src itself when the
    call aliases): a copy in layout fmt unless `out` is src already in that layout (ATen's to_will_alias)."""
    _check_format(fmt)
    if fmt is preserve_format:
        return out
    if out is src:
        if suggest_memory_format(src._size, src.stride()) is fmt:
            return src
        return src.clone(memory_format=fmt)
    return restride(out, format_strides(out._size, fmt))


def from_physical(phys, size, stride):
    """The fresh tensor `phys` (its values in memory order, of shape size permuted to physical order) presented as
    (size, stride)."""
    from ._tensor import Tensor
    t = Tensor._wrap(phys._storage, tuple(size), tuple(stride), 0, phys._dtype)
    t._requires_grad = phys._requires_grad
    return t


def physical_shape(size, stride):
    return tuple(size[d] for d in physical_order(size, stride))
