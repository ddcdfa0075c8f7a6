"""torch.fx.subgraph_rewriter: replace_pattern (find every non-overlapping match of a pattern graph and splice a
replacement graph in its place)."""
from __future__ import annotations

import copy
from typing import NamedTuple

from .graph_module import GraphModule
from .node import Node

__all__ = ["Match", "replace_pattern"]


class Match(NamedTuple):
    anchor: Node          # the node in the original graph the match was found from
    nodes_map: dict       # pattern node -> matched node


def _as_graph(obj):
    from ._symbolic_trace import symbolic_trace
    if isinstance(obj, GraphModule):
        return obj.graph
    return symbolic_trace(obj).graph


def _outputs(graph):
    out = next(n for n in reversed(graph.nodes) if n.op == "output")
    val = out.args[0]
    return out, (list(val) if isinstance(val, (tuple, list)) else [val])


class _Matcher:
    def __init__(self, pattern):
        self.pattern = pattern
        self.p_out_node, self.p_returns = _outputs(pattern)
        self.p_placeholders = [n for n in pattern.nodes if n.op == "placeholder"]

    def _match_arg(self, pa, ga, m):
        if isinstance(pa, Node):
            return isinstance(ga, Node) and self._match_node(pa, ga, m) if pa.op != "placeholder" else \
                self._bind(pa, ga, m)
        if isinstance(pa, (tuple, list)):
            return isinstance(ga, (tuple, list)) and len(pa) == len(ga) and \
                all(self._match_arg(a, b, m) for a, b in zip(pa, ga))
        if isinstance(pa, dict):
            return isinstance(ga, dict) and pa.keys() == ga.keys() and \
                all(self._match_arg(pa[k], ga[k], m) for k in pa)
        return not isinstance(ga, Node) and type(pa) is type(ga) and pa == ga

    def _bind(self, pn, gn, m):
        if pn in m:
            return m[pn] is gn or (not isinstance(gn, Node) and m[pn] == gn)
        m[pn] = gn
        return True

    def _match_node(self, pn, gn, m):
        if pn in m:
            return m[pn] is gn
        if gn in m.values() and gn is not None:
            return False
        if pn.op != gn.op or pn.target != gn.target or len(pn.args) != len(gn.args) or \
                pn.kwargs.keys() != gn.kwargs.keys():
            return False
        m[pn] = gn
        ok = all(self._match_arg(a, b, m) for a, b in zip(pn.args, gn.args)) and \
            all(self._match_arg(pn.kwargs[k], gn.kwargs[k], m) for k in pn.kwargs)
        if not ok:
            del m[pn]
        return ok

    def match(self, anchor):
        """A pattern-node -> graph-node map for a match whose last returned value is `anchor`, or None."""
        m = {}
        last = self.p_returns[-1]
        if not isinstance(last, Node) or not self._match_node(last, anchor, m):
            return None
        for pr in self.p_returns[:-1]:
            if pr not in m:
                return None
        internal = [pn for pn in m if pn.op not in ("placeholder", "output") and pn not in self.p_returns]
        matched = {m[pn] for pn in m if pn.op != "placeholder"}
        for pn in internal:              # values computed inside the match must not escape it
            if any(u not in matched for u in m[pn].users):
                return None
        return m


def replace_pattern(gm, pattern, replacement):
    """Replace every match of `pattern` (a function or GraphModule) in `gm` with `replacement`; returns the
    matches (list of Match(anchor, nodes_map))."""
    original = gm.graph
    p_graph = _as_graph(pattern)
    r_graph = _as_graph(replacement)
    matcher = _Matcher(p_graph)
    matches, used = [], set()
    for node in original.nodes:
        if node.op in ("placeholder", "output"):
            continue
        m = matcher.match(node)
        if m is None:
            continue
        body = {g for p, g in m.items() if p.op != "placeholder"}
        if body & used:
            continue
        used |= body
        matches.append(Match(anchor=matcher.p_returns[-1], nodes_map=m))

    r_placeholders = [n for n in r_graph.nodes if n.op == "placeholder"]
    for match in matches:
        m = match.nodes_map
        val_map = {}
        for rp, pp in zip(r_placeholders, matcher.p_placeholders):
            val_map[rp] = m[pp]
        returned = [m[pr] for pr in matcher.p_returns]
        users = {u for r in returned for u in r.users}
        first_user = next(n for n in original.nodes if n in users)
        with original.inserting_before(first_user):
            copied = original.graph_copy(r_graph, val_map)
        new_returns = list(copied) if isinstance(copied, (tuple, list)) else [copied]
        for pr, nr in zip(matcher.p_returns, new_returns):
            m[pr].replace_all_uses_with(nr)
        for pn in reversed(list(p_graph.nodes)):
            if pn.op in ("placeholder", "output") or pn not in m:
                continue
            gn = m[pn]
            if len(gn.users) == 0:
                original.erase_node(gn)
    gm.recompile()
    for submod in (gm,):
        for node in submod.graph.nodes:
            if node.op == "call_module" and isinstance(replacement, GraphModule):
                if not hasattr(gm, node.target) and hasattr(replacement, node.target):
                    gm.add_submodule(node.target, copy.deepcopy(replacement.get_submodule(node.target)))
    return matches
