"""torch.nn.utils: gradient clipping, parameter/vector conversion, weight norms, rnn packing, parametrize."""
from __future__ import annotations

import importlib

from . import hooks, rnn  # noqa: F401
from .clip_grad import (clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_,  # noqa: F401
                        get_total_norm)
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
from .init import skip_init  # noqa: F401
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: F401
from .weight_norm import remove_weight_norm, weight_norm  # noqa: F401

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grads_with_norm_", "clip_grad_value_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters", "parametrizations", "parametrize", "rnn", "stateless",
           "skip_init", "weight_norm", "remove_weight_norm", "spectral_norm", "remove_spectral_norm"]

# these import nn.modules, which itself imports nn.utils.hooks: load them on first use
_LAZY = {"parametrize", "parametrizations", "stateless", "prune", "fusion"}


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
