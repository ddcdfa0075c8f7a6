"""torch.optim.NAdam (momentum_decay, decoupled_weight_decay)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcdiv, addcmul, cast, lerp, rounded_product
from .optimizer import Optimizer, _new_scalar

__all__ = ["NAdam"]


def _nadam_kernel(p, g, st, hp, sc, cfg):
    weight_decay, decoupled, maximize = cfg
    bias_correction2, one_minus_mu, one_minus_mu_product, mu_next, one_minus_mu_product_next = (
        sc[2], sc[3], sc[4], sc[5], sc[6])
    lr = hp["lr"]
    if maximize:
        g = -g
    if weight_decay:
        if decoupled:
            p = p * cast(1 - lr * hp["weight_decay"], p)
        else:
            g = g + cast(hp["weight_decay"], p) * p
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
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            for p in group["params"]:
                p_state = self.state.get(p, [])
                if len(p_state) != 0:
                    if not isinstance(p_state["step"], Tensor):
                        p_state["step"] = _new_scalar(float(p_state["step"]))
                    if not isinstance(p_state["mu_product"], Tensor):
                        p_state["mu_product"] = _new_scalar(p_state["mu_product"])

    def _array_keys(self, group):
        return ("exp_avg", "exp_avg_sq")

    def _init_state(self, group, p, state):
        state["step"] = _new_scalar(0.0)
        state["mu_product"] = _new_scalar(1.0)
        state["exp_avg"] = self._zeros_like(p)
        state["exp_avg_sq"] = self._zeros_like(p)

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


