"""Strides of new results against real PyTorch: elementwise ops (TensorIterator's rule), clone / *_like / to(dtype)
(preserve_format), memory formats; and that .view() / .is_contiguous() after them agree."""
from __future__ import annotations

import numpy as np
import pytest
import torch as TH

import torchlike as TL

from _harness import assert_close_values, check

_RNG = np.random.default_rng(0)
_BASE = _RNG.standard_normal(4 * 3 * 5 * 2 * 2).astype(np.float32)

# name -> (shape, maker(lib, t)) : t is a contiguous tensor of `shape` built from the same values in both libraries
LAYOUTS = {
    "contig": ((3, 4), lambda lib, t: t),
    "t2d": ((4, 3), lambda lib, t: t.t()),
    "t3d": ((2, 3, 4), lambda lib, t: t.transpose(0, 2)),
    "perm3d": ((2, 3, 4), lambda lib, t: t.permute(1, 2, 0)),
    "channels_last": ((2, 3, 4, 5), lambda lib, t: t.contiguous(memory_format=lib.channels_last)),
    "cl_permuted": ((2, 4, 5, 3), lambda lib, t: t.permute(0, 3, 1, 2)),
    "expanded": ((3, 1), lambda lib, t: t.expand(3, 4)),
    "expanded_lead": ((4,), lambda lib, t: t.expand(2, 3, 4)),
    "sliced": ((4, 6), lambda lib, t: t[:, ::2]),
    "sliced_t": ((6, 4), lambda lib, t: t[::2].t()),
    "narrow_t": ((5, 4), lambda lib, t: t.t()[:, 1:4]),
    "unsq_t": ((4, 3), lambda lib, t: t.t().unsqueeze(1)),
    "size1_t": ((4, 1), lambda lib, t: t.t()),
    "cl_sliced": ((2, 3, 4, 6), lambda lib, t: t.contiguous(memory_format=lib.channels_last)[..., ::2]),
    "cl3d": ((2, 3, 2, 2, 3), lambda lib, t: t.contiguous(memory_format=lib.channels_last_3d)),
    "scalar": ((), lambda lib, t: t),
    "empty_t": ((3, 0), lambda lib, t: t.t()),
    "empty_perm": ((0, 3, 2), lambda lib, t: t.permute(2, 0, 1)),
}


def _make(lib, name):
    shape, fn = LAYOUTS[name]
    n = int(np.prod(shape))
    if n == 0:        # (torch.tensor of an empty ndarray keeps NumPy's zero strides; start from empty() instead)
        return fn(lib, lib.empty(shape))
    return fn(lib, lib.tensor(_BASE[:n].reshape(shape) + 2.0))


def _both(fn, *names):
    return fn(TL, *[_make(TL, n) for n in names]), fn(TH, *[_make(TH, n) for n in names])


def _check(a, b):
    assert tuple(a.shape) == tuple(b.shape)
    assert a.stride() == b.stride(), f"strides {a.stride()} != {b.stride()}"
    assert a.is_contiguous() == b.is_contiguous()
    assert_close_values(a, b, str(b.dtype).replace("torch.", ""), rtol=1e-5, atol=1e-5)


UNARY = {
    "neg": lambda lib, x: -x, "exp": lambda lib, x: x.exp(), "abs": lambda lib, x: lib.abs(x),
    "sigmoid": lambda lib, x: lib.sigmoid(x), "add_scalar": lambda lib, x: x + 1, "mul_scalar": lambda lib, x: 2 * x,
    "rsub_scalar": lambda lib, x: 1 - x, "pow": lambda lib, x: x ** 2, "gt": lambda lib, x: x > 2,
    "clamp": lambda lib, x: x.clamp(1.5, 2.5), "relu": lambda lib, x: lib.nn.functional.relu(x),
    "gelu": lambda lib, x: lib.nn.functional.gelu(x), "where": lambda lib, x: lib.where(x > 2, x, 0.0),
    "clone": lambda lib, x: x.clone(), "to_double": lambda lib, x: x.to(lib.float64),
    "double": lambda lib, x: x.double(), "type_as": lambda lib, x: x.type_as(lib.zeros(1, dtype=lib.float64)),
    "to_int": lambda lib, x: x.to(lib.int32), "zeros_like": lambda lib, x: lib.zeros_like(x),
    "ones_like": lambda lib, x: lib.ones_like(x), "empty_like": lambda lib, x: lib.empty_like(x).fill_(3),
    "full_like": lambda lib, x: lib.full_like(x, 7.0), "isnan": lambda lib, x: lib.isnan(x),
    "nan_to_num": lambda lib, x: lib.nan_to_num(x), "square": lambda lib, x: lib.square(x),
    "lerp": lambda lib, x: lib.lerp(x, x, 0.3),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("op", sorted(UNARY))
def test_unary_layout(op, layout):
    a, b = _both(UNARY[op], layout)
    if op in ("zeros_like", "ones_like", "empty_like", "full_like"):
        assert a.stride() == b.stride()
        return
    _check(a, b)


BINARY_PAIRS = [("t2d", "contig"), ("contig", "t2d"), ("t2d", "t2d"), ("expanded", "t2d"), ("t2d", "expanded"),
                ("sliced", "t2d"), ("t2d", "scalar"), ("channels_last", "channels_last"), ("channels_last", "scalar"),
                ("cl_permuted", "channels_last"), ("t3d", "perm3d"), ("perm3d", "t3d"), ("expanded_lead", "t3d"),
                ("size1_t", "contig"), ("unsq_t", "t2d"), ("cl_sliced", "channels_last"), ("empty_t", "scalar"),
                ("empty_perm", "empty_perm")]


def _bcast(lib, x, y):
    # bring shapes together: pairs of different shapes broadcast over a reshape of the second operand's values
    if tuple(x.shape) != tuple(y.shape) and y.dim() and x.dim():
        try:
            lib.broadcast_shapes(x.shape, y.shape)
        except RuntimeError:
            y = y.flatten()[:x.shape[-1]] if y.numel() >= x.shape[-1] else y
    return x, y


@pytest.mark.parametrize("op", ["add", "mul", "sub", "rsub", "maximum", "eq", "atan2"])
@pytest.mark.parametrize("pair", BINARY_PAIRS, ids=lambda p: "-".join(p))
def test_binary_layout(op, pair):
    def fn(lib, x, y):
        x, y = _bcast(lib, x, y)
        return getattr(lib, op)(x, y)
    a, b = _both(fn, *pair)
    _check(a, b)


def test_where_three_operands():
    for layout in ("t3d", "perm3d", "channels_last", "size1_t"):
        a, b = _both(lambda lib, x: lib.where(x > 2, x.contiguous(), x), layout)
        _check(a, b)
        a, b = _both(lambda lib, x: lib.where(x.contiguous() > 2, x, 0.0), layout)
        _check(a, b)
    _check(a, b)


@pytest.mark.parametrize("layout", ["channels_last", "cl_permuted", "contig", "t3d", "cl_sliced"])
def test_memory_formats(layout):
    fmts = ["contiguous_format", "channels_last", "preserve_format"]
    for f in fmts:
        def fn(lib, x):
            fmt = getattr(lib, f)
            out = [x.clone(memory_format=fmt), lib.empty_like(x, memory_format=fmt).fill_(1),
                   lib.zeros_like(x, memory_format=fmt), x.to(lib.float64, memory_format=fmt)]
            if f != "preserve_format":
                out.append(x.contiguous(memory_format=fmt))
                out.append(x.to(memory_format=fmt))
            return out

        x_tl, x_th = _make(TL, layout), _make(TH, layout)
        ok = [True, True]
        try:
            ra = fn(TL, x_tl)
        except RuntimeError as e:
            ok[0] = str(e)
        try:
            rb = fn(TH, x_th)
        except RuntimeError as e:
            ok[1] = str(e)
        assert ok[0] == ok[1]
        if ok[0] is True:
            for a, b in zip(ra, rb):
                assert a.stride() == b.stride(), (f, a.stride(), b.stride())
        for g in ["contiguous_format", "channels_last", "channels_last_3d"]:
            assert x_tl.is_contiguous(memory_format=getattr(TL, g)) == x_th.is_contiguous(memory_format=getattr(TH, g))


def test_memory_format_objects():
    for f in ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]:
        assert repr(getattr(TL, f)) == repr(getattr(TH, f))
    assert TL.empty(2, 3, 4, 5, memory_format=TL.channels_last).stride() == \
        TH.empty(2, 3, 4, 5, memory_format=TH.channels_last).stride()
    assert TL.empty(1, 2, 3, 4, 5, memory_format=TL.channels_last_3d).stride() == \
        TH.empty(1, 2, 3, 4, 5, memory_format=TH.channels_last_3d).stride()
    for lib in (TL, TH):
        with pytest.raises(RuntimeError, match="required rank 4 tensor to use channels_last format"):
            lib.empty(2, 3, memory_format=lib.channels_last)
        with pytest.raises(RuntimeError, match="required rank 4 tensor to use channels_last format"):
            lib.randn(2, 3).contiguous(memory_format=lib.channels_last)
        with pytest.raises(RuntimeError, match="preserve memory format is unsupported by the contiguous operator"):
            lib.randn(3, 2).t().contiguous(memory_format=lib.preserve_format)


def test_view_after_elementwise():
    """.view() after an elementwise op on a transposed input fails / succeeds as in PyTorch."""
    for lib in (TL, TH):
        y = lib.randn(4, 3).t() * 2
        with pytest.raises(RuntimeError, match="view size is not compatible"):
            y.view(12)
        assert y.t().view(12).shape == (12,)
        c = lib.randn(2, 3, 4, 5).contiguous(memory_format=lib.channels_last).exp()
        assert c.permute(0, 2, 3, 1).view(-1).shape == (120,)


def test_writes_into_permuted_result():
    """In-place writes, views and NumPy sharing over a result stored in a permuted layout."""
    vals = {}
    for lib in (TL, TH):
        x = lib.tensor(np.arange(12.0, dtype=np.float32).reshape(3, 4)).t() + 0
        x[1, 2] = -1
        x[:, 0].mul_(10)
        v = x.t()
        v[0, 3] += 100
        vals[lib] = (x.numpy().copy(), x.stride(), x.t().reshape(-1).tolist())
    np.testing.assert_array_equal(vals[TL][0], vals[TH][0])
    assert vals[TL][1:] == vals[TH][1:]


def test_randoms_like_layout():
    """rand_like / randn_like / randint_like of non-contiguous inputs: layout and values as PyTorch's."""
    for make in (lambda lib, x: lib.rand_like(x), lambda lib, x: lib.randn_like(x),
                 lambda lib, x: lib.randint_like(x, 10)):
        for layout in ("channels_last", "t2d", "sliced"):
            res = []
            for lib in (TL, TH):
                lib.manual_seed(0)
                res.append(make(lib, _make(lib, layout)))
            assert res[0].stride() == res[1].stride()
            assert_close_values(res[0], res[1], str(res[1].dtype).replace("torch.", ""))


def test_grad_through_permuted_results():
    out = []
    for lib in (TL, TH):
        w = lib.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
        y = (w.t() * 3).exp() + w.t()
        y.sum().backward()
        out.append((y.stride(), w.grad.numpy()))
    assert out[0][0] == out[1][0]
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-6)


def test_module_to_memory_format_applies_to_4d_and_5d_tensors():
    def fn(lib):
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Conv2d(3, 4, 3), lib.nn.BatchNorm2d(4), lib.nn.Conv3d(4, 2, 1))
        m = m.to(memory_format=lib.channels_last)
        return [(p.stride(), p.is_contiguous(memory_format=lib.channels_last)) for p in m.parameters()]
    check(fn)


# --- ops whose results follow the input's layout beyond TensorIterator: empty_like(input) results (flip, sort ...),
# clones written into (index_fill, put, index_put), diff's narrowed views, roll's cat, nonzero's transposed result

def _strides_of(r):
    if isinstance(r, (tuple, list)):
        return tuple(_strides_of(x) for x in r)
    return tuple(r.stride())


def _values_of(r):
    if isinstance(r, (tuple, list)):
        return [_values_of(x) for x in r]
    return r.detach().cpu().numpy() if isinstance(r, TH.Tensor) else np.asarray(r.detach().cpu()._value())


def _same_layout(fn, layout):
    res = []
    for lib in (TL, TH):
        try:
            res.append((_strides_of(fn(lib, _make(lib, layout))), fn(lib, _make(lib, layout))))
        except Exception as e:      # noqa: BLE001 - the same mistake must fail the same way
            res.append((type(e).__name__, None))
    (sa, ra), (sb, rb) = res
    assert sa == sb, f"{layout}: {sa} != {sb}"
    if rb is not None:
        for a, b in zip(np.atleast_1d(np.asarray(_values_of(ra), dtype=object)).ravel(),
                        np.atleast_1d(np.asarray(_values_of(rb), dtype=object)).ravel()):
            np.testing.assert_allclose(np.asarray(a, dtype=np.complex128), np.asarray(b, dtype=np.complex128),
                                       rtol=1e-5, atol=1e-5)


LIKE_OPS = {
    "flip": lambda lib, x: x.flip(-1), "flip0": lambda lib, x: lib.flip(x, [0]), "fliplr": lambda lib, x: x.fliplr(),
    "flipud": lambda lib, x: x.flipud(), "sort": lambda lib, x: tuple(x.sort(-1)),
    "sort0_desc": lambda lib, x: tuple(lib.sort(x, dim=0, descending=True, stable=True)),
    "argsort": lambda lib, x: x.argsort(-1), "msort": lambda lib, x: lib.msort(x),
    "diff": lambda lib, x: x.diff(dim=-1), "diff0": lambda lib, x: x.diff(dim=0), "diff_n2": lambda lib, x: x.diff(n=2),
    "diff_n0": lambda lib, x: x.diff(n=0), "diff_prepend": lambda lib, x: x.diff(dim=0, prepend=x[:1]),
    "index_fill": lambda lib, x: x.index_fill(-1, lib.tensor([0]), 1.0),
    "put": lambda lib, x: x.put(lib.tensor([0, 2]), lib.tensor([1.0, 5.0])),
    "index_put": lambda lib, x: x.index_put((lib.tensor([0]),), lib.tensor(1.0)),
    "roll": lambda lib, x: x.roll(1, -1), "roll_dims": lambda lib, x: x.roll((1, 2), (0, -1)),
    "roll_flat": lambda lib, x: x.roll(1), "polar": lambda lib, x: lib.polar(x, x), "complex": lambda lib, x: lib.complex(x, x),
    "conj_physical": lambda lib, x: (x * 1j).conj_physical(), "nonzero": lambda lib, x: (x > 2.5).nonzero(),
    "argwhere": lambda lib, x: lib.argwhere(x > 2.5),
}
LIKE_LAYOUTS = ["contig", "t2d", "t3d", "perm3d", "channels_last", "cl_permuted", "cl3d", "cl_sliced", "expanded",
                "expanded_lead", "sliced", "sliced_t", "narrow_t", "unsq_t", "scalar"]


@pytest.mark.parametrize("layout", LIKE_LAYOUTS)
@pytest.mark.parametrize("op", sorted(LIKE_OPS))
def test_input_layout_ops(op, layout):
    _same_layout(LIKE_OPS[op], layout)


@pytest.mark.parametrize("op", ["add", "exp", "nonzero", "sort"])
@pytest.mark.parametrize("layout", ["t2d", "t3d", "channels_last"])
def test_resized_out_takes_result_strides(op, layout):
    """An out= tensor that is resized (empty, or of the wrong shape) gets the strides a fresh result has."""
    def fn(lib, x):
        if op == "sort":
            o = (lib.empty(0), lib.empty(0, dtype=lib.long))
            lib.sort(x, -1, out=o)
            return o
        o = lib.empty(0, dtype=lib.long if op == "nonzero" else lib.float32)
        if op == "add":
            lib.add(x, 1, out=o)
        else:
            getattr(lib, op)(x, out=o)
        return o
    _same_layout(fn, layout)


@pytest.mark.parametrize("shape,order", [((4, 1), "T"), ((1, 4), "T"), ((2, 1, 3), "C"), ((3, 4), "T"),
                                         ((3, 1, 4), "F"), ((2, 3), "slice")])
def test_tensor_from_ndarray_keeps_numpy_strides(shape, order):
    """torch.tensor(ndarray) copies in preserve_format: NumPy's strides, even of size-1 dimensions, are kept when
    dense (np.ascontiguousarray of a transpose leaves a size-1 dimension's stride as it was)."""
    a = np.arange(float(np.prod(shape))).reshape(shape)
    a = {"T": lambda: np.ascontiguousarray(a.T), "C": lambda: a, "F": lambda: np.asfortranarray(a),
         "slice": lambda: np.repeat(a, 2, axis=-1)[:, ::2]}[order]()
    ta, tb = TL.tensor(a), TH.tensor(a)
    assert ta.stride() == tb.stride()
    np.testing.assert_array_equal(ta.numpy(), tb.numpy())
    assert (ta.transpose(0, -1) + 1).stride() == (tb.transpose(0, -1) + 1).stride()


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_on_expanded_writes_through(accumulate):
    """index_put_ / advanced-index assignment into an expanded tensor writes each indexed element at its memory
    address (the base sees it; accumulate adds once per element), with PyTorch's deprecation warning."""
    out = []
    for lib in (TL, TH):
        b = lib.zeros(1, 4)
        x = b.expand(3, 4)
        with pytest.warns(UserWarning, match="Use of index_put_ on expanded tensors is deprecated"):
            x.index_put_((lib.tensor([0, 2]), lib.tensor([1, 3])), lib.tensor([5.0, 6.0]), accumulate=accumulate)
        c = lib.zeros(4)
        y = c.expand(3, 4)
        with pytest.warns(UserWarning):
            y.index_put_((lib.tensor([0, 2]),), lib.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=accumulate)
        d = lib.zeros(2, 1, 3)
        with pytest.warns(UserWarning):
            d.expand(2, 4, 3)[lib.tensor([0, 1]), lib.tensor([1, 2])] = lib.tensor([[1.0, 2, 3], [4, 5, 6]])
        out.append((b.tolist(), x.tolist(), x.stride(), c.tolist(), d.tolist()))
    assert out[0] == out[1]
