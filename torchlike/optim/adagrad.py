"""torch.optim.Adagrad (lr_decay, initial_accumulator_value; dense gradients)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcdiv, addcmul, cast
from .optimizer import Optimizer, _get_scalar_dtype, _new_scalar

__all__ = ["Adagrad"]


def _adagrad_kernel(p, g, st, hp, sc, cfg):
    weight_decay, maximize = cfg
    step = sc[0]
    if maximize:
        g = -g
    if weight_decay:
        g = g + cast(hp["weight_decay"], p) * p
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
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
            self._need_device_dtype_check_for_fused = True
            self._step_supports_amp_scaling = True
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(group, p, self.state[p], initial_accumulator_value)

    def __setstate__(self, state):
        super().__setstate__(state)
        fused = None
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            fused = group.setdefault("fused", None)
            for p in group["params"]:
                p_state = self.state.get(p, [])
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    dt = _get_scalar_dtype(is_fused=fused) if group["fused"] else None
                    p_state["step"] = _new_scalar(float(p_state["step"]), dt)
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
        state["step"] = _new_scalar(0.0, _get_scalar_dtype(is_fused=group["fused"]) if group["fused"] else None)
        state["sum"] = full_like(p, complex(init, init) if p.is_complex() else init)

    def _row(self, group, p, state):
        return (self._next_step(p, state),)

    def _cfg(self, group):
        return (group["weight_decay"] != 0, bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
