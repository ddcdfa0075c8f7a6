"""Details PyTorch users rely on (issue 13): in-place index writes in the autograd graph, torch.func outputs'
requires_grad, indexing with range, torch.histogram's defaults and signatures, formatting 0-d tensors, the size=
keyword of factories, sys.getsizeof of a storage."""
from __future__ import annotations

import sys

import numpy as np
import pytest
import torch as TH

import torchlike as TL

LIBS = (TL, TH)


def _np(t):
    return t.detach().numpy()


# --- autograd: index writes save only what their backward needs -------------------------------------------------

WRITES = {
    "mask_imul": lambda lib, b: b.__setitem__(b > 0, b[b > 0] * 2),
    "mask_inplace": lambda lib, b: b[b > 0].mul_(2),
    "index_assign": lambda lib, b: b.__setitem__(lib.tensor([0, 2]), 0.0),
    "slice_add": lambda lib, b: b[1:3].add_(1),
    "index_put_": lambda lib, b: b.index_put_((lib.tensor([1, 3]),), lib.tensor([5.0, 6.0])),
    "masked_fill_": lambda lib, b: b.masked_fill_(b < 0, 0.0),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_index_writes_after_reads(write):
    """b[b > 0] *= 2 and friends on a tensor whose earlier reads (b[idx], b[mask]) are in the graph."""
    out = []
    for lib in LIBS:
        a = lib.tensor([1.5, -0.5, 2.0, -1.0, 0.25], requires_grad=True)
        b = a.clone()
        c = b[lib.tensor([0, 1])] * 3          # IndexBackward0 reads b; the writes below must not invalidate it
        d = b[b > 1]
        WRITES[write](lib, b)
        (b.sum() + c.sum() + d.sum()).backward()
        out.append((_np(a.grad), _np(b)))
    np.testing.assert_allclose(out[0][0], out[1][0])
    np.testing.assert_allclose(out[0][1], out[1][1])


def test_issue_example_mask_imul():
    grads = []
    for lib in LIBS:
        lib.manual_seed(0)
        a = lib.randn(5, requires_grad=True)
        b = a.clone()
        b[b > 0] *= 2
        b.sum().backward()
        grads.append(_np(a.grad))
    np.testing.assert_allclose(grads[0], grads[1])


def test_saved_output_still_checked():
    """An op that saves its output (exp) still refuses a later in-place write, as torch does."""
    msgs = []
    for lib in LIBS:
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = a.exp()
        b[0] = 0.0
        with pytest.raises(RuntimeError, match="modified by an inplace operation") as e:
            b.sum().backward()
        msgs.append(type(e.value))
    assert msgs[0] is msgs[1]


# --- torch.func outputs: requires_grad as PyTorch ---------------------------------------------------------------

def _transforms(lib):
    f = lambda t: (t ** 3).sum()  # noqa: E731
    g = lambda t: t.sin() * 2  # noqa: E731
    F = lib.func
    return {
        "grad": lambda a: F.grad(f)(a), "vmap": lambda a: F.vmap(g)(a), "jacrev": lambda a: F.jacrev(g)(a),
        "jacfwd": lambda a: F.jacfwd(g)(a), "vjp": lambda a: F.vjp(g, a)[0],
        "vjp_fn": lambda a: F.vjp(g, a)[1](lib.ones(3))[0], "grad_and_value": lambda a: F.grad_and_value(f)(a)[1],
        "hessian": lambda a: F.hessian(f)(a), "jvp": lambda a: F.jvp(g, (a,), (lib.ones(3),))[1],
    }


@pytest.mark.parametrize("name", sorted(_transforms(TL)))
def test_func_outputs_requires_grad(name):
    res = []
    for lib in LIBS:
        fn = _transforms(lib)[name]
        x = lib.tensor([0.5, -1.0, 2.0])
        xr = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        plain, req = fn(x), fn(xr)
        with lib.no_grad():
            nog = fn(xr)
        req.sum().backward()            # the transform's result is differentiable w.r.t. xr, as in torch
        res.append((plain.requires_grad, req.requires_grad, nog.requires_grad, req.grad_fn is None, _np(req),
                    _np(xr.grad)))
    assert res[0][:4] == res[1][:4]
    np.testing.assert_allclose(res[0][4], res[1][4], rtol=1e-5)
    np.testing.assert_allclose(res[0][5], res[1][5], rtol=1e-5)


# --- indexing with range and other sequences ---------------------------------------------------------------------

INDEXES = {
    "range_pair": lambda lib: (range(4), lib.tensor([0, 1, 2, 4])),
    "range": lambda lib: range(2),
    "range_step": lambda lib: range(3, 0, -2),
    "range_col": lambda lib: (slice(None), range(3)),
    "range_int": lambda lib: (range(1, 3), 2),
    "tuple_seq": lambda lib: ((0, 1),),
    "list_range": lambda lib: [range(2), [1, 2]],
}


@pytest.mark.parametrize("idx", sorted(INDEXES))
def test_sequence_indexing(idx):
    out = []
    for lib in LIBS:
        x = lib.tensor(np.arange(20.0).reshape(4, 5))
        r = x[INDEXES[idx](lib)]
        x[INDEXES[idx](lib)] = -1.0
        out.append((_np(r), _np(x)))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])


def test_logprobs_range_example():
    out = []
    for lib in LIBS:
        logprobs = lib.log_softmax(lib.tensor(np.linspace(-1, 1, 15).reshape(3, 5)), dim=1)
        Yb = lib.tensor([4, 0, 2])
        out.append(_np(-logprobs[range(3), Yb].mean()))
    np.testing.assert_allclose(out[0], out[1], rtol=1e-6)


# --- torch.histogram ---------------------------------------------------------------------------------------------

HIST = {
    "default": lambda lib, x: lib.histogram(x),
    "int_bins": lambda lib, x: lib.histogram(x, 7),
    "tensor_bins": lambda lib, x: lib.histogram(x, bins=lib.tensor([-2.0, 0.0, 0.5, 3.0])),
    "range": lambda lib, x: lib.histogram(x, 4, range=(-1.0, 1.0)),
    "weight": lambda lib, x: lib.histogram(x, 5, weight=lib.linspace(0, 1, 50)),
    "density": lambda lib, x: lib.histogram(x, 6, density=True),
    "all": lambda lib, x: lib.histogram(x, bins=3, range=(0.0, 2.0), weight=lib.ones(50) * 2, density=True),
    "method": lambda lib, x: x.histogram(10),
}


@pytest.mark.parametrize("case", sorted(HIST))
def test_histogram(case):
    out = []
    for lib in LIBS:
        x = lib.tensor(np.sin(np.arange(50.0)) * 2, dtype=lib.float32)
        h = HIST[case](lib, x)
        out.append((type(h).__name__, _np(h.hist), _np(h.bin_edges), _np(h[0])))
    assert out[0][0] == out[1][0]
    for a, b in zip(out[0][1:], out[1][1:]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# --- formatting ----------------------------------------------------------------------------------------------------

FORMATS = [("tensor(1.5)", ""), ("tensor(3)", ""), ("tensor(1.23456)", ".2f"), ("tensor(7)", "04d"),
           ("tensor(True)", ""), ("tensor(1.5, requires_grad=True)", ""), ("tensor(2.5, dtype=lib.float16)", ""),
           ("tensor(1+2j)", ""), ("tensor(0.1)", ">10.3e"), ("tensor([1., 2.])", ""), ("tensor([[1, 2]])", ""),
           ("tensor([1., 2.])", ".2f"), ("tensor(1.5)", "d"), ("nn.Parameter(lib.tensor(2.))", "")]


@pytest.mark.parametrize("expr,spec", FORMATS)
def test_format(expr, spec):
    out = []
    for lib in LIBS:
        t = eval(expr,  # noqa: S307
                 {"lib": lib, "tensor": lib.tensor, "nn": lib.nn})
        try:
            out.append(("ok", format(t, spec), f"{t}" if not spec else None))
        except Exception as e:  # noqa: BLE001 - compare exception types and messages
            out.append((type(e).__name__, str(e)))
    assert out[0] == out[1]


# --- factories' size= keyword, storage sizes ------------------------------------------------------------------------

FACTORIES = {
    "ones": lambda lib: lib.ones(size=(2, 3)), "zeros": lambda lib: lib.zeros(size=(2,)),
    "empty": lambda lib: lib.empty(size=(3, 1)).fill_(1), "full": lambda lib: lib.full(size=(2,), fill_value=3.0),
    "rand": lambda lib: lib.rand(size=(4,)), "randn": lambda lib: lib.randn(size=(2, 2)),
    "randint": lambda lib: lib.randint(5, size=(3,)), "randint_lh": lambda lib: lib.randint(low=2, high=5, size=(3,)),
    "ones_dtype": lambda lib: lib.ones(size=[2], dtype=lib.int64),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_size_keyword(name):
    out = []
    for lib in LIBS:
        lib.manual_seed(0)
        t = FACTORIES[name](lib)
        out.append((tuple(t.shape), str(t.dtype).split(".")[-1], _np(t).tolist()))
    assert out[0] == out[1]


def test_storage_getsizeof():
    for make in (lambda lib: lib.arange(10.0), lambda lib: lib.zeros(0), lambda lib: lib.zeros(1000, dtype=lib.int8),
                 lambda lib: lib.zeros(7, dtype=lib.float64)[2:], lambda lib: lib.ones(3, 4).t()):
        sizes = [sys.getsizeof(make(lib).untyped_storage()) for lib in LIBS]
        assert sizes[0] == sizes[1]
