"""aten operators whose schema matches no torch.* function or Tensor method (torch.ops.aten.<name>), written over
the public ops with the aten semantics: `alias` is a view, `_to_copy` always copies, `slice`/`index` take the aten
argument forms, ... torch.ops resolves these before the op table (see _op_namespaces._aten_fn)."""
from __future__ import annotations


def alias(self):
    """A new tensor viewing self's storage with the same sizes and strides."""
    return self.view_as(self)


def _to_copy(self, *, dtype=None, layout=None, device=None, pin_memory=None, non_blocking=False,
             memory_format=None):
    """A copy converted to dtype/device (never self, unlike Tensor.to)."""
    kw = {} if memory_format is None else {"memory_format": memory_format}
    out = self.to(device=device, dtype=dtype, non_blocking=non_blocking, copy=True, **kw)
    return out.pin_memory() if pin_memory else out


def _pin_memory(self, device=None):
    """A pinned copy of self."""
    return self.clone().pin_memory(device)


def slice(self, dim=0, start=None, end=None, step=1):  # noqa: A001 (aten's name)
    """self[..., start:end:step, ...] along dim (a view; out-of-range bounds clamp as in Python slicing)."""
    import builtins
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    dim = dim + self.dim() if dim < 0 else dim
    return self[(builtins.slice(None),) * dim + (builtins.slice(start, end, step),)]


def index(self, indices):
    """Advanced indexing with a list of index tensors, None standing for a whole dimension."""
    import builtins
    return self[tuple(builtins.slice(None) if i is None else i for i in indices)]


def _sparse_addmm(self, mat1, mat2, *, beta=1, alpha=1):
    """beta * self + alpha * (mat1 @ mat2) (the sparse-operand overload of addmm; operands here are strided)."""
    import torchlike
    return torchlike.addmm(self, mat1, mat2, beta=beta, alpha=alpha)


ATEN = {f.__name__: f for f in (alias, _to_copy, _pin_memory, slice, index, _sparse_addmm)}
