"""Tensors in and out of jax.Array without copies, and Tensor as a JAX pytree."""
from __future__ import annotations

import jax

from ._tensor import Tensor, from_array

__all__ = ["from_jax", "to_jax", "tree_to_jax", "tree_from_jax"]


def from_jax(array, *, requires_grad=False):
    """A Tensor over `array` (no copy; a traced array inside jax transforms works too)."""
    t = from_array(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def to_jax(tensor):
    """The tensor's values as a jax.Array (no copy for a tensor that is its storage's whole array)."""
    return tensor._value() if isinstance(tensor, Tensor) else jax.numpy.asarray(tensor)


def _is_tensor(x):
    return isinstance(x, Tensor)


def tree_to_jax(tree):
    return jax.tree_util.tree_map(lambda x: x._value() if isinstance(x, Tensor) else x, tree, is_leaf=_is_tensor)


def _is_array(x):
    return isinstance(x, (jax.Array, jax.core.Tracer))


def tree_from_jax(tree):
    return jax.tree_util.tree_map(lambda x: from_array(x) if _is_array(x) else x, tree, is_leaf=_is_tensor)


def _flatten(t):
    return (t._value(),), (t._dtype, t._requires_grad)


def _unflatten(aux, children):
    dtype, rg = aux
    (v,) = children
    if isinstance(v, Tensor):
        return v
    if not _is_array(v):       # jax may unflatten with placeholders (object(), None) while inspecting trees
        t = object.__new__(Tensor)
        t.__dict__["_placeholder"] = v
        return t
    t = from_array(v, dtype if v.dtype == dtype.np else None)
    return t


jax.tree_util.register_pytree_node(Tensor, _flatten, _unflatten)
Tensor.jax = lambda self: self._value()
