"""View ops: new (size, stride, offset) over the same Storage, plus a pure JAX function for autograd."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from .. import _dtype as D, _torch_function
from .._size import Size
from .._storage import contiguous_strides
from .._tensor import Tensor, _wrap_dim
from ..autograd import _graph, grad_mode
from ._registry import freeze

VIEWS = {}      # name -> (python function, method?, function?)


def is_contiguous_strides(size, stride):
    """c10's contiguity rule: dimensions of size 1 (and empty tensors) do not constrain the strides."""
    if 0 in size:
        return True
    expected = 1
    for n, st in zip(reversed(size), reversed(stride)):
        if n != 1:
            if st != expected:
                return False
            expected *= n
    return True


def make_view(base, size, stride, offset, grad_name, pure, statics=(), part=None, storage=None, dtype=None):
    """A tensor aliasing `base`'s storage; `pure(x, *statics)` computes the same values from base's values.
    (storage, dtype: a reinterpretation of base's storage in another dtype, see complex_views.)"""
    size, stride = tuple(size), tuple(stride)
    out = Tensor._wrap(base._storage if storage is None else storage, size, stride, offset,
                       base._dtype if dtype is None else dtype, base=base._base if base._base is not None else base)
    if part is not None or isinstance(base, PartView):      # x.real / x.imag and views of them
        out.__class__ = PartView
        out._part = base._part if part is None else part
        if part is not None:
            out._dtype = base._dtype.to_real()
    if base._requires_grad and grad_mode.is_grad_enabled():
        k = _view_kernel(pure, freeze(statics))
        _, vjp = k(base._value())
        node = _graph.record(grad_name, out, [base], vjp)
        node._fwd = (_view_recompute, (pure, freeze(statics)))       # resolved only by create_graph
        out._version_at = out._storage.version      # a later in-place write through another alias regenerates it
    return out


_VK = {}


def _view_recompute(pure, statics):
    return ("view", pure, statics), _ViewPure(pure, statics), ()


class _ViewPure:
    """pure(diff, rest) of a view node, for create_graph's recomputation."""

    __slots__ = ("pure", "statics")

    def __init__(self, pure, statics):
        self.pure, self.statics = pure, statics

    def __call__(self, diff, rest):
        return self.pure(diff[0], *self.statics)


def _view_kernel(pure, statics):
    key = (pure, statics)
    k = _VK.get(key)
    if k is None:
        k = _VK[key] = jax.jit(lambda x: jax.vjp(lambda y: pure(y, *statics), x))
    return k


def view_op(name, method=True, function=True):
    def deco(fn):
        VIEWS[name] = (fn, method, function)
        return fn
    return deco


def _sizes(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = tuple(args[0])
    return tuple(int(a) for a in args)


def infer_size(shape, numel):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape [{', '.join(map(str, shape))}]")
    known = math.prod(s for s in shape if s != -1)
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return tuple(shape)


def compute_stride(oldshape, oldstride, newshape):
    """ATen's computeStride: strides for viewing (oldshape, oldstride) as newshape, or None if impossible."""
    if not oldshape:
        return tuple(1 for _ in newshape)
    numel = math.prod(oldshape)
    if numel == 0:
        return contiguous_strides(newshape) if oldshape != newshape else tuple(oldstride)
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base_stride = oldstride[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[tensor_d]
        if tensor_d == 0 or (oldshape[tensor_d - 1] != 1 and
                             oldstride[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base_stride
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = oldstride[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(newstride)


def _reshape_pure(x, shape):
    return x.reshape(shape)


@view_op("view")
def view(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], D.dtype) or shape and isinstance(shape[0], str):
        from .._tensor_extras import view_dtype
        return view_dtype(self, shape[0])
    shape = infer_size(_sizes(shape), self.numel())
    stride = compute_stride(self._size, self._stride, shape)
    if stride is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return make_view(self, shape, stride, self._offset, "ViewBackward0", _reshape_pure, (shape,))


@view_op("reshape")
def reshape(self, *shape):
    shape = infer_size(_sizes(shape), self.numel())
    stride = compute_stride(self._size, self._stride, shape)
    if stride is not None:
        return make_view(self, shape, stride, self._offset, "ViewBackward0", _reshape_pure, (shape,))
    from .dispatch import call
    return call("_reshape_copy", (self, shape), {})


@view_op("view_as")
def view_as(self, other):
    return view(self, other._size)


@view_op("reshape_as")
def reshape_as(self, other):
    return reshape(self, other._size)


def _transpose_pure(x, d0, d1):
    return jnp.swapaxes(x, d0, d1)


@view_op("transpose")
def transpose(self, dim0, dim1):
    n = self.dim()
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    if n == 0:
        return make_view(self, (), (), self._offset, "TransposeBackward0", _reshape_pure, ((),))
    size, stride = list(self._size), list(self._stride)
    size[d0], size[d1] = size[d1], size[d0]
    stride[d0], stride[d1] = stride[d1], stride[d0]
    return make_view(self, size, stride, self._offset, "TransposeBackward0", _transpose_pure, (d0, d1))


VIEWS["swapaxes"] = (transpose, True, True)
VIEWS["swapdims"] = (transpose, True, True)


@view_op("t")
def t(self):
    if self.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.dim()}D")
    if self.dim() < 2:
        return make_view(self, self._size, self._stride, self._offset, "TBackward0", _reshape_pure, (self._size,))
    r = transpose(self, 0, 1)
    if r._grad_fn is not None:
        r._grad_fn.__class__ = _graph.node_class("TBackward0")
    return r


def _permute_pure(x, dims):
    return jnp.transpose(x, dims)


@view_op("permute")
def permute(self, *dims):
    dims = _sizes(dims)
    n = self.dim()
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return make_view(self, [self._size[d] for d in dims], [self._stride[d] for d in dims], self._offset,
                     "PermuteBackward0", _permute_pure, (dims,))


@view_op("movedim")
def movedim(self, source, destination):
    n = self.dim()
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [_wrap_dim(s, n) for s in src]
    dst = [_wrap_dim(s, n) for s in dst]
    order = [d for d in range(n) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(self, order)


VIEWS["moveaxis"] = (movedim, True, True)


def _expand_pure(x, size):
    return jnp.broadcast_to(x, size)


@view_op("expand")
def expand(self, *sizes):
    sizes = _sizes(sizes)
    n = self.dim()
    if len(sizes) < n:
        raise RuntimeError(f"expand(torch.FloatTensor{{[{', '.join(map(str, self._size))}]}}, size=[{', '.join(map(str, sizes))}]): "
                           "the number of sizes provided (%d) must be greater or equal to the number of dimensions in "
                           "the tensor (%d)" % (len(sizes), n))
    lead = len(sizes) - n
    out_size, out_stride = [], []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   "non-existing dimension 0")
            out_size.append(s)
            out_stride.append(0)
            continue
        cur, st = self._size[i - lead], self._stride[i - lead]
        if s == -1:
            s = cur
        if cur == s:
            out_size.append(s)
            out_stride.append(st)
        elif cur == 1:
            out_size.append(s)
            out_stride.append(0)
        else:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  "
                               f"Tensor sizes: [{', '.join(map(str, self._size))}]")
    return make_view(self, out_size, out_stride, self._offset, "ExpandBackward0", _expand_pure, (tuple(out_size),))


@view_op("expand_as")
def expand_as(self, other):
    return expand(self, other._size)


@view_op("broadcast_to", method=True)
def broadcast_to(self, size):
    return expand(self, size)


@view_op("squeeze")
def squeeze(self, dim=None):
    n = self.dim()
    if dim is None:
        dims = {i for i, s in enumerate(self._size) if s == 1}
    else:
        dims = {_wrap_dim(d, n) for d in ((dim,) if isinstance(dim, int) else dim)}
        dims = {d for d in dims if n and self._size[d] == 1}
    size = tuple(s for i, s in enumerate(self._size) if i not in dims)
    stride = tuple(s for i, s in enumerate(self._stride) if i not in dims)
    return make_view(self, size, stride, self._offset, "SqueezeBackward0" if dim is None else "SqueezeBackward1",
                     _reshape_pure, (size,))


@view_op("unsqueeze")
def unsqueeze(self, dim):
    n = self.dim()
    d = _wrap_dim(dim, n + 1)
    size, stride = list(self._size), list(self._stride)
    new_stride = size[d] * stride[d] if d < n else 1
    size.insert(d, 1)
    stride.insert(d, new_stride)
    return make_view(self, size, stride, self._offset, "UnsqueezeBackward0", _reshape_pure, (tuple(size),))


@view_op("flatten")
def flatten(self, start_dim=0, end_dim=-1):
    n = self.dim()
    if n == 0:
        return reshape(self, (1,))
    s, e = _wrap_dim(start_dim, n), _wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return self
    shape = self._size[:s] + (math.prod(self._size[s:e + 1]),) + self._size[e + 1:]
    return reshape(self, shape)


@view_op("ravel")
def ravel(self):
    return view(self.contiguous(), (-1,))


@view_op("unflatten")
def unflatten(self, dim, sizes):
    n = self.dim()
    d = _wrap_dim(dim, n)
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in sizes if s != -1)
    if (-1 in sizes and (known == 0 or self._size[d] % known)) or (-1 not in sizes and known != self._size[d]):
        raise RuntimeError(f"unflatten: Provided sizes [{', '.join(map(str, sizes))}] don't multiply up to the size of "
                           f"dim {dim} ({self._size[d]}) in the input tensor")
    sizes = infer_size(sizes, self._size[d])
    return view(self, self._size[:d] + sizes + self._size[d + 1:])


def _select_pure(x, dim, index):
    return jax.lax.index_in_dim(x, index, dim, keepdims=False)


@view_op("select")
def select(self, dim, index):
    n = self.dim()
    if n == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, n)
    size = self._size[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"[{', '.join(map(str, self._size))}] at dimension {d}")
    index %= size
    return make_view(self, self._size[:d] + self._size[d + 1:], self._stride[:d] + self._stride[d + 1:],
                     self._offset + index * self._stride[d], "SelectBackward0", _select_pure, (d, index))


def _slice_pure(x, dim, start, stop, step):
    return jax.lax.slice_in_dim(x, start, stop, step, dim)


def slice_dim(self, dim, start, stop, step=1):
    """self[..., start:stop:step, ...] along dim (Python slice semantics, clamped)."""
    if step <= 0:
        raise ValueError("step must be greater than zero")
    size = self._size[dim]
    start, stop, _ = slice(start, stop).indices(size)
    stop = max(stop, start)
    length = (stop - start + step - 1) // step
    new_size = list(self._size)
    new_size[dim] = length
    new_stride = list(self._stride)
    new_stride[dim] = self._stride[dim] * step
    offset = self._offset + start * self._stride[dim]
    if 0 in new_size:   # (_storage's read kernels cannot slice past the end of the buffer, even for no elements)
        offset = min(offset, self._storage.numel)
    return make_view(self, new_size, new_stride, offset, "SliceBackward0", _slice_pure,
                     (dim, start, start + (length - 1) * step + 1 if length else start, step))


@view_op("narrow")
def narrow(self, dim, start, length):
    n = self.dim()
    d = _wrap_dim(dim, n)
    start = int(start)
    size = self._size[d]
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return slice_dim(self, d, start, start + length)


@view_op("unbind")
def unbind(self, dim=0):
    d = _wrap_dim(dim, self.dim())
    return tuple(select(self, d, i) for i in range(self._size[d]))


@view_op("split")
def split(self, split_size_or_sections, dim=0):
    d = _wrap_dim(dim, self.dim())
    size = self._size[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        bounds = [(i, min(i + step, size)) for i in range(0, size, step)] if step and size else [(0, 0)]
    else:
        secs = list(split_size_or_sections)
        if sum(secs) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size "
                               f"at dimension {d}), but got split_sizes=[{', '.join(map(str, secs))}]")
        bounds, acc = [], 0
        for s in secs:
            bounds.append((acc, acc + s))
            acc += s
    return tuple(slice_dim(self, d, a, b) for a, b in bounds)


@view_op("chunk")
def chunk(self, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: %d" % chunks)
    d = _wrap_dim(dim, self.dim())
    size = self._size[d]
    step = -(-size // chunks) if size else 1
    return split(self, step, d) if size else tuple(slice_dim(self, d, 0, 0) for _ in range(chunks))


@view_op("tensor_split")
def tensor_split(self, indices_or_sections, dim=0):
    d = _wrap_dim(dim, self.dim())
    size = self._size[d]
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        q, r = divmod(size, n)
        bounds, acc = [], 0
        for i in range(n):
            ln = q + (1 if i < r else 0)
            bounds.append((acc, acc + ln))
            acc += ln
    else:
        idx = [0] + [int(i) for i in indices_or_sections] + [size]
        bounds = [(min(a, size), min(max(a, b), size)) for a, b in zip(idx[:-1], idx[1:])]
    return tuple(slice_dim(self, d, a, b) for a, b in bounds)


def _diag_pure(x, offset, d1, d2):
    return jnp.diagonal(x, offset, d1, d2)


@view_op("diagonal")
def diagonal(self, offset=0, dim1=0, dim2=1):
    n = self.dim()
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    s1, s2 = self._size[d1], self._size[d2]
    if offset >= 0:
        length = max(min(s1, s2 - offset), 0)
        off = self._offset + (offset * self._stride[d2] if length else 0)
    else:
        length = max(min(s1 + offset, s2), 0)
        off = self._offset + (-offset * self._stride[d1] if length else 0)
    size = [s for i, s in enumerate(self._size) if i not in (d1, d2)] + [length]
    stride = [s for i, s in enumerate(self._stride) if i not in (d1, d2)] + [self._stride[d1] + self._stride[d2]]
    return make_view(self, size, stride, off, "DiagonalBackward0", _diag_pure, (offset, d1, d2))


def _as_strided_pure(x, size, stride, offset):
    from .._storage import read_view
    return read_view(x.reshape(-1), size, stride, offset)


@view_op("as_strided")
def as_strided(self, size, stride, storage_offset=None):
    size, stride = tuple(size), tuple(stride)
    off = self._offset if storage_offset is None else storage_offset
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    need = off + sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(size) else 0
    if need > self._storage.numel:
        raise RuntimeError(f"setStorage: sizes [{', '.join(map(str, size))}], strides [{', '.join(map(str, stride))}],"
                           f" storage offset {off}, and itemsize {self._dtype.itemsize} requiring a storage size of "
                           f"{need * self._dtype.itemsize} are out of bounds for storage of size "
                           f"{self._storage.numel * self._dtype.itemsize}")
    if isinstance(self, PartView):
        raise NotImplementedError("as_strided of x.real / x.imag is not supported by torchlike")
    # the pure function works on the base's own (contiguous) values only when self is contiguous from 0
    return make_view(self, size, stride, off, "AsStridedBackward0", _as_strided_pure,
                     (size, stride, off - self._offset))


@view_op("unfold", function=False)
def unfold(self, dimension, size, step):
    n = self.dim()
    d = _wrap_dim(dimension, n) if n else 0
    cur = self._size[d] if n else 1
    if size > cur:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {cur} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    count = (cur - size) // step + 1
    new_size = list(self._size)
    new_stride = list(self._stride)
    if n:
        new_size[d] = count
        new_stride[d] = self._stride[d] * step
    new_size.append(size)
    new_stride.append(self._stride[d] if n else 1)
    return make_view(self, new_size, new_stride, self._offset, "UnfoldBackward0", _unfold_pure, (d, size, step))


def _unfold_pure(x, d, size, step):
    if x.ndim == 0:
        return x.reshape(1)
    n = x.shape[d]
    count = (n - size) // step + 1
    idx = jnp.arange(count)[:, None] * step + jnp.arange(size)[None, :]
    y = jnp.take(x, idx, axis=d)              # (..., count, size, ...)
    return jnp.moveaxis(y, d + 1, -1)


# --- real / imag: aliasing views of one part of a complex storage ---------------------------------------------

class PartView(Tensor):
    """x.real / x.imag of a complex tensor: a real-dtype tensor over the complex Storage. Internally its
    size/stride/offset address complex elements (so every view op works unchanged); the public strides and
    offset are torch's, in units of real elements. Reads take one part, writes replace one part."""

    __slots__ = ()
    __torch_function__ = _torch_function._disabled_torch_function_impl     # internal: no dispatch of its own

    def _complex(self):
        return Tensor._value(self)

    def _value(self):
        v = Tensor._value(self)
        return jnp.imag(v) if self._part else jnp.real(v)

    def _assign(self, value):
        cur = Tensor._value(self)
        value = jnp.broadcast_to(jnp.asarray(value).astype(self._dtype.np), self._size)
        new = jax.lax.complex(jnp.real(cur), value) if self._part else jax.lax.complex(value, jnp.imag(cur))
        dtype = self._dtype
        self._dtype = D.from_numpy_dtype(cur.dtype)
        try:
            Tensor._assign(self, new)
        finally:
            self._dtype = dtype

    def stride(self, dim=None):
        st = tuple(2 * s for s in self._stride)
        return st if dim is None else st[_wrap_dim(dim, len(st))]

    def storage_offset(self):
        return 2 * self._offset + self._part

    def is_contiguous(self, memory_format=None):
        return is_contiguous_strides(self._size, self.stride())

    def data_ptr(self):
        return id(self._storage) * 64 + self.storage_offset() * self._dtype.itemsize

    def _same(self, base, keep_grad):
        t = Tensor._wrap(self._storage, self._size, self._stride, self._offset, self._dtype, base=base,
                         contig=self._contig)
        t.__class__ = PartView
        t._part = self._part
        return t

    def detach(self):
        return self._same(self._base, False)

    @property
    def data(self):
        return self._same(None, False)

    def numpy(self, *, force=False):
        if force:
            return self.detach().cpu().numpy()
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        from .._storage import numpy_view
        flat = self._storage.flat_numpy().view(self._dtype.np)
        return numpy_view(flat, self._size, self.stride(), self.storage_offset())


def _part_pure(x, part):
    return jnp.imag(x) if part else jnp.real(x)


def _part(self, part):
    if not self._dtype.is_complex:
        if part:
            raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
        return self
    return make_view(self, self._size, self._stride, self._offset, "SelectBackward0", _part_pure, (part,), part=part)


def _set_part(part):
    def setter(self, value):
        _part(self, part).copy_(value)
    return setter


@view_op("real")
def real(input):
    return _part(input, 0)


@view_op("imag")
def imag(input):
    return _part(input, 1)


Tensor.real = property(real, _set_part(0))
Tensor.imag = property(imag, _set_part(1))
VIEWS["real"] = (real, False, True)
VIEWS["imag"] = (imag, False, True)


def _T(self):
    n = self.dim()
    if n not in (0, 2):
        import warnings
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                      "and it will throw an error in a future release.", UserWarning, stacklevel=2)
    return permute(self, tuple(range(n - 1, -1, -1)))


def _mT(self):
    if self.dim() < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


def _H(self):
    from .dispatch import call
    return call("conj", (_T(self),), {}) if self._dtype.is_complex else _T(self)


def _mH(self):
    """x.mH: the conjugate transpose of the last two dims (a view for real tensors; a conjugated copy for complex
    ones, since torchlike has no lazy conjugate bit)."""
    from .dispatch import call
    return call("conj", (_mT(self),), {}) if self._dtype.is_complex else _mT(self)


PROPERTIES = {"T": _T, "mT": _mT, "H": _H, "mH": _mH}


@view_op("positive")
def positive(input):
    """torch.positive: the input itself."""
    if input._dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@view_op("conj")
def conj(input):
    """The input itself when real; a conjugated copy when complex (torchlike has no lazy conjugate bit)."""
    if not input._dtype.is_complex:
        return input
    from .dispatch import call
    return call("conj", (input,), {})
