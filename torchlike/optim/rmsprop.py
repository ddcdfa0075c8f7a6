"""torch.optim.RMSprop (alpha, centered, momentum)."""
from __future__ import annotations

import jax.numpy as jnp

from ._fused import addcdiv, addcmul, cast, decay_grad, lerp
from .optimizer import Optimizer, _validate

__all__ = ["RMSprop"]


def _rmsprop_kernel(p, g, st, hp, sc, cfg):
    weight_decay, centered, momentum, maximize = cfg
    alpha = hp["alpha"]
    p, g = decay_grad(p, g, hp, maximize, weight_decay)
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
        _validate(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        self._setstate_defaults(state, momentum=0, centered=False, foreach=None, maximize=False,
                                differentiable=False, capturable=False)

    def _array_keys(self, group):
        return (("square_avg",) + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def _cfg(self, group):
        return (group["weight_decay"] != 0, bool(group["centered"]), group["momentum"] > 0, bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
