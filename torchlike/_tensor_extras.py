"""Tensor methods and properties PyTorch programs touch beyond the op table: layout, device flags, resize_,
fill_diagonal_, view(dtype), pinning/sharing (CPU semantics), apply_, post-accumulate-grad hooks."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from . import _dtype as D
from ._tensor import Tensor, from_array
from ._types import strided
from .autograd import grad_mode

Tensor.layout = strided
Tensor.is_mps = property(lambda self: self.device.type == "mps")
Tensor.is_xpu = property(lambda self: self.device.type == "xpu")
Tensor.is_mkldnn = False
Tensor.is_nested = False


def is_inference(self):
    """True for tensors made inside torch.inference_mode()."""
    return bool(self.__dict__.get("_inference", False))


def pin_memory(self, device=None):
    """CPU-only build semantics: pinning needs an accelerator."""
    from .cuda import is_available
    if not is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    out = self.clone() if not self.__dict__.get("_pinned") else self
    out._pinned = True
    return out


def is_pinned(self, device=None):
    return bool(self.__dict__.get("_pinned", False))


def share_memory_(self):
    """Marks the storage shared (its values already live in one buffer that every alias reads); returns self."""
    if self.device.type == "cpu":
        _SHARED[id(self._storage)] = self._storage
    return self


_SHARED = {}      # id -> Storage marked shared (kept alive with it: shared memory outlives its first user)


def is_shared(self):
    return _SHARED.get(id(self._storage)) is self._storage


def resize_(self, *sizes, memory_format=None):
    """Resize in place: kept elements stay (in flat order), new ones are uninitialised (zeros here)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(s) for s in sizes)
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                           f"[{', '.join(map(str, sizes))}]")
    if self._requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError("cannot resize variables that require grad")
    if sizes == self._size:
        return self
    n = math.prod(sizes)
    flat = self.detach().reshape(-1)._value()
    data = jnp.zeros((n,), self._dtype.np).at[:min(n, flat.shape[0])].set(flat[:n])
    fresh = from_array(data.reshape(sizes), self._dtype, self.device)
    self._storage, self._size, self._stride, self._offset = fresh._storage, fresh._size, fresh._stride, 0
    self._contig, self._cache, self._base = True, None, None
    return self


def resize_as_(self, the_template, memory_format=None):
    return resize_(self, the_template._size)


def fill_diagonal_(self, fill_value, wrap=False):
    """torch's fill_diagonal_: all dims equal (or 2-D); `wrap` restarts the diagonal of tall matrices."""
    if self.dim() < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.dim() > 2 and len(set(self._size)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    from ._ops.dispatch import check_leaf_inplace
    check_leaf_inplace(self)
    size = self._size
    v = self.detach()._value()
    if self.dim() == 2:
        rows, cols = size
        n = min(rows, cols)
        idx = np.arange(n)
        r, c = idx, idx
        if wrap and rows > cols + 1:
            step = cols + 1
            r = np.concatenate([np.arange(start, min(start + cols, rows)) for start in range(0, rows, step)])
            c = np.concatenate([np.arange(min(cols, rows - start)) for start in range(0, rows, step)])
        v = v.at[r, c].set(fill_value)
    else:
        i = np.arange(size[0])
        v = v.at[(i,) * self.dim()].set(fill_value)
    self._assign(v)
    return self


def apply_(self, callable):  # noqa: A002
    """Applies a Python function to each element, in place (CPU tensors only, as in PyTorch)."""
    if self.device.type != "cpu":
        raise TypeError("apply_ is only implemented on CPU tensors")
    a = np.array(self.detach()._numpy_copy())
    out = np.vectorize(lambda x: callable(x.item() if hasattr(x, "item") else x), otypes=[a.dtype])(a) \
        if a.size else a
    self._assign(jnp.asarray(out))
    return self


def register_post_accumulate_grad_hook(self, hook):
    """hook(tensor) runs after the gradient has been accumulated into this leaf's .grad."""
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self._grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    from .autograd._graph import _Handle
    hooks = self.__dict__.setdefault("_post_acc_hooks", [])
    hooks.append(hook)
    return _Handle(hooks, hook)


def view_dtype(self, dtype):
    """x.view(dtype): the same bytes read as another dtype (torch's rules on the last dimension when the
    element sizes differ). torchlike's result holds its own copy of the bytes."""
    d = D.to_dtype(dtype)
    src = self._dtype
    a, b = D.scalar_type_name(src), D.scalar_type_name(d)
    if d.itemsize != src.itemsize:
        if self.dim() == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {a} as {b} (different element sizes)")
        if self._stride[-1] != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 to view {a} as {b} (different element sizes), but got "
                               f"{self._stride[-1]}")
        if (self._size[-1] * src.itemsize) % d.itemsize:
            raise RuntimeError(f"self.size(-1) must be divisible by {d.itemsize // src.itemsize} to view {a} as "
                               f"{b} (different element sizes), but got {self._size[-1]}")
    v = np.ascontiguousarray(np.asarray(self.detach()._value()))
    out = v.view(d.np)
    return from_array(jnp.asarray(out), d, self.device)


for _f in (is_inference, pin_memory, is_pinned, share_memory_, is_shared, resize_, resize_as_, fill_diagonal_,
           apply_, register_post_accumulate_grad_hook):
    if _f.__name__ not in Tensor.__dict__:
        setattr(Tensor, _f.__name__, _f)
