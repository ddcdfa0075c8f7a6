"""torch.compiler: the hooks code uses to ask about, steer or skip torch.compile (torchlike.compile here).

`is_compiling()` is True while torchlike.compile traces a function (torchlike/_trace_state.py); `disable(fn)`
marks a function or module that torch.compile must leave eager (torch.compile(fn) returns it unchanged);
`set_stance("force_eager")` makes compiled functions and modules run eagerly; `reset()` forgets every compiled
program. Graph-placement hints (`allow_in_graph`, `assume_constant_result`, `substitute_in_graph`,
`nested_compile_region`) return what they decorate: a torchlike program always contains the whole function.
"""
from __future__ import annotations

import functools

from .. import _trace_state

__all__ = ["compile", "assume_constant_result", "reset", "allow_in_graph", "substitute_in_graph", "list_backends",
           "disable", "set_stance", "set_enable_guard_collectives", "cudagraph_mark_step_begin", "wrap_numpy",
           "is_compiling", "is_dynamo_compiling", "is_exporting", "save_cache_artifacts", "load_cache_artifacts",
           "skip_guard_on_inbuilt_nn_modules_unsafe", "skip_guard_on_all_nn_modules_unsafe",
           "keep_tensor_guards_unsafe", "skip_guard_on_globals_unsafe", "nested_compile_region"]


def compile(*args, **kwargs):  # noqa: A001
    from .._compile import compile as _compile
    return _compile(*args, **kwargs)


def reset():
    """Forget every compiled program (the next call traces again)."""
    from .._compile import reset as _reset
    _reset()


def is_compiling():
    """True while torch.compile is tracing the code that asks."""
    return _trace_state.current is not None


def is_dynamo_compiling():
    return _trace_state.current is not None


def is_exporting():
    return False


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


def substitute_in_graph(original_fn, *, can_constant_fold_through=False, skip_signature_check=False):
    return lambda polyfill: polyfill


def nested_compile_region(fn=None, options=None):
    return fn if fn is not None else (lambda f: f)


def wrap_numpy(fn):
    return fn


def disable(fn=None, recursive=True, *, reason=None, wrapping=True):
    """torch.compiler.disable: `fn` (a function or module) is not compiled: torch.compile returns it as it is, and a
    compiled function that calls it runs it as part of its own trace (a torchlike program is the whole function).
    Usable as @disable, @disable(recursive=False) or disable(fn)."""
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason, wrapping=wrapping)
    from ..nn.modules.module import Module
    if isinstance(fn, Module):
        fn.__dict__["_torchdynamo_disable"] = True
        return fn
    if not callable(fn):
        raise TypeError(f"torch.compiler.disable expects a callable, got {type(fn).__name__}")

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    wrapper._torchdynamo_disable = True
    wrapper._torchdynamo_disable_recursive = recursive
    wrapper._torchdynamo_orig_callable = fn
    return wrapper


_STANCES = ("default", "force_eager", "eager_on_recompile", "fail_on_recompile", "eager_then_compile",
            "aot_eager_then_compile")


class set_stance:
    """torch.compiler.set_stance(stance): "force_eager" runs every compiled function and module eagerly; the other
    stances keep compiling. Takes effect at once and also works as a context manager / decorator (restoring the
    previous stance)."""

    def __init__(self, stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
        if stance not in _STANCES:
            raise RuntimeError(f"invalid torch.compile stance '{stance}'")
        from .._compile import config
        self.prev = config.stance
        config.stance = stance

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        from .._compile import config
        config.stance = self.prev
        return False

    def __call__(self, fn):
        from .._compile import config
        stance, config.stance = config.stance, self.prev       # decorating: applies only inside the function

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            from .._compile import config as c
            prev, c.stance = c.stance, stance
            try:
                return fn(*args, **kwargs)
            finally:
                c.stance = prev
        return wrapper


def list_backends(exclude_tags=("debug", "experimental")):
    """The backends torch.compile accepts (PyTorch's names; all compile to one XLA program here)."""
    return ["cudagraphs", "inductor", "openxla", "tvm"]


def get_default_backend():
    return "inductor"


def cudagraph_mark_step_begin():
    return None


def set_enable_guard_collectives(enabled):
    return False


def save_cache_artifacts():
    return None


def load_cache_artifacts(serialized_artifacts):
    return None


def _unsafe_guard_hint(*args, **kwargs):
    return None


skip_guard_on_inbuilt_nn_modules_unsafe = skip_guard_on_all_nn_modules_unsafe = _unsafe_guard_hint
keep_tensor_guards_unsafe = skip_guard_on_globals_unsafe = _unsafe_guard_hint


class _Config:
    job_id = None
    dynamic_sources = ""
    unbacked_sources = ""


config = _Config()
