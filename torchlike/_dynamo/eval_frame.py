"""torch._dynamo.eval_frame: OptimizedModule's import path, and the support checks."""
from __future__ import annotations

import sys

from .._compile._module import OptimizedModule  # noqa: F401


def is_dynamo_supported():
    """True: torchlike.compile runs on every Python it supports."""
    return sys.version_info < (3, 15)


def is_inductor_supported():
    return True


def innermost_fn(fn, *, unaltered_fn_attr="_torchdynamo_orig_callable"):
    """The function a chain of torch.compile / torch.compiler.disable wrappers wraps."""
    seen = set()
    while id(fn) not in seen:
        seen.add(id(fn))
        nxt = getattr(fn, unaltered_fn_attr, None) or getattr(fn, "_torchdynamo_orig_callable", None)
        if nxt is None and hasattr(fn, "fn") and type(fn).__name__ == "CompiledFunction":
            nxt = fn.fn
        if nxt is None:
            break
        fn = nxt
    return fn


def _is_skip_guard_eval_unsafe_stance():
    return False
