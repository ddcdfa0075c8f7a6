"""torch.nn.attention: the scaled-dot-product-attention backend selection (SDPBackend, sdpa_kernel).

On this backend every choice runs the same XLA attention computation; the selection is recorded (and readable
through torch.backends.cuda.*_sdp_enabled) so code that chooses a kernel runs unchanged.
"""
from __future__ import annotations

import contextlib
import enum

from ...backends import cuda as _cuda

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS", "register_flash_attention_impl",
           "activate_flash_attention_impl", "list_flash_attention_impls", "current_flash_attention_impl",
           "restore_flash_attention_impl"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.IntEnum):
    """An enum-like class that contains the different backends for scaled dot product attention."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    def __repr__(self):
        return f"<SDPBackend.{self.name}: {self.value}>"


_SDPBackend = SDPBackend
_FLAGS = {SDPBackend.MATH: "math", SDPBackend.FLASH_ATTENTION: "flash", SDPBackend.EFFICIENT_ATTENTION: "mem_efficient",
          SDPBackend.CUDNN_ATTENTION: "cudnn"}


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Within the block only `backends` (one SDPBackend or a list) may run scaled_dot_product_attention."""
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend instances, got "
                             f"{type(backends).__name__}")
    chosen = {backends} if isinstance(backends, SDPBackend) else set(backends)
    saved = dict(_cuda._SDP)
    try:
        for b, flag in _FLAGS.items():
            _cuda._SDP[flag] = b in chosen
        yield {}
    finally:
        _cuda._SDP.update(saved)


_FLASH_IMPLS = {}
_CURRENT_IMPL = [None]


def register_flash_attention_impl(impl, *, register_fn):
    _FLASH_IMPLS[impl] = register_fn


def activate_flash_attention_impl(impl):
    if impl not in _FLASH_IMPLS:
        raise ValueError(f"Unknown flash attention impl '{impl}'. Available implementations: "
                         f"{sorted(_FLASH_IMPLS)}")
    _CURRENT_IMPL[0] = impl


def list_flash_attention_impls():
    return sorted(_FLASH_IMPLS)


def current_flash_attention_impl():
    return _CURRENT_IMPL[0]


def restore_flash_attention_impl():
    _CURRENT_IMPL[0] = None
