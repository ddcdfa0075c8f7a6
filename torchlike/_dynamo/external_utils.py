"""torch._dynamo.external_utils."""
from __future__ import annotations

from ..compiler import is_compiling  # noqa: F401


def wrap_inline(fn):
    return fn


def call_hook(hook, *args, **kwargs):
    result = hook(*args)
    return args[0] if result is None else result
