"""torch.optim.Adamax: Adam with the infinity norm."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcdiv, cast, lerp
from .optimizer import Optimizer, _new_scalar

__all__ = ["Adamax"]


def _adamax_kernel(p, g, st, hp, sc, cfg):
    weight_decay, maximize = cfg
    bias_correction = sc[1]
    if maximize:
        g = -g
    if weight_decay:
        g = g + cast(hp["weight_decay"], p) * p
    exp_avg = lerp(st["exp_avg"], g, cast(1 - hp["beta1"], p))
    exp_inf = jnp.maximum(st["exp_inf"] * cast(hp["beta2"], p), jnp.abs(g) + cast(hp["eps"], p))
    clr = hp["lr"] / bias_correction
    return addcdiv(p, cast(-clr, p), exp_avg, exp_inf), {"exp_avg": exp_avg, "exp_inf": exp_inf}


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, section 7)."""

    _kernel = staticmethod(_adamax_kernel)
    _hp_names = ("lr", "beta1", "beta2", "eps", "weight_decay")
    _sparse_name = "Adamax"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
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
        return ("exp_avg", "exp_inf")

    def _init_state(self, group, p, state):
        state["step"] = _new_scalar(0.0)
        state["exp_avg"] = self._zeros_like(p)
        state["exp_inf"] = self._zeros_like(p)

    def _row(self, group, p, state):
        step = self._next_step(p, state)
        return (step, 1 - self._float(group["betas"][0]) ** step)

    def _cfg(self, group):
        return (group["weight_decay"] != 0, bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
