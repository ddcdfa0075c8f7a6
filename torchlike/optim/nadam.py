"""torch.optim.NAdam (momentum_decay, decoupled_weight_decay)."""
from __future__ import annotations

import jax.numpy as jnp

from ._fused import addcdiv, addcmul, cast, decay_grad, lerp, rounded_product
from .optimizer import Optimizer, _validate

__all__ = ["NAdam"]


def _nadam_kernel(p, g, st, hp, sc, cfg):
    weight_decay, decoupled, maximize = cfg
    bias_correction2, one_minus_mu, one_minus_mu_product, mu_next, one_minus_mu_product_next = (
        sc[2], sc[3], sc[4], sc[5], sc[6])
    lr = hp["lr"]
    p, g = decay_grad(p, g, hp, maximize, weight_decay, decoupled)
    exp_avg = lerp(st["exp_avg"], g, cast(1 - hp["beta1"], p))
    exp_avg_sq = addcmul(st["exp_avg_sq"] * cast(hp["beta2"], p), cast(1 - hp["beta2"], p), g, g)
    denom = jnp.sqrt(exp_avg_sq / cast(bias_correction2, p)) + cast(hp["eps"], p)
    p = addcdiv(p, cast(-lr * one_minus_mu / one_minus_mu_product, p), g, denom)
    p = addcdiv(p, cast(-lr * mu_next / one_minus_mu_product_next, p), exp_avg, denom)
    return p, {"exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum (Dozat)."""

    _kernel = staticmethod(_nadam_kernel)
    _hp_names = ("lr", "beta1", "beta2", "eps", "weight_decay")
    _scalar_keys = (("step", 0), ("mu_product", 1))
    _sparse_name = "NAdam"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _validate(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        self._setstate_defaults(state, maximize=False, foreach=None, capturable=False, differentiable=False,
                                decoupled_weight_decay=False)

    def _array_keys(self, group):
        return ("exp_avg", "exp_avg_sq")

    def _initial_scalars(self, group):
        return (0.0, 1.0)   # step, mu_product

    def _row(self, group, p, state):
        step = self._next_step(p, state)
        beta1, beta2 = (self._float(b) for b in group["betas"])
        momentum_decay = group["momentum_decay"]
        bias_correction2 = 1 - beta2 ** step
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        # mu_product is a 0-d tensor of the scalar dtype: `mu_product *= mu` rounds in that dtype
        mu_product = rounded_product(state["mu_product"]._dtype.np, self._scalar_state(p, state, "mu_product"), mu)
        mu_product_next = mu_product * mu_next
        return (step, mu_product, bias_correction2, 1.0 - mu, 1.0 - mu_product, mu_next, 1.0 - mu_product_next)

    def _cfg(self, group):
        return (group["weight_decay"] != 0, bool(group["decoupled_weight_decay"]), bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)


