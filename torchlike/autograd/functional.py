"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp computed on the tape (as PyTorch does)."""
from __future__ import annotations

from . import grad_mode

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x, name, fn_name):
    from .._tensor import Tensor
    if isinstance(x, Tensor):
        return False, (x,)
    if not isinstance(x, tuple):
        if isinstance(x, list):
            x = tuple(x)
        else:
            raise TypeError(f"The {name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the "
                            f"value at index 0 has type {type(x)}.")
    for i, t in enumerate(x):
        if not isinstance(t, Tensor):
            raise TypeError(f"The {name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the "
                            f"value at index {i} has type {type(t)}.")
    return True, x


def _grad_preprocess(inputs, create_graph):
    if create_graph:
        return tuple(i if i._requires_grad else i.view_as(i).requires_grad_() for i in inputs)
    return tuple(i.detach().requires_grad_(True) for i in inputs)


def _grad(outputs, inputs, grad_outputs, create_graph, retain_graph=True):
    from . import grad as _agrad
    outs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o._requires_grad]
    if not outs:
        return (None,) * len(inputs)
    return _agrad([o for o, _ in outs], inputs, [g for _, g in outs], retain_graph=retain_graph,
                  create_graph=create_graph, allow_unused=True)


def _fill(grads, inputs, strict, create_graph, what):
    from .._ops.creation import zeros_like
    out = []
    for i, (g, x) in enumerate(zip(grads, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is "
                                   f"not allowed in strict mode{what}.")
            g = zeros_like(x)
        out.append(g if create_graph else g.detach())
    return tuple(out)


def _unwrap(is_tuple, xs):
    return xs if is_tuple else xs[0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J)."""
    from .._ops.creation import ones_like
    with grad_mode.enable_grad():
        is_in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph)
        outputs = func(*inputs)
        is_out_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", "vjp")
        if v is None:
            if len(outputs) != 1 or outputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                                   "Tensor with a single element.")
            v = (ones_like(outputs[0]),)
        else:
            _, v = _as_tuple(v, "v", "vjp")
        grads = _grad(outputs, inputs, v, create_graph)
        res = _fill(grads, inputs, strict, create_graph, "")
    outs = tuple(o if create_graph else o.detach() for o in outputs)
    return _unwrap(is_out_tuple, outs), _unwrap(is_in_tuple, res)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v), by the double-vjp trick PyTorch uses."""
    from .._ops.creation import ones_like, zeros_like
    with grad_mode.enable_grad():
        is_in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph)
        if v is None:
            if len(inputs) != 1 or inputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                                   "single Tensor with a single element.")
            v = (ones_like(inputs[0]),)
        else:
            _, v = _as_tuple(v, "v", "jvp")
        outputs = func(*inputs)
        is_out_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", "jvp")
        dummy = tuple(zeros_like(o).requires_grad_(True) for o in outputs)
        g = _grad(outputs, inputs, dummy, create_graph=True)
        pairs = [(gi, vi) for gi, vi in zip(g, v) if gi is not None and gi._requires_grad]
        from . import grad as _agrad
        if pairs:
            res = _agrad([p[0] for p in pairs], dummy, [p[1] for p in pairs], create_graph=create_graph,
                         allow_unused=True, retain_graph=True)
        else:
            res = (None,) * len(dummy)
        res = _fill(res, outputs, strict, create_graph, "")
    outs = tuple(o if create_graph else o.detach() for o in outputs)
    return _unwrap(is_out_tuple, outs), _unwrap(is_out_tuple, res)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """d func(inputs) / d inputs: shape output.shape + input.shape, nested tuples for tuple inputs/outputs."""
    from .._ops.creation import zeros
    from .._ops import FUNCTIONS
    stack = FUNCTIONS["stack"]
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
                         'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, '
                         'prefer to use "reverse-mode".')
    with grad_mode.enable_grad():
        is_in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph)
        outputs = func(*inputs)
        is_out_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", "jacobian")
        jac = []
        for o in outputs:
            flat = o.reshape(-1)
            rows = [[] for _ in inputs]
            for j in range(flat.numel()):
                g = _grad((flat[j],), inputs, (None,), create_graph) if flat._requires_grad else (None,) * len(inputs)
                for k, (gk, x) in enumerate(zip(g, inputs)):
                    if gk is None:
                        if strict:
                            raise RuntimeError(f"Output {len(jac)} of the user-provided function is independent of "
                                               f"input {k}. This is not allowed in strict mode.")
                        gk = zeros(x._size, dtype=x.dtype, device=x.device)
                    rows[k].append(gk if create_graph else gk.detach())
            per_in = []
            for k, x in enumerate(inputs):
                if rows[k]:
                    j_k = stack(rows[k]).reshape(tuple(o._size) + tuple(x._size))
                else:
                    j_k = zeros(tuple(o._size) + tuple(x._size), dtype=x.dtype, device=x.device)
                per_in.append(j_k)
            jac.append(tuple(per_in))
    if is_out_tuple:
        return tuple(_unwrap(is_in_tuple, j) for j in jac)
    return _unwrap(is_in_tuple, jac[0])


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    is_in_tuple, t_inputs = _as_tuple(inputs, "inputs", "hessian")

    def ensure_single(*inp):
        out = func(*inp)
        is_t, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if is_t or t_out[0].numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor with a single element.")
        return t_out[0].reshape(())

    def jac_func(*inp):
        j = jacobian(ensure_single, inp, create_graph=True, strict=strict)
        return j
    res = jacobian(jac_func, t_inputs, create_graph=create_graph, strict=strict)   # tuple (out) of tuples (in)
    return res if is_in_tuple else res[0][0]


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    return _hv(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    return _hv(func, inputs, v, create_graph, strict, "hvp")


def _hv(func, inputs, v, create_graph, strict, name):
    """For a scalar func the Hessian is symmetric: v^T H == H v; both computed as d(grad . v)/d inputs."""
    from .._ops.creation import ones_like
    with grad_mode.enable_grad():
        is_in_tuple, inputs = _as_tuple(inputs, "inputs", name)
        inputs = _grad_preprocess(inputs, create_graph)
        out = func(*inputs)
        is_t, outs = _as_tuple(out, "outputs of the user-provided function", name)
        if is_t or outs[0].numel() != 1:
            raise RuntimeError(f"The function given to {name} should return a single Tensor with a single element.")
        if v is None:
            if len(inputs) != 1 or inputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                                   "single Tensor with a single element.")
            v = (ones_like(inputs[0]),)
        else:
            _, v = _as_tuple(v, "v", name)
        g = _grad(outs, inputs, (None,), create_graph=True)
        g = _fill(g, inputs, strict, True, "")
        pairs = [(gi, vi) for gi, vi in zip(g, v) if gi._requires_grad]
        from . import grad as _agrad
        res = _agrad([p[0] for p in pairs], inputs, [p[1] for p in pairs], create_graph=create_graph,
                     allow_unused=True, retain_graph=True) if pairs else (None,) * len(inputs)
        res = _fill(res, inputs, strict, create_graph, "")
    o = outs[0] if create_graph else outs[0].detach()
    return o, _unwrap(is_in_tuple, res)
