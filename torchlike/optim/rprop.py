"""torch.optim.Rprop (resilient backpropagation)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcmul, cast
from .optimizer import Optimizer, _to_scalar, _validate

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
        _validate(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        self._setstate_defaults(state, foreach=None, maximize=False, differentiable=False, capturable=False)

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
        self._init_scalars(group, state)
        state["prev"] = self._zeros_like(p)
        lr = _to_scalar(group["lr"])
        lr = float(lr) if isinstance(lr, Tensor) else lr
        state["step_size"] = full_like(p.grad, complex(lr, lr) if p.dtype.is_complex else lr)

    def _cfg(self, group):
        return (group["maximize"],)

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
