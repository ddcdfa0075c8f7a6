"""torch.optim.Adam (amsgrad, maximize, L2 or decoupled weight decay)."""
from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._fused import addcdiv, addcmul, cast, decay_grad, lerp
from .optimizer import Optimizer, _to_scalar, _validate

__all__ = ["Adam"]


def _adam_kernel(p, g, st, hp, sc, cfg):
    weight_decay, decoupled, amsgrad, maximize = cfg
    bias_correction1, bias_correction2_sqrt = sc[1], sc[2]
    lr = hp["lr"]
    p, g = decay_grad(p, g, hp, maximize, weight_decay, decoupled)
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
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        _validate(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
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
        self._check_fused(fused, foreach, differentiable, device_dtype_check=False)

    def __setstate__(self, state):
        self._setstate_defaults(state, amsgrad=False, maximize=False, foreach=None, capturable=False,
                                differentiable=False, decoupled_weight_decay=False, fused=None)

    def _array_keys(self, group):
        return ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

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
