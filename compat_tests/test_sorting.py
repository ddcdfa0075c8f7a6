"""Sorting and order statistics against PyTorch: sort argsort msort topk kthvalue median nanmedian mode unique
unique_consecutive cummax cummin bincount searchsorted bucketize quantile nanquantile aminmax."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from _harness import DTYPES_ALL, check, check_grad, make, sample

NAN = float("nan")
TIES = np.array([[3.0, 1.0, 3.0, 2.0, 1.0], [0.0, 0.0, -1.0, 5.0, 0.0], [2.0, 2.0, 2.0, 2.0, 2.0]])
WITH_NAN = np.array([[1.0, NAN, 0.0, NAN, -2.0], [4.0, 3.0, 2.0, 1.0, 0.0], [NAN, NAN, NAN, NAN, NAN]])
LAYOUTS = ["contig", "transposed", "strided"]


def distinct(shape, seed=0):
    """Values without ties (so that every index choice is unique)."""
    n = int(np.prod(shape)) if shape else 1
    return (np.random.default_rng(seed).permutation(n).astype("float64") - n / 2).reshape(shape)


@pytest.mark.parametrize("dtype", DTYPES_ALL)
def test_sort_argsort_dtypes_stable(dtype):
    a = sample((3, 6), dtype, seed=1, low=-2, high=2)     # many ties
    for kw in [dict(), dict(dim=-2, descending=True, stable=True), dict(descending=True)]:
        check(lambda lib: lib.sort(make(lib, a, dtype), **kw))
        check(lambda lib: lib.argsort(make(lib, a, dtype), **kw))
    check(lambda lib: make(lib, a, dtype).sort(0, True))
    check(lambda lib: lib.msort(make(lib, a, dtype)))


@pytest.mark.parametrize("shape", [(), (0,), (1,), (7,), (2, 0, 3), (2, 3, 4)])
def test_sort_shapes(shape):
    a = sample(shape, "float64", seed=2)
    for dim in range(-max(len(shape), 1), max(len(shape), 1)):
        check(lambda lib: lib.sort(make(lib, a, "float32"), dim))
    check(lambda lib: lib.sort(make(lib, a), 5), message=True)


def test_sort_nan_and_layouts():
    check(lambda lib: (lib.sort(lib.tensor(WITH_NAN)), lib.sort(lib.tensor(WITH_NAN), descending=True),
                       lib.argsort(lib.tensor(WITH_NAN), 0, True)))
    a = sample((4, 3, 2), seed=3)
    for layout in LAYOUTS:
        check(lambda lib: (lib.sort(make(lib, a, "float64", layout), 1), lib.topk(make(lib, a, "float64", layout), 2),
                           lib.median(make(lib, a, "float64", layout), 0), lib.cummax(make(lib, a, "float64", layout), 1),
                           lib.quantile(make(lib, a, "float64", layout), 0.3, dim=1)))


def test_sort_out():
    def go(lib):
        v, i = lib.empty(0), lib.empty(0, dtype=lib.int64)
        r = lib.sort(make(lib, TIES, "float32"), 1, out=(v, i))
        return r, v, i
    check(go)


def test_topk():
    a = distinct((4, 6), seed=4)
    for args, kw in [((2,), {}), ((3, 0), {}), ((0,), {}), ((6,), {}), ((2,), dict(largest=False)),
                     ((2, -2, False), {}), ((3,), dict(dim=1, sorted=True))]:
        check(lambda lib: lib.topk(make(lib, a), *args, **kw))
    check(lambda lib: make(lib, a, "int32").topk(2, largest=False))
    check(lambda lib: lib.topk(make(lib, a), 7), message=True)
    check(lambda lib: lib.topk(lib.tensor(2.5), 1))
    check(lambda lib: lib.topk(lib.tensor([1.0, NAN, 3.0, 2.0]), 2))


def test_kthvalue():
    a = distinct((3, 5), seed=5)
    for args in [(1,), (3,), (5,), (2, 0), (2, 0, True), (4, -1, True)]:
        check(lambda lib: lib.kthvalue(make(lib, a), *args))
    check(lambda lib: lib.kthvalue(make(lib, a), 6), message=True)
    check(lambda lib: lib.kthvalue(make(lib, a), 0), message=True)
    check(lambda lib: lib.kthvalue(lib.tensor(3.0), 1))


def test_median_nanmedian():
    a = distinct((4, 5), seed=6)
    for name in ["median", "nanmedian"]:
        for args in [(), (0,), (1,), (-1, True)]:
            check(lambda lib: getattr(lib, name)(make(lib, a), *args))
        check(lambda lib: getattr(lib, name)(lib.tensor(WITH_NAN)))
        check(lambda lib: getattr(lib, name)(lib.tensor(WITH_NAN[:2]), 1))   # all-NaN rows: quickselect's index
        check(lambda lib: getattr(lib, name)(lib.tensor(3.0), 0))
        check(lambda lib: getattr(lib, name)(lib.zeros(0)))
        check(lambda lib: getattr(lib, name)(lib.zeros(2, 0), 1), message=True)
        check(lambda lib: getattr(make(lib, a, "int64"), name)(0))
    check(lambda lib: lib.median(lib.tensor([4.0, 1.0, 3.0, 2.0])))      # the lower median
    check(lambda lib: lib.median(lib.tensor(WITH_NAN), 1))                # first NaN


def test_mode_last_index_of_smallest_modal_value():
    m = np.array([[1, 2, 2, 1, 3], [3, 3, 1, 1, 0], [5, 4, 4, 5, 4]])
    for dtype in ["int64", "float32", "int8"]:
        check(lambda lib: lib.mode(make(lib, m, dtype)))
        check(lambda lib: lib.mode(make(lib, m, dtype), 0, True))
    check(lambda lib: (lib.mode(lib.tensor(TIES)), lib.mode(lib.tensor(2.0)), lib.mode(lib.zeros(0, 3), 1)))
    check(lambda lib: lib.mode(lib.zeros(0, 3), 0), message=True)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin(name):
    for dtype in ["float32", "float64", "int32", "bool", "uint8"]:
        a = sample((3, 5), dtype, seed=7, low=-1, high=1)
        check(lambda lib: getattr(lib, name)(make(lib, a, dtype), 1))
        check(lambda lib: getattr(lib, name)(make(lib, a, dtype), 0))
    check(lambda lib: getattr(lib, name)(lib.tensor(WITH_NAN), 1))
    check(lambda lib: getattr(lib, name)(lib.tensor(1.0), 0))
    check(lambda lib: getattr(lib, name)(lib.zeros(0, 2), 0))
    check(lambda lib: getattr(lib, name)(lib.zeros(2), 1), message=True)


def test_aminmax():
    a = sample((3, 4), "float64", seed=8)
    for kw in [dict(), dict(dim=0), dict(dim=-1, keepdim=True), dict(keepdim=True)]:
        check(lambda lib: lib.aminmax(make(lib, a), **kw))
    check(lambda lib: lib.aminmax(make(lib, a, "int32"), dim=1))
    check(lambda lib: lib.aminmax(lib.zeros(0)), message=True)
    check(lambda lib: lib.aminmax(lib.zeros(0, 3), dim=0), message=True)

    def names(lib):
        r = lib.aminmax(make(lib, a), dim=0)
        return type(r).__name__, r.min, r.max
    check(names)


def test_unique():
    a = np.array([[3, 1, 2], [1, 3, 2], [3, 1, 2], [0, 0, 0]])
    for dtype in ["int64", "float32", "bool", "uint8"]:
        for kw in [dict(), dict(return_inverse=True), dict(return_counts=True),
                   dict(return_inverse=True, return_counts=True), dict(sorted=False), dict(dim=0),
                   dict(dim=1, return_inverse=True, return_counts=True), dict(dim=-2, return_counts=True)]:
            check(lambda lib: lib.unique(make(lib, a, dtype), **kw))
            check(lambda lib: make(lib, a, dtype).unique(**kw))
    check(lambda lib: lib.unique(lib.zeros(0), return_inverse=True, return_counts=True))
    check(lambda lib: lib.unique(lib.tensor(2.0), return_inverse=True))


def test_unique_consecutive():
    a = np.array([1, 1, 2, 2, 3, 1, 1, 2])
    for kw in [dict(), dict(return_inverse=True), dict(return_counts=True), dict(return_inverse=True, return_counts=True)]:
        check(lambda lib: lib.unique_consecutive(lib.tensor(a), **kw))
    m = np.array([[1, 1, 2], [1, 1, 2], [0, 1, 2], [1, 1, 2]])
    check(lambda lib: lib.unique_consecutive(lib.tensor(m), return_inverse=True, return_counts=True, dim=0))
    check(lambda lib: lib.tensor(m).unique_consecutive(dim=1))


def test_bincount():
    x = np.array([0, 3, 1, 3, 3, 7])
    check(lambda lib: (lib.bincount(lib.tensor(x)), lib.bincount(lib.tensor(x), minlength=10),
                       lib.tensor(x).bincount(), lib.bincount(lib.zeros(0, dtype=lib.int64))))
    for wd in ["float32", "float64", "int64", "float16"]:
        w = sample((6,), wd, seed=9)
        check(lambda lib: lib.bincount(lib.tensor(x), make(lib, w, wd)))
    for bad in [lambda lib: lib.bincount(lib.tensor([-1, 2])), lambda lib: lib.bincount(lib.tensor([[1]])),
                lambda lib: lib.bincount(lib.tensor([1.0]))]:
        check(bad, message=True)


def test_searchsorted_bucketize():
    seq = np.array([1.0, 3.0, 3.0, 5.0, 7.0])
    v = np.array([[0.0, 3.0, 6.0], [7.0, 8.0, 3.0]])
    for kw in [dict(), dict(right=True), dict(side="right"), dict(side="left"), dict(out_int32=True)]:
        check(lambda lib: lib.searchsorted(lib.tensor(seq), lib.tensor(v), **kw))
    check(lambda lib: lib.searchsorted(lib.tensor(seq), 3.0))
    check(lambda lib: lib.searchsorted(lib.tensor(seq), lib.tensor(v, dtype=lib.int64)))
    seq2 = np.sort(sample((2, 4), seed=10), axis=-1)
    check(lambda lib: lib.searchsorted(lib.tensor(seq2), lib.tensor(v), right=True))
    unsorted = np.array([5.0, 1.0, 3.0])
    check(lambda lib: lib.searchsorted(lib.tensor(unsorted), lib.tensor(v), sorter=lib.tensor([1, 2, 0])))
    check(lambda lib: lib.searchsorted(lib.tensor(seq), lib.tensor(v), side="middle"), message=True)
    check(lambda lib: lib.searchsorted(lib.tensor(seq2), lib.tensor([1.0])), message=True)
    for kw in [dict(), dict(right=True), dict(out_int32=True)]:
        check(lambda lib: lib.bucketize(lib.tensor(v), lib.tensor(seq), **kw))
        check(lambda lib: lib.tensor(v).bucketize(lib.tensor(seq), **kw))


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantile(name):
    a = sample((4, 5), "float64", seed=11)
    for interp in ["linear", "lower", "higher", "midpoint", "nearest"]:
        for args, kw in [((0.3,), {}), ((0.25, 0, True), {}), ((1.0,), dict(dim=-1))]:
            check(lambda lib: getattr(lib, name)(make(lib, a), *args, interpolation=interp, **kw))
        check(lambda lib: getattr(lib, name)(make(lib, a), lib.tensor([0.1, 0.5, 0.9], dtype=lib.float64), 1,
                                             True, interpolation=interp))
    check(lambda lib: getattr(lib, name)(make(lib, a, "float32"), lib.tensor([0.2, 0.75])))
    check(lambda lib: getattr(lib, name)(lib.tensor(WITH_NAN), 0.4, 1))
    check(lambda lib: getattr(lib, name)(lib.tensor(WITH_NAN), lib.tensor([0.1, 0.7], dtype=lib.float64)))
    check(lambda lib: getattr(lib, name)(lib.tensor(2.0), 0.5))
    check(lambda lib: getattr(lib, name)(lib.zeros(0), 0.5), message=True)
    for bad in [lambda lib: getattr(lib, name)(make(lib, a), 1.5),
                lambda lib: getattr(lib, name)(lib.tensor([1, 2]), 0.5),
                lambda lib: getattr(lib, name)(make(lib, a, "float32"), lib.tensor([0.5], dtype=lib.float64)),
                lambda lib: getattr(lib, name)(make(lib, a), 0.5, interpolation="foo"),
                lambda lib: getattr(lib, name)(make(lib, a), 0.5, 2)]:
        check(bad, message=True)


GRAD_CASES = [
    ("sort", lambda lib, x: lib.sort(x, 1)[0]), ("sort_desc", lambda lib, x: x.sort(0, True).values),
    ("msort", lambda lib, x: lib.msort(x)), ("topk", lambda lib, x: x.topk(2).values),
    ("kthvalue", lambda lib, x: x.kthvalue(2, 0).values), ("median", lambda lib, x: x.median()),
    ("median_dim", lambda lib, x: x.median(1).values), ("nanmedian", lambda lib, x: x.nanmedian(0, True).values),
    ("mode", lambda lib, x: x.mode(1).values), ("cummax", lambda lib, x: x.cummax(1).values),
    ("cummin", lambda lib, x: x.cummin(0).values), ("quantile", lambda lib, x: x.quantile(0.3, 1)),
    ("nanquantile", lambda lib, x: x.nanquantile(0.8)), ("aminmax", lambda lib, x: lib.aminmax(x, dim=1)),
]


@pytest.mark.parametrize("name,fn", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_grads(name, fn):
    check_grad(fn, [(distinct((3, 4), seed=12) / 3, "float64")])


def test_grad_ties():
    for fn in [lambda lib, x: lib.sort(x, 1)[0], lambda lib, x: x.cummax(1).values, lambda lib, x: x.mode(1).values,
               lambda lib, x: lib.aminmax(x).max]:
        check_grad(fn, [(TIES, "float64")])


def test_return_types():
    a = distinct((3, 4), seed=13)
    for name, args in [("sort", ()), ("topk", (2,)), ("kthvalue", (1,)), ("median", (0,)), ("nanmedian", (0,)),
                       ("mode", ()), ("cummax", (0,)), ("cummin", (0,))]:
        def go(lib):
            r = getattr(lib, name)(make(lib, a), *args)
            return type(r).__name__, type(r).__module__, len(r), r.values, r.indices
        check(go)


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), seed=st.integers(0, 1000),
       dtype=st.sampled_from(["float32", "float64", "int32", "int64"]), desc=st.booleans(), data=st.data())
def test_hypothesis_sort(shape, seed, dtype, desc, data):
    a = sample(tuple(shape), dtype, seed=seed)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    check(lambda lib: lib.sort(make(lib, a, dtype), dim=dim, descending=desc, stable=True))
    check(lambda lib: lib.argsort(make(lib, a, dtype), dim=dim, descending=desc, stable=True))
