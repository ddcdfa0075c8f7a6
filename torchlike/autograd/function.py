"""torch.autograd.Function: user-defined forward/backward pairs on the tape."""
from __future__ import annotations

import functools

import jax

from . import grad_mode
from ._graph import PyVJP, _RELEASED, record, save_versions

_FLOAT0 = jax.dtypes.float0

__all__ = ["Function", "FunctionCtx", "once_differentiable", "InplaceFunction", "NestedIOFunction"]


class FunctionCtx:
    """The `ctx` of a Function: saved tensors, flags, and anything the user stores on it."""

    def __init__(self):
        self.to_save = ()
        self._saved = None
        self._released = False
        self.needs_input_grad = ()
        self.dirty_tensors = ()
        self.non_differentiable = ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        from .graph import current_hooks
        self.to_save = tensors
        self._hooks = current_hooks()          # saved_tensors_hooks active now: pack now, unpack when read
        if self._hooks is not None:
            self._packed = tuple(None if t is None else self._hooks[0](t) for t in tensors)

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    @property
    def saved_tensors(self):
        if self._released:
            raise RuntimeError(_RELEASED)
        if getattr(self, "_hooks", None) is not None:
            return tuple(None if p is None else self._hooks[1](p) for p in self._packed)
        return tuple(self.to_save)

    def mark_dirty(self, *args):
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class _FunctionVJP(PyVJP):
    """Runs the user's backward: arrays in/out on the plain path, Tensors (recorded) under create_graph."""

    __slots__ = ("cls", "ctx", "slots", "n_out", "out_meta")

    def __init__(self, cls, ctx, slots, n_out, out_meta):
        self.cls, self.ctx, self.slots, self.n_out, self.out_meta = cls, ctx, slots, n_out, out_meta

    def _run(self, grads_in):
        res = self.cls.backward(self.ctx, *grads_in)
        if not isinstance(res, tuple):
            res = (res,)
        n_args = len(self.ctx.needs_input_grad)
        if len(res) < n_args:
            raise RuntimeError(f"function {self.cls.__name__}Backward returned an incorrect number of gradients "
                               f"(expected {n_args}, got {len(res)})")
        if len(res) > n_args:
            if any(r is not None for r in res[n_args:]):
                raise RuntimeError(f"function {self.cls.__name__}Backward returned an incorrect number of gradients "
                                   f"(expected {n_args}, got {len(res)})")
            res = res[:n_args]
        return [res[i] for i in self.slots]

    def __call__(self, ct):
        from .._tensor import Tensor, from_array
        cts = ct if isinstance(ct, tuple) else (ct,)
        grads_in = [None if c.dtype == _FLOAT0 else from_array(c) for c in cts]
        with grad_mode.no_grad():
            out = self._run(grads_in)
        grads = []
        for g, (shape, dt) in zip(out, self.out_meta):
            if g is None:
                grads.append(None)
                continue
            if not isinstance(g, Tensor):
                raise TypeError(f"expected Tensor or None as gradient, but got {type(g).__name__}")
            v = g._value()
            if v.shape != shape:
                if v.size == int(__import__("math").prod(shape)):
                    v = v.reshape(shape)
                else:
                    raise RuntimeError(f"Function {self.cls.__name__}Backward returned an invalid gradient at index "
                                       f"{len(grads)} - got [{', '.join(map(str, v.shape))}] but expected shape "
                                       f"compatible with [{', '.join(map(str, shape))}]")
            grads.append(v.astype(dt))
        return tuple(grads)

    def graph(self, cts):
        """create_graph: the user's backward runs with grad mode on, so its ops are recorded."""
        from .._tensor import from_array
        full = []
        for c, (shape, dt, diff) in zip(cts, self.ctx._out_meta):
            if c is None and diff:
                import jax.numpy as jnp
                c = from_array(jnp.zeros(shape, dt))
            full.append(c)
        if getattr(self.cls.backward, "_once_differentiable", False):
            with grad_mode.no_grad():
                return self._run(full)
        return self._run(full)


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_name = name + "Backward"


class Function(metaclass=_FunctionMeta):
    """Subclass with static `forward(ctx, *args)` (or `forward(*args)` + `setup_context`) and `backward(ctx, *grads)`;
    call with `.apply(*args)`."""

    generate_vmap_rule = False

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions are all static, so "
                      "you should invoke them on the class itself. Instantiating an autograd function will raise an "
                      "error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use new-style "
                           "autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with "
                                  "forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        new_style = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if new_style:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        outs = (out,) if single else tuple(out)
        if not (grad_mode.is_grad_enabled() and any(ctx.needs_input_grad)):
            return out
        dirty = {id(t) for t in ctx.dirty_tensors}
        nondiff = {id(t) for t in ctx.non_differentiable}
        fixed = []
        for o in outs:
            if isinstance(o, Tensor) and id(o) not in dirty and any(o is a for a in args):
                with grad_mode.no_grad():
                    o = o.view_as(o)            # an input returned as is becomes a new alias of it
            fixed.append(o)
        t_outs = [o for o in fixed if isinstance(o, Tensor)]
        slots = [i for i, n in enumerate(ctx.needs_input_grad) if n]
        inputs = [args[i] for i in slots]
        ctx._out_meta = tuple((o._size, o._dtype.np, o._dtype.is_floating_point or o._dtype.is_complex)
                              for o in t_outs)
        vjp = _FunctionVJP(cls, ctx, slots, len(t_outs), [(a._size, a._dtype.np) for a in inputs])
        node = record(cls._backward_name, tuple(t_outs) if len(t_outs) != 1 else t_outs[0], inputs, vjp)
        node._tuple = len(t_outs) != 1
        node.metadata["ctx"] = ctx
        for o in t_outs:
            if id(o) in nondiff:
                o._grad_fn, o._requires_grad = None, False
        if ctx.to_save:
            save_versions(node, [t for t in ctx.to_save if isinstance(t, Tensor) and not any(t is o for o in t_outs)],
                          [(k, o) for k, o in enumerate(t_outs) if any(t is o for t in ctx.to_save)])
        fixed = tuple(fixed)
        return fixed[0] if single else fixed


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        self.inplace = inplace


class NestedIOFunction(Function):
    pass


def once_differentiable(fn):
    """Marks a backward that is not itself differentiable: it runs under no_grad even with create_graph."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)
    wrapper._once_differentiable = True
    return wrapper
