"""torch.optim.ASGD (averaged stochastic gradient descent)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import cast, round_to, select
from .optimizer import Optimizer, _get_scalar_dtype, _new_scalar, _to_scalar

__all__ = ["ASGD"]


def _asgd_kernel(p, g, st, hp, sc, cfg):
    weight_decay, maximize = cfg
    decay, eta, mu_is_one, mu = sc[3], sc[4], sc[5], sc[6]
    if maximize:
        g = -g
    if weight_decay:
        g = g + cast(hp["weight_decay"], p) * p
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
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
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
                if len(p_state) != 0:
                    for key in ("step", "eta", "mu"):
                        if not isinstance(p_state[key], Tensor):
                            p_state[key] = _new_scalar(float(p_state[key]))

    def _array_keys(self, group):
        return ("ax",)

    def _init_state(self, group, p, state):
        lr = _to_scalar(group["lr"])
        state["step"] = _new_scalar(0.0)
        state["eta"] = _new_scalar(float(lr), _get_scalar_dtype())
        state["mu"] = _new_scalar(1.0)
        state["ax"] = self._zeros_like(p)

    def _row(self, group, p, state):
        step = self._next_step(p, state)
        lr, lambd, alpha, t0 = self._float(group["lr"]), group["lambd"], group["alpha"], group["t0"]
        eta = self._scalar_state(p, state, "eta")
        mu = self._scalar_state(p, state, "mu")
        new_eta = round_to(state["eta"]._dtype.np, lr / ((1 + lambd * lr * step) ** alpha))
        new_mu = round_to(state["mu"]._dtype.np, select(step - t0 > 1, lambda: 1 / (step - t0), lambda: 1.0))
        return (step, new_eta, new_mu, 1 - lambd * eta, eta, select(mu == 1, lambda: 1.0, lambda: 0.0), mu)

    def _cfg(self, group):
        return (group["weight_decay"] != 0, group["maximize"])

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
