"""torch.optim.RMSprop (alpha, centered, momentum)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcdiv, addcmul, cast, lerp
from .optimizer import Optimizer, _new_scalar

__all__ = ["RMSprop"]


def _rmsprop_kernel(p, g, st, hp, sc, cfg):
    weight_decay, centered, momentum, maximize = cfg
    alpha = hp["alpha"]
    if maximize:
        g = -g
    if weight_decay:
        g = g + cast(hp["weight_decay"], p) * p
    out = {}
    square_avg = addcmul(st["square_avg"] * cast(alpha, p), cast(1 - alpha, p), g, g)
    out["square_avg"] = square_avg
    if centered:
        grad_avg = lerp(st["grad_avg"], g, cast(1 - alpha, p))
        out["grad_avg"] = grad_avg
        avg = jnp.sqrt(addcmul(square_avg, cast(jnp.float64(-1), p), grad_avg, grad_avg))
    else:
        avg = jnp.sqrt(square_avg)
    avg = avg + cast(hp["eps"], p)
    if momentum:
        buf = addcdiv(st["momentum_buffer"] * cast(hp["momentum"], p), cast(jnp.float64(1), p), g, avg)
        out["momentum_buffer"] = buf
        return p + cast(-hp["lr"], p) * buf, out
    return addcdiv(p, cast(-hp["lr"], p), g, avg), out


class RMSprop(Optimizer):
    """RMSprop (Hinton), optionally centered and with momentum."""

    _kernel = staticmethod(_rmsprop_kernel)
    _hp_names = ("lr", "alpha", "eps", "weight_decay", "momentum")
    _sparse_name = "RMSprop"

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
            for p in group["params"]:
                p_state = self.state.get(p, [])
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _new_scalar(float(p_state["step"]))

    def _array_keys(self, group):
        return (("square_avg",) + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def _init_state(self, group, p, state):
        state["step"] = _new_scalar(0.0)
        state["square_avg"] = self._zeros_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = self._zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = self._zeros_like(p)

    def _row(self, group, p, state):
        return (self._next_step(p, state),)

    def _cfg(self, group):
        return (group["weight_decay"] != 0, bool(group["centered"]), group["momentum"] > 0, bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
