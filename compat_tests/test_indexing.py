"""Indexing against PyTorch: __getitem__/__setitem__ (basic and advanced, bool masks, errors), index_* ops, masked_*,
gather/scatter family, take, put_, nonzero, argwhere; gradients through indexing."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from _harness import check, check_grad, make, sample

LAYOUTS = ["contig", "transposed", "strided"]
A = sample((3, 4, 5), "float32", seed=1)
M = np.array([[True, False, True, False], [False, False, True, True], [True, True, True, False]])

GET = [
    ("int", lambda lib: 1), ("neg_int", lambda lib: -1), ("slice", lambda lib: slice(1, None)),
    ("slice_step", lambda lib: (slice(None, None, 2), slice(1, 4, 2))), ("ellipsis", lambda lib: (..., 1)),
    ("none", lambda lib: (None, 1, None, ..., None)), ("slice_oob", lambda lib: slice(-10, 10)),
    ("empty_slice", lambda lib: slice(3, 1)), ("int_slice_int", lambda lib: (0, slice(1, 3), -2)),
    ("list", lambda lib: [0, 2, 1, 2]), ("list_neg", lambda lib: [-1, 0]), ("nested_list", lambda lib: [[0, 1], [2, 0]]),
    ("tensor", lambda lib: lib.tensor([2, 0])), ("tensor2d", lambda lib: lib.tensor([[2, 0], [1, 1]])),
    ("int32_tensor", lambda lib: lib.tensor([2, 0], dtype=lib.int32)), ("ndarray", lambda lib: np.array([1, 0, 1])),
    ("two_adv", lambda lib: ([0, 2], [1, 3])), ("adv_broadcast", lambda lib: (lib.tensor([[0], [2]]), [1, 3, 0])),
    ("adv_slice", lambda lib: (slice(None), [0, 3])), ("adv_sep", lambda lib: ([0, 1], slice(None), [2, 4])),
    ("adv_adjacent_mid", lambda lib: (slice(None), [0, 3], [1, 2])), ("adv_int", lambda lib: ([0, 2], 1)),
    ("adv_int_sep", lambda lib: (1, slice(None), [0, 3])), ("adv_none", lambda lib: (None, [0, 1], None, [1, 2])),
    ("adv_ellipsis", lambda lib: (..., [0, 4])), ("zero_d_int_tensor", lambda lib: lib.tensor(1)),
    ("bool_mask_2d", lambda lib: lib.tensor(M)), ("bool_mask_1d", lambda lib: lib.tensor([True, False, True])),
    ("bool_mask_last", lambda lib: (..., lib.tensor([True, False, True, False, True]))),
    ("bool_true", lambda lib: True), ("bool_false", lambda lib: False), ("bool_0d", lambda lib: lib.tensor(True)),
    ("bool_0d_false", lambda lib: (lib.tensor(False), 1)), ("bool_list", lambda lib: [True, False, True]),
    ("uint8_mask", lambda lib: lib.tensor([1, 0, 1], dtype=lib.uint8)),
    ("mask_and_adv", lambda lib: (lib.tensor([True, False, True]), [1, 2])),
    ("empty_list", lambda lib: []), ("empty_tensor_idx", lambda lib: lib.tensor([], dtype=lib.int64)),
    ("tuple_of_ints", lambda lib: (1, 2, 3)), ("mixed_slice_mask", lambda lib: (slice(1, 3), lib.tensor([True, False, True, True]))),
]

GET_ERRORS = [
    ("int_oob", lambda lib: 5), ("neg_oob", lambda lib: -4), ("list_oob", lambda lib: [0, 3]),
    ("tensor_oob", lambda lib: lib.tensor([5])), ("neg_step", lambda lib: slice(None, None, -1)),
    ("zero_step", lambda lib: slice(None, None, 0)), ("too_many", lambda lib: (0, 0, 0, 0)),
    ("float_idx", lambda lib: lib.tensor([1.0])), ("mask_shape", lambda lib: lib.tensor([True, False])),
    ("two_ellipsis", lambda lib: (..., 0, ...)), ("bad_broadcast", lambda lib: ([0, 1], [0, 1, 2])),
    ("float_scalar", lambda lib: 1.5), ("second_dim_oob", lambda lib: (slice(None), 4)),
]


@pytest.mark.parametrize("name,idx", GET, ids=[g[0] for g in GET])
def test_getitem(name, idx):
    for layout in (LAYOUTS if name in ("slice_step", "adv_sep", "bool_mask_2d", "int") else ["contig"]):
        def go(lib):
            x = make(lib, A, "float32", layout)
            r = x[idx(lib)]
            return r, r.stride() if r._base is not None else None, r.storage_offset() if r._base is not None else None
        check(go)


@pytest.mark.parametrize("name,idx", GET_ERRORS, ids=[g[0] for g in GET_ERRORS])
def test_getitem_errors(name, idx):
    check(lambda lib: make(lib, A, "float32")[idx(lib)],
          message=name in ("int_oob", "neg_oob", "neg_step", "too_many", "tensor_oob", "list_oob"))


def test_getitem_zero_d_and_empty():
    check(lambda lib: lib.tensor(3.0)[...])
    check(lambda lib: lib.tensor(3.0)[None])
    check(lambda lib: lib.tensor(3.0)[True])
    check(lambda lib: lib.tensor(3.0)[False])
    check(lambda lib: lib.tensor(3.0)[0], message=True)
    check(lambda lib: lib.zeros(0, 3)[:, 1])
    check(lambda lib: lib.zeros(0, 3)[[], 1])
    check(lambda lib: lib.zeros(2, 0)[lib.tensor([True, False])])


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64", "float16", "bfloat16", "float64",
                                   "complex64"])
def test_getitem_setitem_dtypes(dtype):
    a = sample((3, 4), dtype if dtype != "complex64" else "float32", seed=2)

    def go(lib):
        x = make(lib, a, dtype)
        r = (x[1], x[:, ::2], x[[0, 2]], x[lib.tensor(M)])
        x[0] = 1
        x[[1, 2], [0, 3]] = 0
        x[lib.tensor(M)] = x[lib.tensor(M)] * 0 + 1 if dtype != "bool" else True
        return r, x
    check(go)


SET = [
    ("int_scalar", lambda lib: 1, 7.0), ("slice_scalar", lambda lib: (slice(None), slice(1, 3)), -1.0),
    ("ellipsis", lambda lib: (..., 0), 2.0), ("bool_mask", lambda lib: lib.tensor(M), 9.0),
    ("bool_mask_tensor_val", lambda lib: lib.tensor(M), "mvals"),
    ("adv", lambda lib: ([0, 2], [1, 3]), 5.0), ("adv_dup", lambda lib: [0, 0, 1], 3.0),
    ("adv_tensor_val", lambda lib: [0, 2], "row"), ("broadcast_val", lambda lib: (slice(None), 1), "col"),
    ("int_val", lambda lib: 0, 3), ("bool_val", lambda lib: 0, True), ("list_val", lambda lib: (0, 0), [1.0, 2.0, 3.0, 4.0, 5.0]),
    ("none", lambda lib: (None, 1), 4.0), ("step", lambda lib: (slice(None, None, 2), slice(None), slice(1, None, 3)), 0.5),
    ("double_val", lambda lib: 1, "double"), ("int_tensor_val", lambda lib: 2, "int"),
    ("bool_true", lambda lib: True, 8.0), ("zero_d_idx", lambda lib: lib.tensor(2), 1.0),
    ("adv_sep", lambda lib: ([0, 1], slice(None), [2, 4]), "sep"),
]


def _val(lib, v):
    if v == "mvals":
        return lib.arange(7.0)
    if v == "row":
        return lib.arange(20.0).reshape(4, 5)
    if v == "col":
        return lib.arange(15.0).reshape(3, 5)
    if v == "double":
        return lib.ones(4, 5, dtype=lib.float64)
    if v == "int":
        return lib.arange(5)
    if v == "sep":
        return lib.arange(4.0).reshape(4, 1)
    return v


@pytest.mark.parametrize("name,idx,val", SET, ids=[s[0] for s in SET])
def test_setitem(name, idx, val):
    for layout in (LAYOUTS if name in ("int_scalar", "adv", "bool_mask") else ["contig"]):
        def go(lib):
            x = make(lib, A, "float32", layout)
            base_alias = x[...]
            x[idx(lib)] = _val(lib, val)
            return x, base_alias
        check(go)


SET_ERRORS = [
    ("shape_mismatch", lambda lib: 0, lambda lib: lib.ones(3)),
    ("oob", lambda lib: 3, lambda lib: 1.0),
    ("adv_oob", lambda lib: [0, 7], lambda lib: 1.0),
    ("mask_count", lambda lib: lib.tensor(M), lambda lib: lib.ones(3)),
    ("neg_step", lambda lib: slice(None, None, -1), lambda lib: 0.0),
    ("complex_into_float", lambda lib: 0, lambda lib: lib.ones(4, 5, dtype=lib.complex64)),
]


@pytest.mark.parametrize("name,idx,val", SET_ERRORS, ids=[s[0] for s in SET_ERRORS])
def test_setitem_errors(name, idx, val):
    def go(lib):
        x = make(lib, A, "float32")
        x[idx(lib)] = val(lib)
        return x
    check(go)


def test_setitem_leaf_requires_grad_error():
    check(lambda lib: lib.ones(3, requires_grad=True).__setitem__(0, 2.0), message=True)


def test_index_put():
    def go(lib):
        x = make(lib, A[0], "float32")
        y = x.clone()
        y.index_put_((lib.tensor([0, 0, 2]), lib.tensor([1, 1, 3])), lib.tensor([1.0, 2.0, 3.0]), accumulate=True)
        z = x.index_put((lib.tensor([1]),), lib.tensor(5.0))
        w = x.clone().index_put_((lib.tensor(M[:, :4]),), lib.tensor(-1.0))
        return y, z, w, x
    check(go)


INDEX_OPS = [
    ("index_select_0", lambda lib, x: lib.index_select(x, 0, lib.tensor([2, 0, 2]))),
    ("index_select_-1", lambda lib, x: x.index_select(-1, lib.tensor([4, 1], dtype=lib.int32))),
    ("index_select_empty", lambda lib, x: x.index_select(1, lib.tensor([], dtype=lib.int64))),
    ("index_select_0d_idx", lambda lib, x: x.index_select(1, lib.tensor(2))),
    ("index_add", lambda lib, x: x.index_add(1, lib.tensor([0, 2, 0]), lib.ones(3, 3, 5))),
    ("index_add_alpha", lambda lib, x: x.index_add(0, lib.tensor([1, 1]), lib.ones(2, 4, 5), alpha=2.5)),
    ("index_add_fn", lambda lib, x: lib.index_add(x, 2, lib.tensor([4]), lib.ones(3, 4, 1))),
    ("index_add_", lambda lib, x: x.clone().index_add_(0, lib.tensor([2, 0]), lib.ones(2, 4, 5))),
    ("index_copy", lambda lib, x: x.index_copy(1, lib.tensor([3, 0]), lib.zeros(3, 2, 5))),
    ("index_copy_", lambda lib, x: x.clone().index_copy_(0, lib.tensor([1]), lib.zeros(1, 4, 5))),
    ("index_fill", lambda lib, x: x.index_fill(2, lib.tensor([0, 3]), -2.0)),
    ("index_fill_", lambda lib, x: x.clone().index_fill_(0, lib.tensor([1]), lib.tensor(7.0))),
    ("masked_fill", lambda lib, x: x.masked_fill(lib.tensor(M)[..., None], 0.5)),
    ("masked_fill_bcast", lambda lib, x: lib.masked_fill(x, lib.tensor([True, False, False, True, False]), -1)),
    ("masked_fill_tensor", lambda lib, x: x.masked_fill(x > 0, lib.tensor(2.0))),
    ("masked_fill_", lambda lib, x: x.clone().masked_fill_(x < 0, 0.0)),
    ("masked_select", lambda lib, x: lib.masked_select(x, x > 0)),
    ("masked_select_bcast", lambda lib, x: x.masked_select(lib.tensor([True, False, False, True, False]))),
    ("masked_scatter", lambda lib, x: x.masked_scatter(x > 0, lib.arange(60.0).reshape(3, 4, 5))),
    ("masked_scatter_", lambda lib, x: x.clone().masked_scatter_(lib.tensor(M)[..., None], -lib.arange(100.0))),
    ("gather", lambda lib, x: lib.gather(x, 1, lib.tensor([[[0, 1, 2, 3, 0]], [[3, 3, 3, 3, 3]], [[1, 0, 1, 0, 1]]]))),
    ("gather_small", lambda lib, x: x.gather(2, lib.tensor([[[4, 0]], [[1, 1]]]))),
    ("gather_neg_dim", lambda lib, x: x.gather(-1, lib.zeros(3, 4, 2, dtype=lib.int64))),
    ("scatter_src", lambda lib, x: x.scatter(1, lib.tensor([[[0, 1, 2, 3, 0]], [[3, 2, 1, 0, 3]]]), -lib.ones(3, 4, 5))),
    ("scatter_value", lambda lib, x: x.scatter(2, lib.tensor([[[0, 1]]]), 9.0)),
    ("scatter_add_reduce", lambda lib, x: x.scatter(0, lib.tensor([[[0, 0, 1, 1, 2]]]), lib.ones(1, 1, 5), reduce="add")),
    ("scatter_mul_reduce", lambda lib, x: x.scatter(0, lib.tensor([[[0, 0, 1, 1, 2]]]), 3.0, reduce="multiply")),
    ("scatter_", lambda lib, x: x.clone().scatter_(1, lib.tensor([[[1, 2]]]), lib.ones(1, 1, 2))),
    ("scatter_fn", lambda lib, x: lib.scatter(x, 0, lib.tensor([[[2]]]), 4.0)),
    ("scatter_add", lambda lib, x: lib.scatter_add(x, 1, lib.tensor([[[0, 0, 0, 1, 1]]]), lib.ones(2, 2, 5))),
    ("scatter_add_", lambda lib, x: x.clone().scatter_add_(0, lib.tensor([[[0, 0, 2]]]), lib.ones(1, 1, 3))),
    ("take", lambda lib, x: lib.take(x, lib.tensor([[0, 59], [-1, 7]]))),
    ("take_method", lambda lib, x: x.take(lib.tensor(5))),
    ("take_along_dim", lambda lib, x: lib.take_along_dim(x, x.argsort(1), 1)),
    ("take_along_dim_bcast", lambda lib, x: lib.take_along_dim(x, lib.tensor([[[0], [2]]]), 2)),
    ("take_along_dim_flat", lambda lib, x: x.take_along_dim(lib.tensor([3, 0, 59]))),
    ("put_", lambda lib, x: x.clone().put_(lib.tensor([0, -1, 5]), lib.tensor([1.0, 2.0, 3.0]))),
    ("put_acc", lambda lib, x: x.clone().put_(lib.tensor([0, 0, 5]), lib.tensor([1.0, 2.0, 3.0]), accumulate=True)),
    ("put", lambda lib, x: x.put(lib.tensor([[1], [2]]), lib.tensor([[1.0], [2.0]]))),
    ("nonzero", lambda lib, x: lib.nonzero(x > 0)),
    ("nonzero_tuple", lambda lib, x: lib.nonzero(x > 0, as_tuple=True)),
    ("nonzero_method", lambda lib, x: (x > 1).nonzero()),
    ("argwhere", lambda lib, x: lib.argwhere(x > 0)),
    ("where_1arg", lambda lib, x: lib.where(x > 0)),
]

SCATTER_REDUCE = [(r, s) for r in ["sum", "prod", "mean", "amax", "amin"] for s in [True, False]]


@pytest.mark.parametrize("name,fn", INDEX_OPS)
def test_index_ops(name, fn):
    for layout in (["contig", "transposed"] if name in ("gather", "index_select_0", "scatter_src", "masked_fill",
                                                         "take", "index_add") else ["contig"]):
        check(lambda lib: fn(lib, make(lib, A, "float32", layout)))


@pytest.mark.parametrize("reduce,include_self", SCATTER_REDUCE)
def test_scatter_reduce(reduce, include_self):
    idx = np.array([[0, 1, 0, 2], [2, 2, 2, 0]])
    src = sample((2, 4), "float64", seed=4)

    def go(lib):
        x = make(lib, A[:, 0, :4], "float64")
        r = x.scatter_reduce(0, lib.tensor(idx), make(lib, src, "float64"), reduce, include_self=include_self)
        y = x.clone().scatter_reduce_(1, lib.tensor(idx), make(lib, src, "float64"), reduce=reduce,
                                       include_self=include_self)
        z = lib.scatter_reduce(x.long(), 0, lib.tensor(idx), lib.ones(2, 4, dtype=lib.int64) * 3, reduce,
                               include_self=include_self)
        return r, y, z
    check(go)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int16", "int32", "int64", "float16", "bfloat16", "float64",
                                   "complex128"])
def test_index_ops_dtypes(dtype):
    a = sample((3, 4), dtype if not dtype.startswith("complex") else "float64", seed=5)
    idx = np.array([[0, 2, 1, 0], [1, 1, 0, 2]])

    def go(lib):
        x = make(lib, a, dtype)
        return (x.gather(0, lib.tensor(idx)), x.index_select(1, lib.tensor([3, 0])), x.take(lib.tensor([0, 11])),
                x.masked_select(lib.tensor(M)), x.scatter(0, lib.tensor(idx), x[:2]), x.masked_fill(lib.tensor(M), 1),
                x.index_fill(0, lib.tensor([1]), 0), lib.nonzero(x), x.index_copy(1, lib.tensor([1]), x[:, :1]))
    check(go)


INDEX_ERRORS = [
    ("gather_int32", lambda lib, x: x.gather(0, lib.zeros(1, 1, 1, dtype=lib.int32))),
    ("gather_dims", lambda lib, x: x.gather(0, lib.zeros(1, dtype=lib.int64))),
    ("gather_oob", lambda lib, x: x.gather(1, lib.full((1, 1, 1), 4))),
    ("gather_idx_big", lambda lib, x: x.gather(1, lib.zeros(4, 1, 1, dtype=lib.int64))),
    ("index_select_float", lambda lib, x: x.index_select(0, lib.tensor([0.0]))),
    ("index_select_2d", lambda lib, x: x.index_select(0, lib.tensor([[0]]))),
    ("index_select_oob", lambda lib, x: x.index_select(0, lib.tensor([3]))),
    ("scatter_int32", lambda lib, x: x.scatter(0, lib.zeros(1, 1, 1, dtype=lib.int32), 1.0)),
    ("scatter_dtype", lambda lib, x: x.scatter(0, lib.zeros(1, 1, 1, dtype=lib.int64), lib.ones(1, 1, 1, dtype=lib.float64))),
    ("scatter_oob", lambda lib, x: x.scatter(0, lib.full((1, 1, 1), 3), 1.0)),
    ("masked_fill_float_mask", lambda lib, x: x.masked_fill(x, 1.0)),
    ("masked_fill_nd_value", lambda lib, x: x.masked_fill(x > 0, lib.ones(2))),
    ("masked_select_float", lambda lib, x: x.masked_select(x)),
    ("take_oob", lambda lib, x: x.take(lib.tensor([60]))),
    ("take_float", lambda lib, x: x.take(lib.tensor([0.0]))),
    ("index_add_shape", lambda lib, x: x.index_add(0, lib.tensor([0]), lib.ones(2, 4, 5))),
    ("index_fill_nd", lambda lib, x: x.index_fill(0, lib.tensor([0]), lib.ones(2))),
    ("put_oob", lambda lib, x: x.clone().put_(lib.tensor([60]), lib.tensor([1.0]))),
    ("scatter_reduce_bad", lambda lib, x: x.scatter_reduce(0, lib.zeros(1, 1, 1, dtype=lib.int64), x, "bad")),
    ("scatter_bad_reduce", lambda lib, x: x.scatter(0, lib.zeros(1, 1, 1, dtype=lib.int64), 1.0, reduce="max")),
    ("scatter_dims", lambda lib, x: x.scatter(0, lib.zeros(1, 1, dtype=lib.int64), 1.0)),
    ("scatter_big", lambda lib, x: x.scatter(0, lib.zeros(4, 1, 1, dtype=lib.int64), lib.ones(3, 1, 1))),
    ("index_add_float_idx", lambda lib, x: x.index_add(0, lib.tensor([0.0]), lib.ones(1, 4, 5))),
    ("index_add_oob", lambda lib, x: x.index_add(0, lib.tensor([3]), lib.ones(1, 4, 5))),
    ("index_add_src_dtype", lambda lib, x: x.index_add(0, lib.tensor([0]), lib.ones(1, 4, 5, dtype=lib.float64))),
    ("index_copy_int32", lambda lib, x: x.index_copy(0, lib.tensor([0], dtype=lib.int32), lib.ones(1, 4, 5))),
    ("index_copy_shape", lambda lib, x: x.index_copy(0, lib.tensor([0]), lib.ones(2, 4, 5))),
    ("index_fill_oob", lambda lib, x: x.index_fill(0, lib.tensor([5]), 1.0)),
    ("index_fill_int32", lambda lib, x: x.index_fill(0, lib.tensor([0], dtype=lib.int32), 1.0)),
    ("put_dtype", lambda lib, x: x.clone().put_(lib.tensor([0]), lib.tensor([1.0], dtype=lib.float64))),
    ("put_numel", lambda lib, x: x.clone().put_(lib.tensor([0, 1]), lib.tensor([1.0]))),
    ("masked_scatter_long_mask", lambda lib, x: x.masked_scatter(x.long(), x)),
    ("masked_scatter_few", lambda lib, x: x.masked_scatter(x == x, lib.ones(3))),
    ("masked_scatter_dtype", lambda lib, x: x.masked_scatter(x > 0, lib.ones(60, dtype=lib.float64))),
    ("take_along_dim_ndim", lambda lib, x: lib.take_along_dim(x, lib.zeros(2, 2, dtype=lib.long), 1)),
    ("take_along_dim_float", lambda lib, x: lib.take_along_dim(x, lib.zeros(1, 1, 1), 1)),
    ("index_put_dtype", lambda lib, x: x.clone().index_put_((lib.tensor([0.0]),), lib.tensor(1.0))),
]


@pytest.mark.parametrize("name,fn", INDEX_ERRORS, ids=[o[0] for o in INDEX_ERRORS])
def test_index_errors(name, fn):
    check(lambda lib: fn(lib, make(lib, A, "float32")),
          message=name not in ("index_select_float", "index_select_2d", "scatter_reduce_bad", "index_put_dtype",
                               "masked_fill_nd_value", "gather_dims", "index_copy_int32", "take_along_dim_float"))


def test_out_variants():
    def go(lib):
        x = make(lib, A, "float32")
        o1, o2, o3, o4 = lib.empty(0), lib.empty(0), lib.empty(0, dtype=lib.int64), lib.empty(0)
        lib.index_select(x, 1, lib.tensor([0, 2]), out=o1)
        lib.gather(x, 0, lib.zeros(1, 2, 2, dtype=lib.int64), out=o2)
        lib.nonzero(x > 1, out=o3)
        lib.masked_select(x, x > 1, out=o4)
        return o1, o2, o3, o4
    check(go)


GRADS = [
    ("getitem_adv", lambda lib, x: x[[0, 2, 0]].sum(0), (3, 4)),
    ("getitem_mask", lambda lib, x: x[x > 0] * 2, (3, 4)),
    ("getitem_mixed", lambda lib, x: x[:, [1, 1, 3]] ** 2, (3, 4)),
    ("setitem", lambda lib, x: _setitem_grad(lib, x), (3, 4)),
    ("index_put_acc", lambda lib, x: x.index_put((lib.tensor([0, 0]),), x[1:3] * 2, accumulate=True), (3, 4)),
    ("index_select", lambda lib, x: x.index_select(1, lib.tensor([0, 3, 3])), (3, 4)),
    ("gather", lambda lib, x: x.gather(1, lib.tensor([[0, 0], [3, 1], [2, 2]])), (3, 4)),
    ("scatter", lambda lib, x: x.scatter(0, lib.tensor([[0, 1, 2, 0]]), x[2:] * 3), (3, 4)),
    ("scatter_add", lambda lib, x: x.scatter_add(1, lib.tensor([[0, 0], [1, 1], [3, 3]]), x[:, :2] ** 2), (3, 4)),
    ("scatter_reduce_sum", lambda lib, x: x.scatter_reduce(0, lib.tensor([[0, 1, 0, 1]]), x[:1] * 2, "sum"), (3, 4)),
    ("scatter_reduce_mean", lambda lib, x: x.scatter_reduce(0, lib.tensor([[0, 1, 0, 1]]), x[:1] * 2, "mean"), (3, 4)),
    ("masked_fill", lambda lib, x: x.masked_fill(x > 0.5, 0.0), (3, 4)),
    ("masked_select", lambda lib, x: x.masked_select(x < 0), (3, 4)),
    ("masked_scatter", lambda lib, x: lib.zeros(3, 4, dtype=lib.float64).masked_scatter(x > 0, x * 2), (3, 4)),
    ("take", lambda lib, x: x.take(lib.tensor([0, 5, 5])), (3, 4)),
    ("take_along_dim", lambda lib, x: lib.take_along_dim(x, lib.tensor([[1], [0], [3]]), 1), (3, 4)),
    ("index_add", lambda lib, x: x.index_add(0, lib.tensor([2, 2]), x[:2] * 3), (3, 4)),
    ("index_copy", lambda lib, x: x.index_copy(0, lib.tensor([2]), x[:1] * 3), (3, 4)),
    ("index_fill", lambda lib, x: x.index_fill(1, lib.tensor([1]), 2.0), (3, 4)),
    ("put", lambda lib, x: x.put(lib.tensor([1, 2]), x[0, :2] * 5), (3, 4)),
]


def _setitem_grad(lib, x):
    y = x * 1
    y[0] = x[1] * 2
    y[[1, 2], [0, 0]] = 0.0
    return y


@pytest.mark.parametrize("name,fn,shape", GRADS, ids=[g[0] for g in GRADS])
def test_index_grads(name, fn, shape):
    check_grad(fn, [(sample(shape, "float64", seed=7), "float64")])


def test_grad_fn_names():
    def go(lib):
        x = lib.ones(3, 4, requires_grad=True)
        return [type(v.grad_fn).__name__ for v in (x[[0, 1]], x[x > 0], x.gather(0, lib.zeros(1, 4, dtype=lib.int64)),
                                                   x.index_select(0, lib.tensor([1])), x.masked_fill(x > 0, 1.0),
                                                   x.take(lib.tensor([1])), x.scatter(0, lib.zeros(1, 4, dtype=lib.int64), x),
                                                   x.index_add(0, lib.tensor([0]), x[:1]), x.put(lib.tensor([0]), x[0, :1]),
                                                   x.scatter_add(0, lib.zeros(1, 4, dtype=lib.int64), x),
                                                   x.scatter_reduce(0, lib.zeros(1, 4, dtype=lib.int64), x, "sum"),
                                                   x.masked_scatter(x > 0, x), x.index_copy(0, lib.tensor([0]), x[:1]))]
    check(go)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=3), st.data())
def test_hypothesis_advanced_getset(shape, data):
    n = len(shape)
    items = []
    for d in range(n):
        kind = data.draw(st.sampled_from(["slice", "int", "list", "none"]))
        if kind == "slice":
            items.append(slice(data.draw(st.integers(-4, 4) | st.none()), None, data.draw(st.integers(1, 2))))
        elif kind == "int":
            items.append(data.draw(st.integers(-shape[d], shape[d] - 1)))
        elif kind == "list":
            items.append(data.draw(st.lists(st.integers(-shape[d], shape[d] - 1), min_size=1, max_size=3)))
        else:
            items.append(None)
            items.append(slice(None))
    lens = {len(i) for i in items if isinstance(i, list)}
    if len(lens) > 1:
        items = [i[:1] if isinstance(i, list) else i for i in items]
    idx = tuple(items)

    def go(lib):
        x = lib.arange(float(np.prod(shape))).reshape(shape)
        r = x[idx]
        x[idx] = -r - 100
        return r, x
    check(go)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 1), st.integers(0, 2**31))
def test_hypothesis_gather_scatter(n, m, dim, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, m))
    size = (n, m)[dim]
    idx = rng.integers(0, size, size=(rng.integers(1, n + 1), rng.integers(1, m + 1)))

    def go(lib):
        x = lib.tensor(a)
        i = lib.tensor(idx)
        return (x.gather(dim, i), x.scatter_add(dim, i, lib.ones(idx.shape, dtype=lib.float64)),
                x.scatter_reduce(dim, i, x[:idx.shape[0], :idx.shape[1]] if True else None, "amax"))
    check(go)
