"""Autograd semantics against PyTorch: create_graph, in-place/view history, version counter, Function,
autograd.functional, gradcheck."""
from __future__ import annotations

import numpy as np
import pytest

from _harness import check


def T(lib, v, rg=False, dtype=None):
    return lib.tensor(v, requires_grad=rg, dtype=getattr(lib, dtype) if dtype else None)


# --- higher order -----------------------------------------------------------------------------------------

HIGHER = [
    ("pow3", lambda lib, x: (x ** 3).sum()),
    ("sin_mul", lambda lib, x: (x.sin() * x).sum()),
    ("exp_sq", lambda lib, x: x.exp().pow(2).sum()),
    ("tanh_mm", lambda lib, x: (x.reshape(2, 2) @ x.reshape(2, 2).tanh()).sum()),
    ("softplus_like", lambda lib, x: (1 + x.exp()).log().sum()),
    ("div", lambda lib, x: (x / (x * x + 1)).sum()),
    ("max_sum", lambda lib, x: x.max() * x.sum()),
    ("cumprod", lambda lib, x: x.cumprod(0).sum()),
    ("norm", lambda lib, x: x.norm() ** 3),
    ("views", lambda lib, x: (x.view(2, 2).t()[1] ** 3).sum()),
]


@pytest.mark.parametrize("name,f", HIGHER)
def test_second_and_third_order(name, f):
    def go(lib):
        x = T(lib, [0.5, -1.2, 2.0, 0.3], True, "float64")
        g, = lib.autograd.grad(f(lib, x), x, create_graph=True)
        g2, = lib.autograd.grad((g * T(lib, [1.0, 2.0, 3.0, 4.0], dtype="float64")).sum(), x, create_graph=True)
        # (torchlike records every backward op, so a constant second derivative still "requires grad" here)
        g3 = lib.autograd.grad(g2.sum(), x, allow_unused=True, materialize_grads=True)[0] if g2.requires_grad \
            else lib.zeros_like(x)
        return g.detach(), g2.detach(), g3.detach(), g.requires_grad
    check(go)


def test_backward_create_graph_accumulates_with_history():
    def go(lib):
        x = T(lib, [1.0, 2.0, 3.0], True)
        (x.sin() * x).sum().backward(create_graph=True)
        first = x.grad.detach().clone()
        gg = x.grad.sum()
        x.grad = None
        gg.backward()
        return first, x.grad
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(go)


# --- in-place on views and the version counter -------------------------------------------------------------

def _copy_slices(lib):
    x = T(lib, [1.0, 2.0, 3.0, 4.0], True)
    y = x.clone()
    v = y[1:3]
    v.mul_(x[:2] * 10)
    y.sum().backward()
    return y.detach(), x.grad, v.grad_fn.name(), y.grad_fn.name().split("::")[-1]


def _setitem_and_view_write(lib):
    x = T(lib, [1.0, 2.0, 3.0, 4.0], True)
    y = x * 1
    y[0] = x[3] ** 2
    y.view(2, 2)[1].exp_()
    y.sum().backward()
    return y.detach(), x.grad


def _other_view_regenerated(lib):
    x = T(lib, [1.0, 2.0, 3.0, 4.0], True)
    y = x.clone().view(2, 2)
    y.t()[0].zero_()
    name = y.grad_fn.name()
    (y * T(lib, [[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    return x.grad, name


def _inplace_chain(lib):
    x = T(lib, [1.0, -2.0, 3.0], True)
    y = x * 2
    y.mul_(3)
    y.add_(1)
    y.clamp_(min=0)
    y.sum().backward()
    return x.grad, y.grad_fn.name()


def _modified_saved_input(lib):
    x = T(lib, [1.0, 2.0, 3.0], True)
    a = x * 2
    b = a * a
    a.add_(1)
    b.sum().backward()


def _modified_saved_output(lib):
    x = T(lib, [1.0, 2.0, 3.0], True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def _modified_saved_leaf(lib):
    w = T(lib, [1.0, 2.0, 3.0], True)
    c = lib.ones(3)
    z = w * c
    c.add_(1)
    z.sum().backward()


def _inplace_output_chain(lib):
    x = T(lib, [1.0, 2.0, 3.0], True)
    y = x * 2
    y.relu_()
    y.sigmoid_()
    y.sum().backward()


def _leaf_view_inplace(lib):
    x = T(lib, [1.0, 2.0], True)
    x[1:].mul_(2)


def _leaf_inplace(lib):
    x = T(lib, [1.0, 2.0], True)
    x.add_(1)


def _no_grad_update_keeps_leaf(lib):
    w = T(lib, [1.0, 2.0], True)
    (w * w).sum().backward()
    with lib.no_grad():
        w -= 0.1 * w.grad
        w[0] = 5.0
    return w.detach(), w.is_leaf, w.requires_grad, w.grad_fn is None


def _no_grad_inplace_keeps_history(lib):
    x = T(lib, [1.0, 2.0], True)
    y = x * 3
    with lib.no_grad():
        y.mul_(2)
    y.sum().backward()
    return x.grad, y.grad_fn.name()


def _unused_no_error(lib):
    x = T(lib, [1.0, 2.0], True)
    y = x + 1
    z = y * 2
    y.add_(1)        # add does not save its inputs
    z.sum().backward()
    return x.grad


INPLACE = [_copy_slices, _setitem_and_view_write, _other_view_regenerated, _inplace_chain, _modified_saved_input,
           _modified_saved_output, _modified_saved_leaf, _inplace_output_chain, _leaf_view_inplace, _leaf_inplace,
           _no_grad_update_keeps_leaf, _no_grad_inplace_keeps_history, _unused_no_error]


@pytest.mark.parametrize("fn", INPLACE, ids=[f.__name__ for f in INPLACE])
def test_inplace_and_versions(fn):
    check(fn, rtol=1e-5, atol=1e-5, message=True)


def test_backward_twice_and_nonscalar():
    def twice(lib):
        x = T(lib, [1.0, 2.0], True)
        y = (x * x).sum()
        y.backward()
        y.backward()
    check(twice, message=True)

    def nonscalar(lib):
        x = T(lib, [1.0, 2.0], True)
        (x * 2).backward()
    check(nonscalar, message=True)

    def with_gradient(lib):
        x = T(lib, [1.0, 2.0], True)
        y = x * x
        y.backward(T(lib, [0.1, 1.0]), retain_graph=True)
        y.backward(T(lib, [1.0, 1.0]))
        return x.grad
    check(with_gradient)


# --- autograd.Function ---------------------------------------------------------------------------------------

def _functions(lib):
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            r = i.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            r, = ctx.saved_tensors
            return g * r

    class Mul(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, k, b):
            ctx.k = k
            ctx.save_for_backward(a, b)
            return a * b * k, (a > 0)

        @staticmethod
        def backward(ctx, g, gm):
            a, b = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False, False)
            return g * b * ctx.k, None, g * a * ctx.k

    class Ident(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    class Dirty(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class NewStyle(lib.autograd.Function):
        @staticmethod
        def forward(x, y):
            return x * y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y, g * x
    return Exp, Mul, Ident, Dirty, NewStyle


def test_function():
    def go(lib):
        Exp, Mul, Ident, Dirty, NewStyle = _functions(lib)
        x = T(lib, [0.5, 1.0, 2.0], True)
        y = Exp.apply(x)
        y.sum().backward()
        g, = lib.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
        g2, = lib.autograd.grad(g.sum(), x)
        a = T(lib, [1.0, -2.0], True)
        o, m = Mul.apply(a, 2.0, T(lib, [3.0, 4.0]))
        o.sum().backward()
        z = Ident.apply(a)
        same = z is a
        z.sum().backward()
        c = a * 1
        d = Dirty.apply(c)
        d.sum().backward()
        p, q = T(lib, [1.0, 2.0], True), T(lib, [3.0, 4.0], True)
        NewStyle.apply(p, q).sum().backward()
        return (y, y.grad_fn.name(), x.grad, g2, o, m, m.requires_grad, a.grad, same, z.grad_fn.name(),
                d is c, c.grad_fn.name(), p.grad, q.grad)
    check(go)


def test_function_saved_tensor_modified():
    def go(lib):
        Exp = _functions(lib)[0]
        x = T(lib, [0.5, 1.0], True)
        w = x * 1
        y = Exp.apply(w)
        y.add_(1)
        y.sum().backward()
        return x.grad
    check(go)


# --- autograd.functional and gradcheck ------------------------------------------------------------------------

FUNCTIONAL = [
    ("jacobian", lambda lib: lib.autograd.functional.jacobian(lambda x: x ** 3, T(lib, [1.0, 2.0]))),
    ("jacobian_tuple", lambda lib: lib.autograd.functional.jacobian(
        lambda x, y: (x * y, x + y), (T(lib, [1.0, 2.0]), T(lib, [3.0, 4.0])))),
    ("jacobian_matrix", lambda lib: lib.autograd.functional.jacobian(
        lambda x: x @ x.t(), T(lib, [[1.0, 2.0], [0.5, -1.0]]))),
    ("hessian", lambda lib: lib.autograd.functional.hessian(lambda x: (x ** 3).sum(), T(lib, [1.0, 2.0]))),
    ("hessian_tuple", lambda lib: lib.autograd.functional.hessian(
        lambda x, y: (x * y ** 2).sum(), (T(lib, [1.0, 2.0]), T(lib, [3.0, 4.0])))),
    ("vjp", lambda lib: lib.autograd.functional.vjp(lambda x: x ** 3, T(lib, [1.0, 2.0]), T(lib, [1.0, 1.0]))),
    ("jvp", lambda lib: lib.autograd.functional.jvp(lambda x: x.sin() * x, T(lib, [1.0, 2.0]), T(lib, [1.0, 0.5]))),
    ("hvp", lambda lib: lib.autograd.functional.hvp(lambda x: (x ** 3).sum(), T(lib, [1.0, 2.0]), T(lib, [1.0, 1.0]))),
    ("vhp", lambda lib: lib.autograd.functional.vhp(lambda x: (x.exp() * x).sum(), T(lib, [1.0, 2.0]),
                                                    T(lib, [1.0, -1.0]))),
    ("vjp_none_v_error", lambda lib: lib.autograd.functional.vjp(lambda x: x ** 3, T(lib, [1.0, 2.0]))),
    ("strict_independent", lambda lib: lib.autograd.functional.jacobian(
        lambda x, y: x * 2, (T(lib, [1.0]), T(lib, [2.0])), strict=True)),
]


@pytest.mark.parametrize("name,fn", FUNCTIONAL)
def test_functional(name, fn):
    check(fn, rtol=1e-5, atol=1e-5)


def test_gradcheck():
    def go(lib):
        xd = T(lib, [0.3, 0.7], True, "float64")
        Bad = type("Bad", (lib.autograd.Function,), {
            "forward": staticmethod(lambda ctx, x: x * 2), "backward": staticmethod(lambda ctx, g: g * 3)})
        ok = lib.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (xd,))
        ok2 = lib.autograd.gradgradcheck(lambda t: t.sin() * t, (xd,))
        bad = lib.autograd.gradcheck(Bad.apply, (xd,), raise_exception=False)
        try:
            lib.autograd.gradcheck(Bad.apply, (xd,))
            msg = None
        except RuntimeError as e:
            msg = str(e).splitlines()[0]
        return ok, ok2, bad, msg
    check(go)


@pytest.mark.parametrize("method,args,on_view", [("t_", (), True), ("transpose_", (0, 1), False),
                                                  ("squeeze_", (1,), False), ("squeeze_", (), False),
                                                  ("unsqueeze_", (0,), False), ("transpose_", (0, 1), True)])
def test_inplace_view_metadata_ops_record_history(method, args, on_view):
    """t_/transpose_/squeeze_/unsqueeze_ on a tensor in a graph: the in-place node (TransposeBackward1, ...), a
    version bump, and gradients through the new shape."""
    def fn(lib):
        x = make(lib, sample((2, 1, 3), seed=4), "float32", requires_grad=True)
        y = (x * 1).squeeze(1) if on_view else x * 1
        getattr(y, method)(*args)
        w = lib.arange(float(y.numel())).reshape(tuple(y.shape))
        (y * w).sum().backward()
        return y.grad_fn.name(), y._version, y.stride(), x.grad
    check(fn)


def test_inplace_view_metadata_op_on_a_leaf_that_requires_grad():
    check(lambda lib: make(lib, sample((2, 3)), "float32", requires_grad=True).transpose_(0, 1), message=True)
