"""torch._dynamo: torch.compile's front end. Here torchlike.compile (torchlike/_compile) does the work; this
package holds the names and import paths libraries use: config, reset, disable, mark_dynamic / mark_static (shape
hints: every shape is static in a torchlike program, one program per shape), allow_in_graph, OptimizedModule
(also at torch._dynamo.eval_frame), is_compiling, external_utils, utils, exc."""
from __future__ import annotations

from .._compile import reset  # noqa: F401
from .._compile._module import OptimizedModule  # noqa: F401
from ..compiler import (allow_in_graph, assume_constant_result, disable, is_compiling, list_backends,  # noqa: F401
                        set_stance, substitute_in_graph)
from . import config, eval_frame, exc, external_utils, utils  # noqa: F401

__all__ = ["allow_in_graph", "assume_constant_result", "disallow_in_graph", "forbid_in_graph", "graph_break",
           "mark_dynamic", "maybe_mark_dynamic", "mark_static", "mark_static_address", "optimize", "export",
           "explain", "run", "is_compiling", "reset", "config", "OptimizedModule", "is_dynamo_supported",
           "list_backends", "lookup_backend", "register_backend", "disable", "set_stance"]


def _hint(t, name, value):
    try:
        setattr(t, name, value)
    except AttributeError:
        pass


def mark_dynamic(t, index, *, min=None, max=None, specialize_on=None):  # noqa: A002
    """A hint that dimension(s) `index` of `t` vary between calls (recorded on the tensor; torchlike compiles one
    program per shape)."""
    dims = set(getattr(t, "_dynamo_dynamic_indices", set()))
    dims.update(index if isinstance(index, (list, tuple)) else [index])
    _hint(t, "_dynamo_dynamic_indices", dims)


maybe_mark_dynamic = mark_dynamic


def mark_unbacked(t, index, *args, **kwargs):
    mark_dynamic(t, index)


def mark_static(t, index=None):
    """A hint that `t` (or one of its dimensions, or a module) keeps its shape."""
    _hint(t, "_dynamo_static_indices", set() if index is None else {index})
    return t


def mark_static_address(t, guard=True):
    """A hint that `t`'s storage does not move between calls (it never does in torchlike)."""
    from .._tensor import Tensor
    if not isinstance(t, Tensor):
        raise TypeError("mark_static_address expects a tensor but received " + str(type(t)))
    _hint(t, "_dynamo_static_input_type", "guarded" if guard else "unguarded")


def disallow_in_graph(fn):
    return fn


def forbid_in_graph(fn):
    return fn


def nonstrict_trace(fn):
    return fn


def dont_skip_tracing(fn=None):
    return fn if fn is not None else (lambda f: f)


def graph_break(msg=""):
    """Ends the graph here under PyTorch's dynamo; a no-op in eager code."""
    return None


def optimize(backend="inductor", *, nopython=False, guard_export_fn=None, guard_fail_fn=None, disable=False,
             dynamic=None, **kwargs):
    """torch._dynamo.optimize(backend): a decorator compiling with torch.compile."""
    from .._compile import compile as _compile

    def deco(fn):
        return _compile(fn, fullgraph=nopython, dynamic=dynamic, disable=disable)
    return deco


def optimize_assert(backend="inductor", **kwargs):
    return optimize(backend, nopython=True)


def run(fn=None):
    return fn if fn is not None else (lambda f: f)


def export(*args, **kwargs):
    raise RuntimeError("torch._dynamo.export builds an FX graph, which torchlike does not have; use torch.compile "
                       "(one XLA program) or torchlike.func / to_jax to reach JAX's export.")


def explain(fn, *args, **kwargs):
    raise RuntimeError("torch._dynamo.explain reports dynamo graph breaks, which do not exist on torchlike "
                       "(a compiled function is traced whole; see the compile section of docs/guide.md)")


_BACKENDS = {}


def register_backend(compiler_fn=None, name=None, tags=()):
    if compiler_fn is None:
        return lambda fn: register_backend(fn, name=name, tags=tags)
    _BACKENDS[name or compiler_fn.__name__] = compiler_fn
    return compiler_fn


def lookup_backend(compiler_fn):
    if isinstance(compiler_fn, str):
        if compiler_fn not in _BACKENDS and compiler_fn not in list_backends(exclude_tags=()):
            raise exc.InvalidBackend(name=compiler_fn)
        return _BACKENDS.get(compiler_fn, compiler_fn)
    return compiler_fn


def is_dynamo_supported():
    return eval_frame.is_dynamo_supported()


def is_inductor_supported():
    return True


def reset_code_caches():
    reset()
