"""torch.optim.Adadelta."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcmul, cast
from .optimizer import Optimizer, _new_scalar

__all__ = ["Adadelta"]


def _adadelta_kernel(p, g, st, hp, sc, cfg):
    weight_decay, maximize = cfg
    rho, eps = hp["rho"], hp["eps"]
    if maximize:
        g = -g
    if weight_decay:
        g = g + cast(hp["weight_decay"], p) * p
    square_avg = addcmul(st["square_avg"] * cast(rho, p), cast(1 - rho, p), g, g)
    std = jnp.sqrt(square_avg + cast(eps, p))
    delta = jnp.sqrt(st["acc_delta"] + cast(eps, p))
    delta = delta / std * g
    acc_delta = addcmul(st["acc_delta"] * cast(rho, p), cast(1 - rho, p), delta, delta)
    return p + cast(-hp["lr"], p) * delta, {"square_avg": square_avg, "acc_delta": acc_delta}


class Adadelta(Optimizer):
    """Adadelta (Zeiler)."""

    _kernel = staticmethod(_adadelta_kernel)
    _hp_names = ("lr", "rho", "eps", "weight_decay")
    _sparse_name = "Adadelta"

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
            for p in group["params"]:
                p_state = self.state.get(p, [])
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _new_scalar(float(p_state["step"]))

    def _array_keys(self, group):
        return ("square_avg", "acc_delta")

    def _init_state(self, group, p, state):
        state["step"] = _new_scalar(0.0)
        state["square_avg"] = self._zeros_like(p)
        state["acc_delta"] = self._zeros_like(p)

    def _row(self, group, p, state):
        return (self._next_step(p, state),)

    def _cfg(self, group):
        return (group["weight_decay"] != 0, bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
