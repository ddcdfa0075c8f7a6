"""torch.ops.aten operators whose schema matches no torch.* function (alias, _to_copy, _pin_memory, slice, index,
_sparse_addmm), aten's plain-tuple results, and Tensor.new_* with size=: the same as real PyTorch."""
import numpy as np
import pytest
import torch as TH

import torchlike as TL


def _both(fn):
    return fn(TL), fn(TH)


def _same(a, b):
    assert type(a).__name__ == type(b).__name__ if not isinstance(a, TL.Tensor) else isinstance(b, TH.Tensor)
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
        return
    assert a.shape == b.shape and str(a.dtype) == str(b.dtype) and a.stride() == b.stride()
    np.testing.assert_array_equal(np.asarray(a.tolist()), np.asarray(b.tolist()))


def _x(lib):
    return lib.arange(12.).reshape(3, 4)


@pytest.mark.parametrize("case", [
    lambda T: T.ops.aten.slice.Tensor(_x(T), 1, 1, 100, 2),
    lambda T: T.ops.aten.slice.Tensor(_x(T), 0, -2),
    lambda T: T.ops.aten.slice.Tensor(_x(T), -1, 0, 2),
    lambda T: T.ops.aten.slice.Tensor(_x(T)),
    lambda T: T.ops.aten.index.Tensor(_x(T), [None, T.tensor([3, 0])]),
    lambda T: T.ops.aten.index.Tensor(_x(T), [T.tensor([2, 1]), T.tensor([0, 3])]),
    lambda T: T.ops.aten.index.Tensor(_x(T), [T.tensor([True, False, True])]),
    lambda T: T.ops.aten._to_copy.default(_x(T), dtype=T.float64),
    lambda T: T.ops.aten._to_copy.default(_x(T).t()),
    lambda T: T.ops.aten.alias.default(_x(T).t()),
    lambda T: T.ops.aten._sparse_addmm.default(T.ones(2, 2), T.eye(2), T.full((2, 2), 2.), beta=0.5, alpha=2),
    lambda T: T.ops.aten.sort.stable(T.tensor([3, 1, 2, 1]), stable=True, dim=0, descending=True),
    lambda T: T.ops.aten.max.dim(_x(T), 1),
])
def test_aten_ops_match_torch(case):
    _same(*_both(case))


def test_alias_views_and_to_copy_copies():
    x = TL.arange(6.)
    a = TL.ops.aten.alias.default(x)
    assert a is not x and a.data_ptr() == x.data_ptr()
    a[0] = 5.
    assert x[0].item() == 5.
    c = TL.ops.aten._to_copy.default(x)
    assert c.data_ptr() != x.data_ptr()
    v = TL.ops.aten.slice.Tensor(x, 0, 2, 4)
    v.fill_(-1.)
    assert x.tolist() == [5., 1., -1., -1., 4., 5.]


def test_pin_memory_without_accelerator_raises_like_torch():
    errs = []
    for T in (TL, TH):
        with pytest.raises(RuntimeError) as e:
            T.ops.aten._pin_memory.default(T.ones(2))
        errs.append(str(e.value))
    assert errs[0] == errs[1]


def test_slice_step_must_be_positive():
    for T in (TL, TH):
        with pytest.raises(RuntimeError, match="slice step must be positive"):
            T.ops.aten.slice.Tensor(T.ones(3), 0, 0, 3, 0)


@pytest.mark.parametrize("name", ["new_ones", "new_zeros", "new_empty"])
def test_new_factories_take_size_keyword(name):
    a, b = _both(lambda T: getattr(T.ones(2, dtype=T.int32), name)(size=(2, 3)))
    assert a.shape == b.shape and str(a.dtype) == str(b.dtype)
    if name != "new_empty":
        _same(a, b)
    for T in (TL, TH):
        with pytest.raises(TypeError, match="multiple values for argument 'size'"):
            getattr(T.ones(2), name)(2, size=(2,))
    a, b = _both(lambda T: T.ones(2).new_ones(size=(), dtype=T.bool))
    _same(a, b)
