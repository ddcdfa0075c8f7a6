"""The op table: each torch op is one pure JAX function plus metadata; dispatch runs it as a cached jitted kernel.

An entry's function takes torch's parameters by torch's names. Parameters listed in `tensors` receive
jax arrays (or Python numbers, passed as traced scalars); every other parameter is static (part of the
kernel's cache key). The dtype rule computes the dtype the inputs are cast to and the result's dtype
with PyTorch's promotion, so the kernel itself never relies on JAX's promotion.
"""
from __future__ import annotations

import inspect
import re

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D

OPS: dict[str, "Op"] = {}
_REQUIRED = inspect.Parameter.empty


def camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.strip("_").split("_"))


_ATOMS = frozenset((int, float, bool, str, type(None)))


def freeze(v):
    """Make a static argument hashable (lists -> tuples, dtypes/devices stay)."""
    if type(v) in _ATOMS:
        return v
    if isinstance(v, list):
        return tuple(freeze(x) for x in v)
    if isinstance(v, tuple):
        return tuple(freeze(x) for x in v)
    if isinstance(v, np.ndarray):
        return ("__nd__", v.shape, str(v.dtype), v.tobytes())
    if hasattr(v, "_storage") and hasattr(v, "item") and v.numel() == 1:
        return v.item()          # a one-element tensor given for a scalar parameter (alpha=torch.tensor(0.5))
    return v


class Op:
    """One entry of the op table."""

    layout = None       # how the result's strides follow the inputs' layout (set by layout_ops.mark)
    out_check = None    # torch's dtype rule for an out= tensor (set by out_checks.mark)

    def __init__(self, name, fn, *, tensors=("input",), cast=None, dtype="promote", grad=None,
                 method=True, function=True, inplace=False, out=False, differentiable=True,
                 returns=None, aliases=(), method_aliases=(), nondiff=(), check=None, doc=None, tensor_only=(), inplace_exact=False, dtype_from_out=False,
                 recompute=None, reject=(), inplace_reject=(), no_derivative=None):
        self.name = name
        self.fn = fn
        # Backward from saved inputs (the forward runs as the plain kernel; the VJP recomputes what it needs, and
        # XLA drops the rest) or from residuals returned by a forward-with-VJP kernel (ops whose forward is costly
        # and whose VJP needs its outputs: decompositions, sorts, recurrences).
        self.recompute = (fn.__module__.rsplit(".", 1)[-1] not in _RESIDUAL_MODULES) if recompute is None \
            else recompute
        sig = inspect.signature(fn)
        self.names = tuple(sig.parameters)
        self.index = {n: i for i, n in enumerate(self.names)}
        self.defaults = tuple(p.default for p in sig.parameters.values())
        self.required = tuple(i for i, d in enumerate(self.defaults) if d is _REQUIRED)
        self.npos = sum(p.kind == p.POSITIONAL_OR_KEYWORD for p in sig.parameters.values())
        self.tensor_params = tuple(t.rstrip("*") for t in tensors)
        self.list_params = frozenset(t.rstrip("*") for t in tensors if t.endswith("*"))
        self.tensor_idx = tuple(self.index[t] for t in self.tensor_params)
        self.static_idx = tuple(i for i in range(len(self.names)) if i not in self.tensor_idx)
        self.cast = self.tensor_params if cast is None else tuple(cast)
        self.cast_mask = tuple(t in self.cast for t in self.tensor_params)
        self.cast_idx = tuple(i for i, c in zip(self.tensor_idx, self.cast_mask) if c)
        self.nondiff = frozenset(nondiff)
        self.tensor_only = tuple(self.index[t] for t in tensor_only)   # params that reject Python numbers
        self.dtype_rule = dtype if callable(dtype) else DTYPE_RULES[dtype]
        self.grad_name = grad or (camel(name) + "Backward0")
        self.method, self.function, self.inplace, self.out = method, function, inplace, out
        self.differentiable = differentiable
        # {param: label}: torch has no derivative for these inputs; backward raises NotImplementedError("the
        # derivative for '<label>' is not implemented.") when one of them requires grad
        self.no_derivative = no_derivative
        self.returns = returns
        self.aliases, self.method_aliases = tuple(aliases), tuple(method_aliases)
        self.check = check            # optional eager validation: check(*bound_values) (all positionally) raises
        #                               torch's errors, so a check function must not declare keyword-only params
        self.inplace_exact = inplace_exact   # x.op_() needs the result dtype to equal x's (float_power_)
        self.dtype_from_out = dtype_from_out  # op(..., out=o) computes in o's dtype (sum/prod overloads)
        self.kernels = {}
        self.__doc__ = doc
        # dtypes torch has no kernel for: ((categories, exception type, message), ...) checked by dispatch on the
        # dtype the op computes in (see not_for/unsupported below)
        self.reject = (reject,) if reject and isinstance(reject[0], frozenset) else tuple(reject)
        self.inplace_reject = (inplace_reject,) if inplace_reject and isinstance(inplace_reject[0], frozenset) \
            else tuple(inplace_reject)        # the same, on self's dtype, for x.op_() only

    def bind(self, args, kwargs):
        n = len(args)
        if n > self.npos:
            raise TypeError(f"{self.name}() takes {self.npos} positional arguments but {n} were given")
        vals = list(args)
        vals.extend(self.defaults[n:])
        if kwargs:
            for k, v in kwargs.items():
                i = self.index.get(k)
                if i is None or i < n:
                    raise TypeError(f"{self.name}() got an unexpected keyword argument '{k}'" if i is None
                                    else f"{self.name}() got multiple values for argument '{k}'")
                vals[i] = v
        for i in self.required:
            if i >= n and vals[i] is _REQUIRED:
                raise TypeError(f"{self.name}() missing required argument '{self.names[i]}'")
        return vals

    def kernel(self, statics, cast_dtype, out_dtypes, grad_mask):
        key = (statics, tuple(map(type, statics)), cast_dtype, out_dtypes, grad_mask)   # True != 1 here
        k = self.kernels.get(key)
        if k is None:
            k = self.kernels[key] = _build_kernel(self, statics, cast_dtype, out_dtypes, grad_mask)
        return k

    def masked_pure(self, statics, cast_dtype, out_dtypes, grad_mask):
        """(key, f(diff, rest) -> out): the kernel's pure function, for recomputation (create_graph)."""
        key = (self.name, statics, tuple(map(type, statics)), cast_dtype, out_dtypes, grad_mask)
        return key, self.kernel(statics, cast_dtype, out_dtypes, grad_mask).masked_pure


def _build_kernel(op, statics, cast_dtype, out_dtypes, grad_mask):
    fn, names, tidx, sidx, cmask, npos = op.fn, op.names, op.tensor_idx, op.static_idx, op.cast_mask, op.npos
    npc = cast_dtype.np if cast_dtype is not None else None

    def cast(a, c):
        if a is None or not c or npc is None:
            return a
        if isinstance(a, (tuple, list)):
            return tuple(x if x is None else jnp.asarray(x, npc) for x in a)
        return jnp.asarray(a, npc)

    def pure(*dyn):
        vals = [None] * len(names)
        for i, v in zip(sidx, statics):
            vals[i] = v
        for i, a, c in zip(tidx, dyn, cmask):
            vals[i] = cast(a, c)
        out = fn(*vals[:npos], **dict(zip(names[npos:], vals[npos:])))
        if out_dtypes is None:
            return out
        if isinstance(out, tuple):
            return tuple(o if d is None else o.astype(d.np) for o, d in zip(out, out_dtypes))
        return out.astype(out_dtypes[0].np)

    if grad_mask is None:
        return jax.jit(pure)

    # forward that also returns the VJP (a pytree of residuals), differentiating the masked slots only
    def masked(diff, rest):
        it, jt = iter(diff), iter(rest)
        return pure(*[next(it) if m else next(jt) for m in grad_mask])

    def fwd(diff, rest):
        return jax.vjp(lambda *d: masked(d, rest), *diff)
    k = jax.jit(fwd)
    return _Kernel(k, masked)


class _Kernel:
    """A jitted forward-with-VJP plus its pure masked function (for create_graph's recomputation) and, built on
    first use, a jitted backward from saved inputs: bwd(diff, rest, cotangent) -> gradients of the diff slots."""

    __slots__ = ("__call__", "masked_pure", "_bwd")

    def __init__(self, jitted, masked):
        self.__call__ = jitted
        self.masked_pure = masked
        self._bwd = None

    def vjp_of(self, diff, rest, ct):
        """The VJP recomputed from the inputs (pure; traced inside the fused backward)."""
        masked = self.masked_pure
        return jax.vjp(lambda *d: masked(d, rest), *diff)[1](ct)

    @property
    def bwd(self):
        if self._bwd is None:
            self._bwd = jax.jit(self.vjp_of)
        return self._bwd


_RESIDUAL_MODULES = frozenset({"linalg", "linalg_extra", "linalg_ops", "sorting", "spectral", "nn_rnn",
                               "extra_stats"})


# --- dtype rules: (op, bound values, tensor dtypes of the tensor params) -> (cast dtype, (out dtypes...)) ---

def _operands(op, vals):
    return [vals[i] for i in op.cast_idx]


def _common_dtype(op, vals):
    """The dtype all operands share when they are all tensors of one dtype (the hot path), else None."""
    d = None
    for i in op.cast_idx:
        v = vals[i]
        t = getattr(v, "_dtype", None)
        if t is None or (d is not None and t is not d):
            return None
        d = t
    return d


def rule_promote(op, vals):
    r = _common_dtype(op, vals) or D.result_type(*_operands(op, vals))
    return r, (r,)


def rule_promote_float(op, vals):
    r = _common_dtype(op, vals) or D.result_type(*_operands(op, vals))
    if r._category <= 1:
        r = D.get_default_dtype()
    return r, (r,)


def rule_compare(op, vals):
    r = _common_dtype(op, vals) or D.result_type(*_operands(op, vals))
    return r, (D.bool_,)


def rule_same(op, vals):
    d = vals[op.tensor_idx[0]].dtype
    return d, (d,)


def rule_keep(op, vals):
    return None, None


def rule_bool_out(op, vals):
    return None, (D.bool_,)


def rule_float_real(op, vals):
    """abs of complex etc: same category but real-valued result."""
    d = vals[op.tensor_idx[0]].dtype
    return d, (d.to_real(),)


DTYPE_RULES = {
    "promote": rule_promote, "promote_float": rule_promote_float, "float": rule_promote_float,
    "compare": rule_compare, "same": rule_same, "keep": rule_keep, "bool": rule_bool_out,
    "real": rule_float_real,
}


_CATEGORIES = {"b": 0, "i": 1, "f": 2, "c": 3}


def unsupported(cats, message, exc=NotImplementedError):
    """An op's `reject=` rule: for dtype categories `cats` ('b' bool, 'i' integral, 'f' floating, 'c' complex)
    raise `exc(message)`; `message` may hold '{dtype}' (torch's scalar type name) or be a callable
    (bound values, dtype name) -> str (or the exception to raise) when the wording depends on the overload."""
    return frozenset(_CATEGORIES[c] for c in cats), exc, message


def not_for(cats, kernel):
    """torch's NotImplementedError '"<kernel>" not implemented for '<dtype>'' for the categories in `cats`."""
    return unsupported(cats, f'"{kernel}" not implemented for \'{{dtype}}\'')


def register(name=None, **meta):
    """Decorator: `@register('add', tensors=('input', 'other'), inplace=True, out=True)`."""
    def deco(fn):
        op = Op(name or fn.__name__.rstrip("_"), fn, **meta)
        if op.name in OPS:
            raise ValueError(f"op {op.name} registered twice")
        OPS[op.name] = op
        return fn
    return deco


def defop(name, fn, **meta):
    op = Op(name, fn, **meta)
    if name in OPS:
        raise ValueError(f"op {name} registered twice")
    OPS[name] = op
    return op


_snake = re.compile(r"(?<!^)(?=[A-Z])")
