"""torch.optim.Adadelta."""
from __future__ import annotations

import jax.numpy as jnp

from ._fused import addcmul, cast, decay_grad
from .optimizer import Optimizer, _validate

__all__ = ["Adadelta"]


def _adadelta_kernel(p, g, st, hp, sc, cfg):
    weight_decay, maximize = cfg
    rho, eps = hp["rho"], hp["eps"]
    p, g = decay_grad(p, g, hp, maximize, weight_decay)
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
        _validate(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        self._setstate_defaults(state, foreach=None, maximize=False, differentiable=False, capturable=False)

    def _array_keys(self, group):
        return ("square_avg", "acc_delta")

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
