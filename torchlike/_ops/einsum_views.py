"""torch.einsum of one operand as PyTorch computes it: diagonals of repeated subscripts, then a permute (a view, so
writes through it reach the operand), then a sum over the contracted subscripts if any. Several operands go to
the einsum op."""
from __future__ import annotations

from . import views


def _labels(term):
    out, i = [], 0
    while i < len(term):
        if term.startswith("...", i):
            out.append("...")
            i += 3
        elif term[i].isalpha():
            out.append(term[i])
            i += 1
        else:
            return None
    return out


def einsum_view(equation, operand):
    """torch.einsum(equation, operand), or None for the einsum op to compute (or reject)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    if "," in lhs:
        return None
    ins = _labels(lhs)
    if ins is None or ins.count("...") > 1:
        return None
    named = [lab for lab in ins if lab != "..."]
    ell = "..." in ins
    if len(named) > operand.dim() or (not ell and len(named) != operand.dim()):
        return None
    if arrow:
        outs = _labels(rhs)
        if outs is None or len(set(outs)) != len(outs) or any(lab not in ins for lab in outs) or \
                (ell and "..." not in outs):
            return None
    else:
        outs = (["..."] if ell else []) + sorted(lab for lab in set(named) if named.count(lab) == 1)
    n_ell = operand.dim() - len(named)
    op, where, dim, ell_dims = operand, {}, 0, []
    for lab in ins:
        if lab == "...":
            ell_dims = list(range(dim, dim + n_ell))
            dim += n_ell
        elif lab in where:                            # a repeated subscript: its diagonal, in the first one's place
            if op._size[where[lab]] != op._size[dim]:
                return None
            op = views.movedim(views.diagonal(op, 0, where[lab], dim), -1, where[lab])
        else:
            where[lab] = dim
            dim += 1
    summed = sorted(set(named) - set(outs))
    perm = []
    for lab in outs + summed:
        perm.extend(ell_dims if lab == "..." else [where[lab]])
    op = views.permute(op, perm)
    if summed:
        return op.sum(tuple(range(len(perm) - len(summed), len(perm))))
    return op
