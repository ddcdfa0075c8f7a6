"""Copy or share: constructors from NumPy arrays against PyTorch (issue 13, item 1).

Each case builds a tensor from a fresh array, then overwrites the array: a copying constructor must still hold the
old values and a sharing one the new values, exactly as in PyTorch. Aliasing depended on the array's alignment, so
the grid has many shapes and layouts and every case runs several times in fresh arrays.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from _harness import check

SHAPES = [(), (1,), (2,), (3,), (5,), (6,), (7,), (33,), (1000,), (2, 3), (3, 1, 4)]
DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64", "complex64"]


def _fresh(shape, dtype, layout, seed):
    n = int(np.prod(shape))
    vals = (np.arange(n) * 5 + seed) % 61
    if dtype == "bool":
        vals = vals % 2 == 1
    if layout == "strided":
        return np.array(np.repeat(vals, 2), dtype=dtype)[::2].reshape(shape)
    if layout == "transposed":
        return np.array(vals, dtype=dtype).reshape(shape[::-1]).T
    return np.array(vals, dtype=dtype).reshape(shape)


def _poison(a):
    if a.dtype == np.bool_:
        np.logical_not(a, out=a)
    else:
        a += 1


CONSTRUCTORS = {
    "tensor": lambda lib, a: lib.tensor(a),
    "tensor_float64": lambda lib, a: lib.tensor(a, dtype=lib.float64),
    "Tensor": lambda lib, a: lib.Tensor(a),
    "as_tensor": lambda lib, a: lib.as_tensor(a),
    "as_tensor_float32": lambda lib, a: lib.as_tensor(a, dtype=lib.float32),
    "asarray": lambda lib, a: lib.asarray(a),
    "asarray_copy": lambda lib, a: lib.asarray(a, copy=True),
    "from_numpy": lambda lib, a: lib.from_numpy(a),
    "new_tensor": lambda lib, a: lib.zeros(1, dtype=lib.int16).new_tensor(a),
    "collate": lambda lib, a: lib.utils.data.default_collate([a, a]),
    "from_numpy_clone": lambda lib, a: lib.from_numpy(a).clone(),
    "stack": lambda lib, a: lib.stack([lib.from_numpy(a)]),
}


@pytest.mark.parametrize("layout", ["contig", "strided", "transposed"])
@pytest.mark.parametrize("how", sorted(CONSTRUCTORS))
def test_copy_or_share_like_pytorch(how, layout):
    make = CONSTRUCTORS[how]
    for rep in range(2):
        for shape in SHAPES:
            if not shape and (layout != "contig" or how == "Tensor"):
                continue      # torch.Tensor(0-d integer array) is torch.Tensor(size): not a copy
            for dtype in DTYPES:
                if how == "collate" and layout != "contig" and dtype not in ("float32", "int64"):
                    continue          # collate stacks: one compiled kernel per case, keep it short

                def fn(lib):
                    a = _fresh(shape, dtype, layout, rep)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        t = make(lib, a)
                    _poison(a)
                    return t, a.copy()
                check(fn)


@pytest.mark.parametrize("case", ["dtype", "sequence", "numpy_scalar", "tensor_dtype", "same"])
def test_asarray_copy_false(case):
    def fn(lib):
        a = np.arange(3.0)
        obj, kw = {"dtype": (a, {"dtype": lib.float32}), "sequence": ([1, 2], {}),
                   "numpy_scalar": (np.float64(2.0), {}), "tensor_dtype": (lib.arange(3), {"dtype": lib.float32}),
                   "same": (a, {})}[case]
        t = lib.asarray(obj, copy=False, **kw)
        if isinstance(obj, np.ndarray):
            obj[0] = 7
        return t
    check(fn, message=True)


@pytest.mark.parametrize("ctor", ["tensor", "as_tensor", "asarray", "from_numpy"])
def test_negative_strides(ctor):
    check(lambda lib: getattr(lib, ctor)(np.arange(5.0)[::-1]), message=True)


_LAYOUTS = {
    "transposed": lambda: np.arange(6.).reshape(2, 3).T,
    "fortran": lambda: np.asfortranarray(np.arange(24.).reshape(2, 3, 4)),
    "permuted3d": lambda: np.arange(24.).reshape(2, 3, 4).transpose(1, 2, 0),
    "sliced": lambda: np.arange(12.).reshape(3, 4)[:, ::2],
    "broadcast": lambda: np.broadcast_to(np.arange(3.), (2, 3)),
    "empty": lambda: np.zeros((0, 3)),
    "empty3d": lambda: np.zeros((2, 0, 3)),
    "channels_last": lambda: np.ascontiguousarray(np.arange(48.).reshape(2, 2, 3, 4).transpose(0, 2, 3, 1))
    .transpose(0, 3, 1, 2),
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
@pytest.mark.parametrize("how", ["tensor", "tensor_int", "as_tensor_f32", "asarray_copy"])
def test_copies_keep_numpy_dense_layout(layout, how):
    """torch.tensor(ndarray) is from_numpy + a copy in preserve_format: a dense permuted layout keeps its strides."""
    def fn(lib):
        a = _LAYOUTS[layout]()
        if how == "tensor":
            return lib.tensor(a)
        if how == "tensor_int":
            return lib.tensor(a, dtype=lib.int64)
        if how == "as_tensor_f32":
            return lib.as_tensor(a, dtype=lib.float32)
        return lib.asarray(a, copy=True)
    check(fn, strides=True)
