"""torch.autograd.gradcheck / gradgradcheck: the tape's gradients against central finite differences."""
from __future__ import annotations

import numpy as np

from . import grad_mode

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    pass


def _tensors(x):
    from .._tensor import Tensor
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _outputs(fn, inputs):
    from .._tensor import Tensor
    out = fn(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))


def _numerical(fn, inputs, diff_idx, eps):
    """Jacobian per (input, output) by central differences, perturbing each element of each input in place."""
    with grad_mode.enable_grad():      # fn may itself differentiate (gradgradcheck)
        outs0 = _outputs(fn, inputs)
        jac = {}
        for i in diff_idx:
            x = inputs[i]
            base = np.array(x.detach()._value())
            flat = base.reshape(-1)
            cols = [[] for _ in outs0]
            for k in range(flat.size):
                vals = []
                for sign in (1, -1):
                    p = flat.copy()
                    p[k] += sign * eps
                    x._assign(p.reshape(base.shape))
                    vals.append([np.array(o._value(), dtype=np.complex128 if o.is_complex() else np.float64)
                                 for o in _outputs(fn, inputs)])
                for j in range(len(outs0)):
                    cols[j].append(((vals[0][j] - vals[1][j]) / (2 * eps)).reshape(-1))
            x._assign(base)
            for j, o in enumerate(outs0):
                jac[(i, j)] = np.stack(cols[j], axis=1) if cols[j] else np.zeros((o.numel(), 0))
    return jac


def _analytical(fn, inputs, diff_idx):
    from . import grad as _agrad
    with grad_mode.enable_grad():
        outs = _outputs(fn, inputs)
        jac = {}
        for j, o in enumerate(outs):
            flat = o.reshape(-1)
            rows = {i: [] for i in diff_idx}
            for k in range(flat.numel()):
                if not o._requires_grad:
                    for i in diff_idx:
                        rows[i].append(np.zeros(inputs[i].numel()))
                    continue
                g = _agrad(flat[k], [inputs[i] for i in diff_idx], retain_graph=True, allow_unused=True)
                for i, gi in zip(diff_idx, g):
                    rows[i].append(np.zeros(inputs[i].numel()) if gi is None else
                                   np.array(gi._value(), dtype=np.float64).reshape(-1))
            for i in diff_idx:
                jac[(i, j)] = np.stack(rows[i], axis=0) if rows[i] else np.zeros((0, inputs[i].numel()))
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """True if the tape's gradients of `func` at `inputs` match float64 finite differences."""
    inputs = _tensors(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if getattr(x, "_requires_grad", False)]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    for i in diff_idx:
        if inputs[i].dtype.name not in ("float64", "complex128"):
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", UserWarning, stacklevel=2)
    num = _numerical(func, inputs, diff_idx, eps)
    ana = _analytical(func, inputs, diff_idx)
    for (i, j), n in num.items():
        a = ana[(i, j)]
        n = n.reshape(a.shape) if n.size == a.size else n
        if not np.allclose(a, n, rtol=rtol, atol=atol):
            if raise_exception:
                raise GradcheckError(f"Jacobian mismatch for output {j} with respect to input {i},\n"
                                     f"numerical:{_fmt(n)}\nanalytical:{_fmt(a)}\n")
            return False
    return True


def _fmt(a):
    from .._tensor import from_array
    import jax.numpy as jnp
    return repr(from_array(jnp.asarray(a)))


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the function inputs -> d(func)/d(inputs) . grad_outputs (second derivatives)."""
    from . import grad as _agrad
    from .. import random as _random
    inputs = _tensors(inputs)
    with grad_mode.no_grad():
        outs = _outputs(func, inputs)
    if grad_outputs is None:
        gen = _random.Generator().manual_seed(0)
        grad_outputs = tuple(_random.randn(*o.shape, generator=gen, dtype=o.dtype).requires_grad_(True)
                             for o in outs)
    else:
        grad_outputs = _tensors(grad_outputs)
    n_in = len(inputs)

    def first(*args):
        with grad_mode.enable_grad():
            return _first(*args)

    def _first(*args):
        ins, gos = args[:n_in], args[n_in:]
        o = _outputs(func, ins)
        pairs = [(a, g) for a, g in zip(o, gos) if a._requires_grad]
        d = [x for x in ins if getattr(x, "_requires_grad", False)]
        gs = _agrad([p[0] for p in pairs], d, [p[1] for p in pairs], create_graph=True, allow_unused=True)
        from .._ops.creation import zeros_like
        return tuple(g if g is not None else zeros_like(x) for g, x in zip(gs, d))
    return gradcheck(first, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
