"""torch.func on JAX: functional_call and JAX transforms (grad, vjp, jvp, vmap, jacrev, jacfwd, hessian) over
functions written with torchlike ops. Inputs may be Tensors or jax.Arrays; results come back in the same kind, so
these compose with jax.jit / jax.grad / jax.vmap."""
from __future__ import annotations

import contextlib
import functools

import jax

from . import _jax_bridge as B
from ._tensor import Tensor, from_array
from .autograd import _graph, grad_mode

__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "vmap", "jacrev", "jacfwd", "hessian",
           "stack_module_state"]


@contextlib.contextmanager
def _reparametrize(module, tensors, strict=False):
    """Temporarily replace the module's parameters/buffers named in `tensors` (dotted names)."""
    saved = []
    names = {n for n, _ in module.named_parameters(remove_duplicate=False)} | \
            {n for n, _ in module.named_buffers(remove_duplicate=False)}
    if strict:
        missing = sorted(names - set(tensors))
        unexpected = sorted(set(tensors) - names)
        if missing or unexpected:
            msg = []
            if unexpected:
                msg.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
            if missing:
                msg.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
            raise RuntimeError("Error(s) in reparametrizing for " + type(module).__name__ + ":\n\t" + "\n\t".join(msg))
    try:
        for name, value in tensors.items():
            *path, leaf = name.split(".")
            mod = module
            for p in path:
                mod = getattr(mod, p)
            if not isinstance(value, Tensor):
                value = B.from_jax(value)
            d = mod.__dict__
            for kind in ("_parameters", "_buffers"):
                if leaf in d.get(kind, {}):
                    saved.append((d[kind], leaf, d[kind][leaf]))
                    d[kind][leaf] = value
                    break
            else:
                saved.append((d, leaf, d.get(leaf, _MISSING)))
                d[leaf] = value
        yield
    finally:
        for holder, leaf, old in reversed(saved):
            if old is _MISSING:
                holder.pop(leaf, None)
            else:
                holder[leaf] = old


_MISSING = object()


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """module(*args, **kwargs) with its parameters/buffers replaced by the given tensors or jax arrays."""
    if isinstance(parameter_and_buffer_dicts, (list, tuple)):
        merged = {}
        for d in parameter_and_buffer_dicts:
            dup = set(merged) & set(d)
            if dup:
                raise ValueError(f"{', '.join(sorted(dup))} appeared in multiple dictionaries; behavior of "
                                 "functional call is ambiguous")
            merged.update(d)
        parameter_and_buffer_dicts = merged
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    kwargs = kwargs or {}
    leaves = jax.tree_util.tree_leaves((parameter_and_buffer_dicts, args, kwargs), is_leaf=B._is_tensor)
    jax_in = any(B._is_array(v) for v in leaves)
    with _reparametrize(module, parameter_and_buffer_dicts, strict):
        out = module(*B.tree_from_jax(args), **B.tree_from_jax(kwargs))
    return B.tree_to_jax(out) if jax_in else out


def _wrap(func, argnums_all=None):
    """func over Tensors -> a pure function over jax arrays (pytrees in, pytrees out)."""
    @functools.wraps(func)
    def pure(*args, **kwargs):
        with grad_mode.no_grad():
            out = func(*B.tree_from_jax(args), **B.tree_from_jax(kwargs))
        return B.tree_to_jax(out)
    return pure


def _in_kind(args):
    """True when the caller passed Tensors (results go back as Tensors)."""
    return any(isinstance(a, Tensor) for a in jax.tree_util.tree_leaves(args, is_leaf=B._is_tensor))


def _out(result, as_tensor):
    return B.tree_from_jax(result) if as_tensor else result


class _TransformVJP(_graph.PyVJP):
    """The backward of a whole transform application (the VJP of the transformed function)."""

    __slots__ = ("fn", "single")

    def __init__(self, fn, single):
        self.fn, self.single = fn, single

    def __call__(self, ct):
        return self.fn((ct,) if self.single else ct)


def _apply(jfn, args, kwargs=None):
    """jfn(*args, **kwargs) over jax arrays (a JAX transform of the user's function). Called with Tensors, it
    returns Tensors; those depend on the Tensor arguments that require grad through one autograd node, as torch.func
    transforms compose with autograd (outside any autograd context, or under no_grad, nothing requires grad)."""
    kwargs = kwargs or {}
    if not _in_kind((args, kwargs)):
        return jfn(*args, **kwargs)
    flat, tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=B._is_tensor)
    pos = [i for i, v in enumerate(flat) if isinstance(v, Tensor) and v._requires_grad]
    vals = [v._value() if isinstance(v, Tensor) else v for v in flat]
    if not pos or not grad_mode.is_grad_enabled():
        a, k = jax.tree_util.tree_unflatten(tree, vals)
        return B.tree_from_jax(jfn(*a, **k))
    out_tree = []

    def f(*diff):
        cur = list(vals)
        for i, x in zip(pos, diff):
            cur[i] = x
        a, k = jax.tree_util.tree_unflatten(tree, cur)
        leaves, otree = jax.tree_util.tree_flatten(jfn(*a, **k))
        out_tree.append(otree)
        return tuple(leaves)
    outs, fn = jax.vjp(f, *[vals[i] for i in pos])
    tensors = tuple(from_array(o) for o in outs)
    if any(t._dtype.is_floating_point or t._dtype.is_complex for t in tensors):
        _graph.record("FuncTransformBackward0", tensors if len(tensors) != 1 else tensors[0],
                      [flat[i] for i in pos], _TransformVJP(fn, len(tensors) == 1))
    return jax.tree_util.tree_unflatten(out_tree[-1], list(tensors))


def grad(func, argnums=0, has_aux=False):
    def g(*args, **kwargs):
        return _apply(lambda *a, **k: jax.grad(_wrap(func), argnums=argnums, has_aux=has_aux)(*a, **k), args, kwargs)
    return g


def grad_and_value(func, argnums=0, has_aux=False):
    def g(*args, **kwargs):
        def both(*a, **k):
            value, gr = jax.value_and_grad(_wrap(func), argnums=argnums, has_aux=has_aux)(*a, **k)
            return gr, value
        return _apply(both, args, kwargs)
    return g


def vjp(func, *primals, has_aux=False):
    n = len(primals)
    res = _apply(lambda *a: jax.vjp(_wrap(func), *a, has_aux=has_aux)[::2] if has_aux else
                 jax.vjp(_wrap(func), *a)[0], primals)
    out, aux = (res[0], res[1]) if has_aux else (res, None)

    def vjp_fn(*cts):
        return _apply(lambda *a: jax.vjp(_wrap(func), *a[:n], has_aux=has_aux)[1](*a[n:]), primals + cts)
    if has_aux:
        return out, vjp_fn, aux
    return out, vjp_fn


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    n = len(primals)
    return _apply(lambda *a: jax.jvp(_wrap(func), tuple(a[:n]), tuple(a[n:]), has_aux=has_aux),
                  tuple(primals) + tuple(tangents))


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    def v(*args, **kwargs):
        return _apply(lambda *a, **k: jax.vmap(_wrap(func), in_axes=in_dims if not isinstance(in_dims, list)
                                               else tuple(in_dims), out_axes=out_dims)(*a, **k), args, kwargs)
    return v


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    def j(*args):
        return _apply(lambda *a: jax.jacrev(_wrap(func), argnums=argnums, has_aux=has_aux)(*a), args)
    return j


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    def j(*args):
        return _apply(lambda *a: jax.jacfwd(_wrap(func), argnums=argnums, has_aux=has_aux)(*a), args)
    return j


def hessian(func, argnums=0):
    def h(*args):
        return _apply(lambda *a: jax.hessian(_wrap(func), argnums=argnums)(*a), args)
    return h


def stack_module_state(models):
    """(params, buffers) dicts whose leaves stack the models' tensors along a new leading dim (for vmap)."""
    import jax.numpy as jnp
    params = {k: B.from_jax(jnp.stack([dict(m.named_parameters())[k]._value() for m in models]))
              for k, _ in models[0].named_parameters()}
    buffers = {k: B.from_jax(jnp.stack([dict(m.named_buffers())[k]._value() for m in models]))
               for k, _ in models[0].named_buffers()}
    return params, buffers
