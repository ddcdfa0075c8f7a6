"""torch.optim.Rprop (resilient backpropagation)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcmul, cast
from .optimizer import Optimizer, _new_scalar, _to_scalar

__all__ = ["Rprop"]


def _rprop_kernel(p, g, st, hp, sc, cfg):
    (maximize,) = cfg
    if maximize:
        g = -g
    etaminus, etaplus = cast(hp["etaminus"], p), cast(hp["etaplus"], p)
    sign = jnp.sign(g * st["prev"])
    sign = jnp.where(sign > 0, etaplus, sign)
    sign = jnp.where(sign < 0, etaminus, sign)
    sign = jnp.where(sign == 0, jnp.ones_like(sign), sign)
    step_size = jnp.clip(st["step_size"] * sign, cast(hp["step_size_min"], p), cast(hp["step_size_max"], p))
    g = jnp.where(sign == etaminus, jnp.zeros_like(g), g)
    p = addcmul(p, cast(jnp.float64(-1), p), jnp.sign(g), step_size)
    return p, {"prev": g, "step_size": step_size}


class Rprop(Optimizer):
    """Rprop: per-element step sizes grown or shrunk by the sign agreement of successive gradients."""

    _kernel = staticmethod(_rprop_kernel)
    _hp_names = ("etaminus", "etaplus", "step_size_min", "step_size_max")
    _sparse_name = "Rprop"

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
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
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _new_scalar(float(p_state["step"]))

    def _hyper_value(self, group, name):
        if name in ("etaminus", "etaplus"):
            return group["etas"][name == "etaplus"]
        if name in ("step_size_min", "step_size_max"):
            return group["step_sizes"][name == "step_size_max"]
        return super()._hyper_value(group, name)

    def _array_keys(self, group):
        return ("prev", "step_size")

    def _init_state(self, group, p, state):
        from .._ops.creation import full_like
        state["step"] = _new_scalar(0.0)
        state["prev"] = self._zeros_like(p)
        lr = _to_scalar(group["lr"])
        lr = float(lr) if isinstance(lr, Tensor) else lr
        state["step_size"] = full_like(p.grad, complex(lr, lr) if p.dtype.is_complex else lr)

    def _row(self, group, p, state):
        return (self._next_step(p, state),)

    def _cfg(self, group):
        return (group["maximize"],)

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
