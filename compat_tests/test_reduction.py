"""Reductions and scans against PyTorch: values, dtypes, dims (negative, tuples, axis=), keepdim, layouts, errors,
out=, in-place scans and gradients."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from _harness import DTYPES_ALL, DTYPES_INT, check, check_grad, make, sample

SHAPES = [(), (0, 3), (2, 3, 4)]
LAYOUTS = ["contig", "transposed", "strided"]

# name -> (kwargs variants, dtypes)
FLOAT = ["float16", "bfloat16", "float32", "float64"]
SUMLIKE = ["sum", "nansum", "prod", "mean", "nanmean", "amax", "amin", "argmax", "argmin", "all", "any",
           "count_nonzero", "std", "var", "logsumexp", "norm"]
DIM_VARIANTS = [dict(), dict(dim=-1, keepdim=True), dict(dim=(0, -1)), dict(dim=(0, 1), keepdim=True),
                dict(axis=-1, keepdims=True), dict(dim=[])]


def _kwargs_ok(name, kw):
    if name == "count_nonzero":
        return "keepdim" not in kw and "keepdims" not in kw
    if name in ("argmax", "argmin") and isinstance(kw.get("dim", kw.get("axis")), (tuple, list)):
        return False
    if name == "logsumexp" and not kw:
        return False
    if name == "prod" and isinstance(kw.get("dim"), (tuple, list)):   # torch: TypeError, checked below
        return False
    return True


@pytest.mark.parametrize("name", SUMLIKE)
@pytest.mark.parametrize("shape", SHAPES)
def test_reduce_dims(name, shape):
    a = sample(shape, "float64", seed=1)
    for kw in DIM_VARIANTS:
        if _kwargs_ok(name, kw):
            check(lambda lib: getattr(lib, name)(make(lib, a, "float32"), **kw), message=True)


@pytest.mark.parametrize("name", SUMLIKE)
@pytest.mark.parametrize("dtype", DTYPES_ALL)
def test_reduce_dtypes(name, dtype):
    a = sample((3, 4), dtype, seed=2)
    check(lambda lib: getattr(lib, name)(make(lib, a, dtype), *(() if name == "count_nonzero" else (1,))),
          message=True)


@pytest.mark.parametrize("name", SUMLIKE + ["max", "min"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_reduce_layouts(name, layout):
    a = sample((3, 4, 2), "float64", seed=3)
    check(lambda lib: getattr(lib, name)(make(lib, a, "float64", layout)))
    check(lambda lib: getattr(make(lib, a, "float64", layout), name)(1))


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "nansum", "nanmean"])
def test_dtype_keyword(name):
    a = sample((3, 4), "int32", seed=4)
    for d in ["float64", "int64", "float32"]:
        check(lambda lib: getattr(lib, name)(make(lib, a, "int32"), dtype=getattr(lib, d)), message=True)
        check(lambda lib: getattr(lib, name)(make(lib, a, "int32"), 0, dtype=getattr(lib, d)))


def test_nan_reductions():
    a = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, 2.0], [0.5, 1.5, -1.0]])
    for name in ["sum", "nansum", "mean", "nanmean", "amax", "amin", "argmax", "argmin", "std", "var", "logsumexp"]:
        check(lambda lib: getattr(lib, name)(make(lib, a, "float64"), 1))
    check(lambda lib: (lib.max(make(lib, a, "float64"), 1), lib.min(make(lib, a, "float64"), 0),
                       lib.max(make(lib, a, "float64")), lib.argmax(make(lib, a, "float64"))))


def test_ties_first_index():
    a = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, -1.0]])
    check(lambda lib: (lib.argmax(make(lib, a), 1), lib.argmin(make(lib, a), 1), lib.max(make(lib, a), 1),
                       lib.min(make(lib, a), 1), lib.argmax(make(lib, a)), lib.argmin(make(lib, a), 0, True)))
    b = np.array([True, False, True])
    check(lambda lib: (lib.argmax(lib.tensor(b)), lib.max(lib.tensor(b), 0), lib.min(lib.tensor(b))))


def test_max_min_forms():
    a, b = sample((3, 4), seed=5), sample((4,), seed=6)
    for name in ["max", "min"]:
        check(lambda lib: getattr(lib, name)(make(lib, a)))
        check(lambda lib: getattr(lib, name)(make(lib, a), 1))
        check(lambda lib: getattr(lib, name)(make(lib, a), dim=-2, keepdim=True))
        check(lambda lib: getattr(lib, name)(make(lib, a), make(lib, b)))
        check(lambda lib: getattr(make(lib, a), name)(make(lib, b)))
        check(lambda lib: getattr(lib, name)(lib.tensor(2.5), 0))
        check(lambda lib: getattr(lib, name)(lib.zeros(0, 3), 1))
        check(lambda lib: getattr(lib, name)(lib.zeros(0, 3), 0), message=True)
        check(lambda lib: getattr(lib, name)(lib.zeros(0)), message=True)
        check(lambda lib: getattr(lib, name)(make(lib, a), 2), message=True)


def test_named_tuple_results():
    a = sample((3, 4), seed=7)
    for name in ["max", "min"]:
        def go(lib):
            r = getattr(lib, name)(make(lib, a), 0)
            return type(r).__name__, type(r).__module__, len(r), r.values, r.indices, r[0], tuple(r)
        check(go)


def test_out_variants():
    a = sample((3, 4), seed=8)
    for name in ["sum", "mean", "prod", "amax", "argmax", "std", "logsumexp", "cumsum", "norm", "all"]:
        def go(lib):
            x = make(lib, a)
            out = lib.empty(0, dtype=lib.int64 if name == "argmax" else lib.bool if name == "all" else lib.float64)
            r = getattr(lib, name)(x, 1, out=out)
            return r, out, r is out
        check(go)

    def go_max(lib):
        v, i = lib.empty(0, dtype=lib.float64), lib.empty(0, dtype=lib.int64)
        r = lib.max(make(lib, a), 1, out=(v, i))
        return r, v, i
    check(go_max)


def test_sum_out_dtype_from_out():
    a = sample((3, 4), seed=8)
    check(lambda lib: lib.sum(make(lib, a), 1, out=lib.empty(0, dtype=lib.int64)))


def test_errors_and_messages():
    i = sample((3,), "int64")
    for f in [lambda lib: lib.mean(lib.tensor(i)), lambda lib: lib.std(lib.tensor(i)), lambda lib: lib.var(lib.tensor(i)),
              lambda lib: lib.norm(lib.tensor(i)), lambda lib: lib.sum(lib.ones(2, 3), 2),
              lambda lib: lib.sum(lib.ones(2, 3), (0, -2)), lambda lib: lib.amax(lib.zeros(0)),
              lambda lib: lib.argmax(lib.zeros(0)), lambda lib: lib.argmax(lib.zeros(2, 0), 1),
              lambda lib: lib.amax(lib.zeros(2, 0), 1), lambda lib: lib.cumsum(lib.ones(3), 1),
              lambda lib: lib.logsumexp(lib.ones(3), 3), lambda lib: lib.nanmean(lib.tensor(i))]:
        check(f, message=True)
    check(lambda lib: lib.sum(lib.ones(2, 3), 0, axis=0))
    check(lambda lib: lib.prod(lib.ones(2, 3), dim=(0, 1)))
    check(lambda lib: lib.prod(lib.ones(2, 3), dim=[]), message=True)
    check(lambda lib: lib.cumsum(lib.ones(3)))


def test_all_any_dtypes():
    for d in DTYPES_ALL:
        a = sample((3, 4), d, seed=9)
        check(lambda lib: (lib.all(make(lib, a, d)), lib.any(make(lib, a, d), 1), make(lib, a, d).all(0, True)))
    check(lambda lib: (lib.all(lib.zeros(0)), lib.any(lib.zeros(0)), lib.all(lib.zeros(0, 2, dtype=lib.uint8), 0)))


def test_var_std_variants():
    a = sample((4, 5), "float64", seed=10)
    for name in ["var", "std"]:
        for args, kw in [((), {}), ((True,), {}), ((False,), {}), ((1, False), {}), ((1, True, True), {}),
                         ((), dict(dim=(0, 1), correction=0)), ((), dict(dim=0, correction=2)),
                         ((), dict(correction=1.5)), ((), dict(dim=1, unbiased=False, keepdim=True)),
                         ((), dict(axis=1, correction=0))]:
            check(lambda lib: getattr(lib, name)(make(lib, a), *args, **kw))
    check(lambda lib: lib.var(make(lib, a[:1], "float32"), 0))               # dof 0 -> nan
    check(lambda lib: lib.var(make(lib, a[:2], "float32"), 0, correction=3))  # negative dof -> inf
    c = (sample((3, 2), seed=11) + 1j * sample((3, 2), seed=12)).astype("complex128")
    check(lambda lib: (lib.var(lib.tensor(c)), lib.std(lib.tensor(c), 0)))


def test_var_unbiased_positional_vs_dim():
    a = sample((4, 5), "float64", seed=10)
    for args in [(1,), (True,), (1,), (False,), (0,), (True,)]:
        check(lambda lib: lib.var(make(lib, a), *args))
        check(lambda lib: lib.std(make(lib, a), *args))


@pytest.mark.parametrize("p", ["fro", 2, 1, float("inf"), float("-inf"), 0, 3, 0.5, "nuc"])
def test_norm_p(p):
    a = sample((3, 4), "float64", seed=13)
    check(lambda lib: lib.norm(make(lib, a, "float32"), p))
    check(lambda lib: make(lib, a, "float32", "transposed").norm(p))
    if p != "nuc":
        check(lambda lib: lib.norm(make(lib, a, "float32"), p, 1))
        check(lambda lib: lib.norm(make(lib, a, "float32"), p=p, dim=(0,), keepdim=True))
        check(lambda lib: lib.norm(make(lib, a, "float32"), p, dim=-1, dtype=lib.float64))
    else:
        check(lambda lib: lib.norm(make(lib, a, "float32"), p, (0, 1), True))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scans(name):
    for shape in [(), (0,), (5,), (3, 4), (2, 0, 3)]:
        a = sample(shape, "float64", seed=14, low=-1.5, high=1.5)
        for dim in range(-max(len(shape), 1), max(len(shape), 1)):
            check(lambda lib: getattr(lib, name)(make(lib, a, "float32"), dim))
    for d in DTYPES_ALL:
        a = sample((3, 4), d, seed=15)
        check(lambda lib: getattr(lib, name)(make(lib, a, d), 1))
        check(lambda lib: getattr(lib, name)(make(lib, a, d), 0, dtype=lib.float64))
    a = sample((3, 4), "float64", seed=16)
    for layout in LAYOUTS:
        check(lambda lib: getattr(lib, name)(make(lib, a, "float64", layout), 1))
    check(lambda lib: getattr(lib, name)(make(lib, a), axis=0))

    def inplace(lib):
        x = make(lib, a)
        r = getattr(x, name + "_")(1)
        return r is x, x
    check(inplace)
    check(lambda lib: getattr(make(lib, sample((3,), "int32"), "int32"), name + "_")(0))   # long can't go to int


GRAD_CASES = [
    ("sum", lambda lib, x: x.sum((0, 2))), ("mean", lambda lib, x: x.mean(-1, keepdim=True)),
    ("prod", lambda lib, x: x.prod(1)), ("prod_all", lambda lib, x: x.prod()),
    ("nansum", lambda lib, x: lib.nansum(x, 0)), ("nanmean", lambda lib, x: lib.nanmean(x)),
    ("std", lambda lib, x: x.std(1)), ("var", lambda lib, x: x.var((0, 1), correction=0)),
    ("max_dim", lambda lib, x: x.max(1)[0]), ("min_dim", lambda lib, x: x.min(0, True).values),
    ("max_all", lambda lib, x: x.max()), ("amax", lambda lib, x: x.amax((0, 1))),
    ("amin", lambda lib, x: x.amin(-1)), ("logsumexp", lambda lib, x: x.logsumexp(1)),
    ("cumsum", lambda lib, x: x.cumsum(1)), ("cumprod", lambda lib, x: x.cumprod(2)),
    ("norm", lambda lib, x: x.norm()), ("norm1", lambda lib, x: x.norm(1, 1)), ("norm3", lambda lib, x: x.norm(3)),
    ("norminf", lambda lib, x: x.norm(float("inf"), 2)),
]


@pytest.mark.parametrize("name,fn", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_grads(name, fn):
    check_grad(fn, [(sample((2, 3, 4), "float64", seed=17), "float64")])


def test_grad_conventions_ties_and_zeros():
    ties = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    for fn in [lambda lib, x: x.max(1).values, lambda lib, x: x.min(1).values, lambda lib, x: x.amax(1),
               lambda lib, x: x.amin(), lambda lib, x: x.max(), lambda lib, x: x.norm(float("inf"))]:
        check_grad(fn, [(ties, "float64")])
    zeros = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 1.5], [1.0, 2.0, 4.0]])
    for fn in [lambda lib, x: x.prod(1), lambda lib, x: x.prod(), lambda lib, x: x.cumprod(1),
               lambda lib, x: x.norm(dim=1), lambda lib, x: x.norm(1), lambda lib, x: (x * 0).norm(),
               lambda lib, x: (x * 0).norm(3, 1)]:
        check_grad(fn, [(zeros, "float64")])


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=3), seed=st.integers(0, 1000),
       dtype=st.sampled_from(["float32", "float64", "int32", "int64", "bool"]), keep=st.booleans(),
       data=st.data())
def test_hypothesis_sum_mean_max(shape, seed, dtype, keep, data):
    a = sample(tuple(shape), dtype, seed=seed)
    dim = data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    check(lambda lib: lib.sum(make(lib, a, dtype), dim, keep))
    check(lambda lib: lib.max(make(lib, a, dtype), dim, keep))
    check(lambda lib: (lib.amax(make(lib, a, dtype)), lib.argmax(make(lib, a, dtype))))
    if dtype.startswith("float"):
        check(lambda lib: lib.mean(make(lib, a, dtype), dim, keep))
