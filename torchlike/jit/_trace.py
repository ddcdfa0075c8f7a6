"""torch.jit.trace: a function or module's computation on example inputs as one compiled XLA program.

`trace(fn, example_inputs)` runs fn eagerly, warning (TracerWarning, PyTorch's messages) each time the code
turns a tensor into a Python value and recording those values (jit/_state.py); with check_trace=True (the default)
it runs it a second time, as PyTorch's trace checker re-traces it (so the warnings appear twice, as in PyTorch). The result (a ScriptFunction, or a
TopLevelTracedModule mirroring the module: same parameter/buffer tensors, mirrored submodules) runs the traced
computation through torch.compile's machinery (_compile/_module.run_forward): one jitted program per argument
shapes/dtypes, its backward one jitted VJP. Rebuilding the program replays the recorded values, so data-dependent
Python control flow is frozen to the path the example inputs took, as PyTorch's trace freezes it; the modules'
training flags are those of the original modules (a traced graph keeps the mode it was traced in).
"""
from __future__ import annotations

import warnings

from ..nn.modules.module import Module
from .._tensor import Tensor
from . import _state
from ._script import ScriptFunction, ScriptModule, _Graph, _mirror_into, _source

TracerWarning = _state.TracerWarning


class TracingCheckError(Exception):
    def __init__(self, graph_diff_error, tensor_compare_error, extra_msg=None):
        self.message = "Tracing failed sanity checks!\n" + (extra_msg or "") + (graph_diff_error or "") + \
            (tensor_compare_error or "")
        super().__init__(self.message)


class _TracedMethod:
    """One traced method: the recorded conversions and the compiled programs per argument signature."""

    def __init__(self, fn, values, params, state):
        self.fn, self.values, self.params, self.state = fn, values, params, state
        self.programs = {}
        self.eager = False

    def body(self, *args, **kwargs):
        with _state.installed(_state.Replayer(self.values)):
            return self.fn(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        if self.eager:
            return self.fn(*args, **kwargs)
        from .._compile._module import run_forward
        try:
            return run_forward(self.programs, self.body, self.params(), self.state(), args, kwargs)
        except _TRACE_ERRORS:
            self.eager = True      # the recorded path cannot be replayed: run the Python code from now on
            return self.fn(*args, **kwargs)

    def build(self, args, kwargs):
        """Trace the program for the example inputs now (no execution), for `.graph`."""
        from .._compile._module import build_forward
        try:
            build_forward(self.programs, self.body, self.params(), self.state(), args, kwargs)
        except _TRACE_ERRORS:
            self.eager = True

    def graph(self):
        if not self.programs:
            return "graph(<not traced>)\n"
        prog = next(iter(self.programs.values()))[0]
        return f"graph({getattr(self.fn, '__qualname__', 'forward')}):\n" + str(prog.jaxpr)


def _trace_errors():
    import jax
    return (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
            jax.errors.TracerBoolConversionError, jax.errors.TracerIntegerConversionError)


_TRACE_ERRORS = _trace_errors()


def _as_tuple(example_inputs):
    if example_inputs is None:
        return ()
    return example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)


def _record(fn, args, kwargs, check_trace=False):
    """Run fn eagerly with the conversion recorder; check_trace: run it once more, as PyTorch's trace checker
    re-traces the function (its TracerWarnings appear twice, as in PyTorch)."""
    rec = _state.Recorder()
    with _state.installed(rec):
        out = fn(*args, **kwargs)
    _check_outputs(out)
    if check_trace:
        with _state.installed(_state.Recorder()):
            fn(*args, **kwargs)
    return rec.values


def _check_outputs(out):
    if isinstance(out, Tensor) or out is None:
        return
    if isinstance(out, (tuple, list)):
        for o in out:
            _check_outputs(o)
        return
    if isinstance(out, dict):
        for o in out.values():
            _check_outputs(o)
        return
    if isinstance(out, (int, float, bool, str)):
        return
    raise RuntimeError(f"Tracer cannot infer type of {out!r}\n:Only tensors and (possibly nested) tuples of tensors, "
                       "lists, or dicts are supported as inputs or outputs of traced functions, but instead got value "
                       f"of type {type(out).__name__}.")


class TracedModule(ScriptModule):
    """A traced module (a submodule of a traced module, or TopLevelTracedModule): a mirror of the original module
    whose traced methods run compiled; others run the original's Python code."""

    def __init__(self, orig=None):
        super().__init__()
        self.__dict__["_traced_methods"] = {}
        if orig is not None:
            _mirror_into(self, orig, TracedModule)

    def forward(self, *args, **kwargs):
        m = self.__dict__["_traced_methods"].get("forward")
        if m is not None:
            return m(*args, **kwargs)
        return self.__dict__["_orig_module"](*args, **kwargs)

    def __getattr__(self, name):
        d = self.__dict__
        if name in d.get("_traced_methods", ()):
            return d["_traced_methods"][name]
        try:
            return super().__getattr__(name)
        except AttributeError:
            orig = d.get("_orig_module")
            if orig is None or name.startswith("__"):
                raise
            return getattr(orig, name)

    def _get_name(self):
        return type(self.__dict__["_orig_module"]).__name__

    def extra_repr(self):
        return f"original_name={self.original_name}"

    @property
    def original_name(self):
        return type(self.__dict__["_orig_module"]).__name__

    @property
    def graph(self):
        m = self.__dict__["_traced_methods"].get("forward")
        return _Graph(m.graph() if m is not None else _source(type(self.__dict__["_orig_module"]).forward))

    @property
    def code(self):
        return str(self.graph)

    def __getstate__(self):
        raise RuntimeError("ScriptModules cannot be pickled; use torch.jit.save (or torch.save(module.state_dict()))")

    def __reduce_ex__(self, proto):
        self.__getstate__()


class TopLevelTracedModule(TracedModule):
    pass


def _trace_method(mod, name, args, kwargs, check_trace):
    fn = getattr(mod, name) if name != "forward" else mod
    values = _record(fn, args, kwargs, check_trace)
    mods = list(mod.modules())
    m = _TracedMethod(fn, values, lambda: list(mod.parameters()), lambda: tuple(x.training for x in mods))
    m.build(args, kwargs)
    return m


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
          _store_inputs=True):
    """torch.jit.trace (see module doc)."""
    warnings.warn("`torch.jit.trace` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning)
    if not _state._enabled:
        return func
    if optimize is not None:
        warnings.warn("`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` "
                      "instead", FutureWarning, stacklevel=2)
    if isinstance(func, ScriptModule):
        warnings.warn("The input to trace is already a ScriptModule, tracing it is a no-op. Returning the object "
                      "as is.", stacklevel=2)
        return func
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("example_kwarg_inputs or example_inputs must be provided")
    args = _as_tuple(example_inputs)
    kwargs = dict(example_kwarg_inputs or {})
    if isinstance(func, Module):
        return _trace_module(func, {"forward": (args, kwargs)}, check_trace)
    self_obj = getattr(func, "__self__", None)
    if isinstance(self_obj, Module) and getattr(func, "__name__", None) is not None:
        top = _trace_module(self_obj, {func.__name__: (args, kwargs)}, check_trace)
        return top if func.__name__ == "forward" else getattr(top, func.__name__)
    values = _record(func, args, kwargs, check_trace)
    m = _TracedMethod(func, values, lambda: [], lambda: None)
    m.build(args, kwargs)
    return ScriptFunction(func, runner=m, graph=m.graph)


def _trace_module(mod, inputs, check_trace):
    top = TopLevelTracedModule(mod)
    for name, (args, kwargs) in inputs.items():
        _add_method(top, name, _trace_method(mod, name, args, kwargs, check_trace))
    return top


def _add_method(top, name, method):
    top.__dict__["_traced_methods"][name] = method
    if name != "forward":
        top.__dict__[name] = method          # ahead of Module's own methods of that name (e.g. .double())


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
                 strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg=False, _store_inputs=True):
    """torch.jit.trace_module: trace several methods, `inputs` = {method name: example inputs}."""
    warnings.warn("`torch.jit.trace_method` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning)
    if not _state._enabled:
        return mod
    if not isinstance(mod, Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    spec = {}
    for name, ex in inputs.items():
        spec[name] = ((), dict(ex)) if example_inputs_is_kwarg else (_as_tuple(ex), {})
    return _trace_module(mod, spec, check_trace)


def is_tracing():
    """True while torch.jit.trace runs the function (and while its program is built)."""
    return _state.is_tracing()


def _get_trace_graph(f, args=(), kwargs=None, strict=True, _force_outplace=False, return_inputs=False,
                     _return_inputs_states=False):
    raise RuntimeError("torch.jit._get_trace_graph builds TorchScript IR, which does not exist on torchlike; use "
                       "torch.jit.trace(f, args).graph for a readable description")
