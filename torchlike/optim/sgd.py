"""torch.optim.SGD (with momentum, dampening, Nesterov, weight decay, maximize)."""
from __future__ import annotations

import jax.numpy as jnp

from ._fused import cast, decay_grad
from .optimizer import Optimizer, _validate

__all__ = ["SGD"]


def _sgd_kernel(p, g, st, hp, sc, cfg):
    weight_decay, momentum, nesterov, maximize = cfg
    p, g = decay_grad(p, g, hp, maximize, weight_decay)
    if momentum:
        # sc[0] == 1 on a parameter's first step: the buffer starts as a copy of the gradient (the incoming
        # "buffer" is then a placeholder), so the first and later steps share one compiled program
        buf = jnp.where(sc[0] > 0, g, st["momentum_buffer"] * cast(hp["momentum"], p)
                        + cast(1 - hp["dampening"], p) * g)
        st = {"momentum_buffer": buf}
        g = g + cast(hp["momentum"], p) * buf if nesterov else buf
    return p + cast(-hp["lr"], p) * g, st


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum)."""

    _kernel = staticmethod(_sgd_kernel)
    _hp_names = ("lr", "momentum", "dampening", "weight_decay")
    _scalar_keys = ()
    _sparse_name = None

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        _validate(lr=lr, momentum=momentum, weight_decay=weight_decay, nan_ok=True)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach, "differentiable": differentiable,
                    "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        self._check_fused(fused, foreach, differentiable)

    def __setstate__(self, state):
        self._setstate_defaults(state, nesterov=False, maximize=False, foreach=None, differentiable=False,
                                fused=False)

    def _uses_state(self, group):
        return group["momentum"] != 0

    def _array_keys(self, group):
        return ("momentum_buffer",) if group["momentum"] != 0 else ()

    def _init_state(self, group, p, state):
        pass   # the momentum buffer is created by the first step (a copy of the gradient)

    def _row(self, group, p, state):
        return (0.0 if state.get("momentum_buffer") is not None else 1.0,) if group["momentum"] != 0 else ()

    def _array_inputs(self, group, p, state):
        buf = state.get("momentum_buffer")
        return {"momentum_buffer": buf if buf is not None else p.grad} if group["momentum"] != 0 else {}

    def _cfg(self, group):
        return (group["weight_decay"] != 0, group["momentum"] != 0, bool(group["nesterov"]), bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
