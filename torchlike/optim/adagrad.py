"""torch.optim.Adagrad (lr_decay, initial_accumulator_value; dense gradients)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcdiv, addcmul, cast, decay_grad
from .optimizer import Optimizer, _get_scalar_dtype, _new_scalar, _validate

__all__ = ["Adagrad"]


def _adagrad_kernel(p, g, st, hp, sc, cfg):
    weight_decay, maximize = cfg
    step = sc[0]
    p, g = decay_grad(p, g, hp, maximize, weight_decay)
    clr = hp["lr"] / (1 + (step - 1) * hp["lr_decay"])
    state_sum = addcmul(st["sum"], cast(jnp.float64(1), p), g, g)
    std = jnp.sqrt(state_sum) + cast(hp["eps"], p)
    return addcdiv(p, cast(-clr, p), g, std), {"sum": state_sum}


class Adagrad(Optimizer):
    """Adagrad: per-coordinate learning rates from the accumulated squared gradients."""

    _kernel = staticmethod(_adagrad_kernel)
    _hp_names = ("lr", "lr_decay", "eps", "weight_decay")

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _validate(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                  initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        self._check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(group, p, self.state[p], initial_accumulator_value)

    def __setstate__(self, state):
        self._setstate_defaults(state, foreach=None, maximize=False, differentiable=False, fused=None)
        fused = self.param_groups[-1]["fused"] if self.param_groups else None
        state_values = list(self.state.values())
        step_is_tensor = len(state_values) != 0 and isinstance(state_values[0]["step"], Tensor)
        if not step_is_tensor:
            for s in state_values:
                s["step"] = _new_scalar(float(s["step"]), _get_scalar_dtype(is_fused=fused))

    def share_memory(self):
        pass

    def _array_keys(self, group):
        return ("sum",)

    def _init_state(self, group, p, state, init=None):
        from .._ops.creation import full_like
        init = self.defaults["initial_accumulator_value"] if init is None else init
        self._init_scalars(group, state)
        state["sum"] = full_like(p, complex(init, init) if p.is_complex() else init)

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
