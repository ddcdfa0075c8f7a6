"""torch.fx: symbolic tracing of Modules into Graphs, graph editing and code generation.

symbolic_trace runs a module's forward with Proxies: torch functions reach Proxy.__torch_function__ through the
__torch_function__ protocol (torchlike/_torch_function.py), operators and Tensor methods are Proxy methods, leaf
modules become call_module nodes. A GraphModule's forward is Python source generated from its Graph.
"""
from __future__ import annotations

from . import immutable_collections  # noqa: F401
from . import node, graph, proxy, graph_module, interpreter, subgraph_rewriter, passes  # noqa: F401
from ._symbolic_trace import PH, Tracer, symbolic_trace, wrap, is_fx_tracing  # noqa: F401
from .graph import CodeGen, Graph, PythonCode  # noqa: F401
from .graph_module import GraphModule  # noqa: F401
from .interpreter import Interpreter, Transformer  # noqa: F401
from .node import Node, has_side_effect, map_arg  # noqa: F401
from .proxy import Proxy  # noqa: F401
from .subgraph_rewriter import replace_pattern  # noqa: F401

__all__ = ["symbolic_trace", "Tracer", "wrap", "Graph", "GraphModule", "Interpreter", "Transformer", "Node",
           "Proxy", "PH", "CodeGen", "has_side_effect", "map_arg", "replace_pattern"]
