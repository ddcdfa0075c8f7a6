"""torch.optim.RAdam (rectified Adam; decoupled_weight_decay)."""
from __future__ import annotations

import jax.numpy as jnp

from ._fused import addcmul, cast, decay_grad, lerp, select
from .optimizer import Optimizer, _validate

__all__ = ["RAdam"]


def _radam_kernel(p, g, st, hp, sc, cfg):
    weight_decay, decoupled, maximize = cfg
    bias_correction1, rectify, rect, bias_correction2_sqrt = sc[1], sc[2], sc[3], sc[4]
    lr = hp["lr"]
    p, g = decay_grad(p, g, hp, maximize, weight_decay, decoupled)
    exp_avg = lerp(st["exp_avg"], g, cast(1 - hp["beta1"], p))
    exp_avg_sq = addcmul(st["exp_avg_sq"] * cast(hp["beta2"], p), cast(1 - hp["beta2"], p), g, g)
    bias_corrected_exp_avg = exp_avg / cast(bias_correction1, p)
    plain = bias_corrected_exp_avg * cast(lr, p)
    adaptive_lr = cast(bias_correction2_sqrt, p) / (jnp.sqrt(exp_avg_sq) + cast(hp["eps"], p))
    update = jnp.where(rectify > 0, plain * adaptive_lr * cast(rect, p), plain)
    return p + cast(jnp.float64(-1.0), p) * update, {"exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


class RAdam(Optimizer):
    """RAdam (Liu et al.): Adam with a rectified adaptive learning rate."""

    _kernel = staticmethod(_radam_kernel)
    _hp_names = ("lr", "beta1", "beta2", "eps", "weight_decay")
    _sparse_name = "RAdam"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _validate(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        self._setstate_defaults(state, foreach=None, maximize=False, differentiable=False,
                                decoupled_weight_decay=False, capturable=False)

    def _array_keys(self, group):
        return ("exp_avg", "exp_avg_sq")

    def _row(self, group, p, state):
        step = self._next_step(p, state)
        beta1, beta2 = (self._float(b) for b in group["betas"])
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        rectify = rho_t > 5.0
        rect = select(rectify, lambda: ((rho_t - 4) * (rho_t - 2) * rho_inf
                                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5, lambda: 0.0)
        return (step, bias_correction1, select(rectify, lambda: 1.0, lambda: 0.0), rect, bias_correction2 ** 0.5)

    def _cfg(self, group):
        return (group["weight_decay"] != 0, bool(group["decoupled_weight_decay"]), bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
