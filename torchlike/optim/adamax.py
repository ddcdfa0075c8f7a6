"""torch.optim.Adamax: Adam with the infinity norm."""
from __future__ import annotations

import jax.numpy as jnp

from ._fused import addcdiv, cast, decay_grad, lerp
from .optimizer import Optimizer, _validate

__all__ = ["Adamax"]


def _adamax_kernel(p, g, st, hp, sc, cfg):
    weight_decay, maximize = cfg
    bias_correction = sc[1]
    p, g = decay_grad(p, g, hp, maximize, weight_decay)
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
        _validate(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        self._setstate_defaults(state, foreach=None, maximize=False, differentiable=False, capturable=False)

    def _array_keys(self, group):
        return ("exp_avg", "exp_inf")

    def _row(self, group, p, state):
        step = self._next_step(p, state)
        return (step, 1 - self._float(group["betas"][0]) ** step)

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
