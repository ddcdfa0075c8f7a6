"""torch.optim.ASGD (averaged stochastic gradient descent)."""
from __future__ import annotations

import jax.numpy as jnp

from ._fused import cast, decay_grad, round_to, select
from .optimizer import Optimizer, _to_scalar, _validate

__all__ = ["ASGD"]


def _asgd_kernel(p, g, st, hp, sc, cfg):
    weight_decay, maximize = cfg
    decay, eta, mu_is_one, mu = sc[3], sc[4], sc[5], sc[6]
    p, g = decay_grad(p, g, hp, maximize, weight_decay)
    p = p * cast(decay, p)
    p = p + cast(-eta, p) * g
    ax = st["ax"]
    ax = jnp.where(mu_is_one > 0, p, ax + (p - ax) * cast(mu, p))
    return p, {"ax": ax}


class ASGD(Optimizer):
    """ASGD (Polyak & Juditsky averaging); `state['ax']` holds the average."""

    _kernel = staticmethod(_asgd_kernel)
    _hp_names = ("weight_decay",)
    _scalar_keys = (("step", 0), ("eta", 1), ("mu", 2))
    _sparse_name = "ASGD"

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False,
                 differentiable=False, capturable=False):
        _validate(lr=lr, weight_decay=weight_decay)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        self._setstate_defaults(state, foreach=None, maximize=False, differentiable=False, capturable=False)

    def _array_keys(self, group):
        return ("ax",)

    def _initial_scalars(self, group):
        return (0.0, float(_to_scalar(group["lr"])), 1.0)   # step, eta, mu

    def _row(self, group, p, state):
        step = self._next_step(p, state)
        lr, lambd, alpha, t0 = self._float(group["lr"]), group["lambd"], group["alpha"], group["t0"]
        eta = self._scalar_state(p, state, "eta")
        mu = self._scalar_state(p, state, "mu")
        new_eta = round_to(state["eta"]._dtype.np, lr / ((1 + lambd * lr * step) ** alpha))
        new_mu = round_to(state["mu"]._dtype.np, select(step - t0 > 1, lambda: 1 / (step - t0), lambda: 1.0))
        return (step, new_eta, new_mu, 1 - lambd * eta, eta, select(mu == 1, lambda: 1.0, lambda: 0.0), mu)

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
