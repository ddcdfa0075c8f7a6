"""torch._C._functorch: queries about functorch's wrapped tensors (none exist here: torch.func runs on JAX)."""
from __future__ import annotations

import enum


class TransformType(enum.Enum):
    Torch = 0
    Grad = 1
    Jvp = 2
    Functionalize = 3
    Vmap = 4


def is_batchedtensor(t):
    return False


def is_legacy_batchedtensor(t):
    return False


def is_functorch_wrapped_tensor(t):
    return False


def is_gradtrackingtensor(t):
    return False


def is_functionaltensor(t):
    return False


def get_unwrapped(t):
    raise RuntimeError("get_unwrapped: the tensor is not a functorch wrapper")


def get_interpreter_stack():
    return None


def peek_interpreter_stack():
    return None


def maybe_current_level():
    return None
