"""torch.optim.Adam (amsgrad, maximize, L2 or decoupled weight decay)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcdiv, addcmul, cast, lerp
from .optimizer import Optimizer, _get_scalar_dtype, _new_scalar, _to_scalar

__all__ = ["Adam"]


def _adam_kernel(p, g, st, hp, sc, cfg):
    weight_decay, decoupled, amsgrad, maximize = cfg
    bias_correction1, bias_correction2_sqrt = sc[1], sc[2]
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
    step_size = lr / bias_correction1
    out = {"exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    if amsgrad:
        max_sq = jnp.maximum(st["max_exp_avg_sq"], exp_avg_sq)
        out["max_exp_avg_sq"] = max_sq
        denom = jnp.sqrt(max_sq) / cast(bias_correction2_sqrt, p) + cast(hp["eps"], p)
    else:
        denom = jnp.sqrt(exp_avg_sq) / cast(bias_correction2_sqrt, p) + cast(hp["eps"], p)
    return addcdiv(p, cast(-step_size, p), exp_avg, denom), out


class Adam(Optimizer):
    """Adam (Kingma & Ba), optionally AMSGrad; decoupled_weight_decay=True gives AdamW."""

    _kernel = staticmethod(_adam_kernel)
    _hp_names = ("lr", "beta1", "beta2", "eps", "weight_decay")
    _sparse_name = None

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
            if lr.numel() != 1:
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
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(map(_to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            self._step_supports_amp_scaling = True
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            fused = group.setdefault("fused", None)
            for p in group["params"]:
                p_state = self.state.get(p, [])
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    dt = _get_scalar_dtype(is_fused=fused) if group["capturable"] or group["fused"] else None
                    p_state["step"] = _new_scalar(float(p_state["step"]), dt)

    def _array_keys(self, group):
        return ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

    def _init_state(self, group, p, state):
        fused_or_capturable = group["capturable"] or group["fused"]
        state["step"] = _new_scalar(0.0, _get_scalar_dtype(is_fused=group["fused"]) if fused_or_capturable else None)
        state["exp_avg"] = self._zeros_like(p)
        state["exp_avg_sq"] = self._zeros_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = self._zeros_like(p)

    def _row(self, group, p, state):
        step = self._next_step(p, state)
        beta1, beta2 = (self._float(b) for b in group["betas"])
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        return (step, bias_correction1, bias_correction2 ** 0.5)

    def _cfg(self, group):
        return (group["weight_decay"] != 0, bool(group["decoupled_weight_decay"]), bool(group["amsgrad"]),
                bool(group["maximize"]))

    def step(self, closure=None):
        """Perform a single optimization step."""
        return self._fused_step(closure)
