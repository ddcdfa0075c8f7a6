"""torch.fx: the names programs reference (GraphModule in annotations and isinstance checks, `wrap` at import time).
Symbolic tracing into an FX graph is not implemented by torchlike: `symbolic_trace` and constructing a GraphModule
raise RuntimeError; no object is ever a GraphModule, so isinstance checks answer False."""
from __future__ import annotations

from ..nn.modules.module import Module

__all__ = ["GraphModule", "symbolic_trace", "wrap", "Graph", "Node", "Proxy", "Tracer"]

_UNSUPPORTED = "torch.fx symbolic tracing is not supported by torchlike (use torch.jit.trace or torch.compile)"
_wrapped = []


def wrap(fn_or_name):
    """Mark a global function as a leaf for symbolic tracing (recorded; tracing itself is unavailable)."""
    _wrapped.append(fn_or_name)
    return fn_or_name


def symbolic_trace(root, concrete_args=None):
    raise RuntimeError(_UNSUPPORTED)


class Graph:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(_UNSUPPORTED)


class Node:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(_UNSUPPORTED)


class Proxy:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(_UNSUPPORTED)


class Tracer:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(_UNSUPPORTED)

    def trace(self, root, concrete_args=None):
        raise RuntimeError(_UNSUPPORTED)


class GraphModule(Module):
    def __init__(self, root, graph, class_name="GraphModule"):
        raise RuntimeError(_UNSUPPORTED)
