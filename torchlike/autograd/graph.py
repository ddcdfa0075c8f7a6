"""torch.autograd.graph: the Node base class of grad_fn objects, gradient edges, saved-tensor hooks and
multi-tensor gradient hooks.

Saved-tensor hooks: `pack_hook` runs on each tensor a custom autograd.Function saves (ctx.save_for_backward) and
`unpack_hook` when its backward reads ctx.saved_tensors, as in PyTorch. Built-in ops keep what their backward
needs inside their VJP (jax residuals), which the hooks do not see.
"""
from __future__ import annotations

import contextlib
import threading
from typing import NamedTuple

from ._graph import Node  # noqa: F401

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks", "register_multi_grad_hook",
           "allow_mutation_on_saved_tensors", "Node", "GradientEdge", "get_gradient_edge", "increment_version"]

_STATE = threading.local()


def _stack():
    s = getattr(_STATE, "stack", None)
    if s is None:
        s = _STATE.stack = []
        _STATE.disabled = None
    return s


def current_hooks():
    """The innermost (pack_hook, unpack_hook) pair, or None."""
    s = _stack()
    return s[-1] if s else None


class saved_tensors_hooks:  # noqa: N801
    """Within the block, tensors saved for backward pass through pack_hook (and unpack_hook when read back)."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        _stack()
        if _STATE.disabled is not None:
            raise RuntimeError(_STATE.disabled)
        _STATE.stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *args):
        _STATE.stack.pop()


class save_on_cpu(saved_tensors_hooks):  # noqa: N801
    """Saved tensors move to the CPU (optionally pinned) and come back to their device when read."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack_to_cpu(tensor):
            if tensor.device.type == "cpu":
                return tensor.device, tensor
            return tensor.device, tensor.to("cpu")

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack_to_cpu, unpack_from_cpu)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message):
    """Within the block, entering saved_tensors_hooks raises RuntimeError(error_message)."""
    _stack()
    prev = _STATE.disabled
    if _STATE.stack:
        raise RuntimeError(error_message)
    _STATE.disabled = error_message
    try:
        yield
    finally:
        _STATE.disabled = prev


class GradientEdge(NamedTuple):
    """An edge of the autograd graph: (node, output_nr)."""

    node: object
    output_nr: int
    ownership_token: object = None


def get_gradient_edge(tensor):
    """The edge that gradients of `tensor` flow into."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require "
                           "gradients")
    from ._graph import _edge
    node, nr = _edge(tensor)
    return GradientEdge(node, nr, tensor.grad_fn)


def increment_version(tensor):
    """Bump the version counter of `tensor`'s storage (as an in-place write would)."""
    tensors = tensor if isinstance(tensor, (list, tuple)) else (tensor,)
    for t in tensors:
        t._storage.version += 1


class _MultiHandle:
    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """mode='all': fn(grads) once the gradients of all `tensors` that take part in a backward are computed
    (None for the others); mode='any': fn(grad) on the first gradient computed."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    if mode == "any":
        fired = [False]

        def once(grad):
            if not fired[0]:
                fired[0] = True
                fn(grad)
        return _MultiHandle([t.register_hook(once) for t in tensors if t.requires_grad])
    grads = [None] * len(tensors)
    pending = [0]

    def make(i):
        def hook(grad):
            grads[i] = grad
            pending[0] += 1
            if pending[0] == sum(t.requires_grad for t in tensors):
                out = list(grads)
                for k in range(len(grads)):
                    grads[k] = None
                pending[0] = 0
                fn(out)
        return hook
    return _MultiHandle([t.register_hook(make(i)) for i, t in enumerate(tensors) if t.requires_grad])


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """Accepted: in-place changes of saved tensors are still detected by the version check."""
    yield {}
