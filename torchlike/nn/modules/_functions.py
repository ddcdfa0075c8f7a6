"""torch.nn.modules._functions: the autograd Function behind module backward hooks (BackwardHookFunction)."""
from __future__ import annotations

from ...autograd.function import Function

__all__ = ["BackwardHookFunction"]


class BackwardHookFunction(Function):
    """Identity whose backward is a graph node that module full-backward hooks attach to."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[arg for arg in args if not arg.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *args):
        return args
