"""Results PyTorch returns as views (or as the input itself) alias their base in torchlike too: writes either way
are visible, _base / data_ptr / grad_fn as PyTorch's."""
from __future__ import annotations

import numpy as np
import pytest
import torch as TH

import torchlike as TL

LIBS = (TL, TH)


def _vals(t):
    t = t.detach()
    return np.asarray(t.resolve_conj().numpy() if t.dtype.is_complex else t.numpy()).tolist()


def _pair(fn):
    out = [fn(lib) for lib in LIBS]
    assert out[0] == out[1], out
    return out[0]


def _root(t):
    return t if t._base is None else t._base


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_view_as_real_writes_both_ways(dtype):
    def fn(lib):
        c = lib.tensor(np.arange(6.0).reshape(2, 3) * (1 + 0.5j), dtype=getattr(lib, dtype))
        r = lib.view_as_real(c)
        meta = (r.shape, r.stride(), r.storage_offset(), str(r.dtype).split(".")[-1], r._base is c,
                r.data_ptr() == c.data_ptr(), r.is_contiguous())
        r[0, 1, 1] = -7
        r[1].mul_(2)
        c[0, 0] = 5 - 5j
        s = lib.view_as_real(c[:, 1:])            # a view of a view, with an offset
        s += 100
        return meta, _vals(c), _vals(r), s.stride(), s.storage_offset()
    _pair(fn)


def test_view_as_complex_writes_both_ways():
    def fn(lib):
        x = lib.arange(16.0).view(2, 4, 2)
        z = lib.view_as_complex(x)
        meta = (z.shape, z.stride(), z.storage_offset(), str(z.dtype), z._base is x, z.data_ptr() == x.data_ptr())
        z[0, 1] = 1 + 2j
        z *= 2
        x[1, 0, 1] = -1
        back = lib.view_as_real(z)
        back[1, 3, 0] = 42
        zt = lib.view_as_complex(x.transpose(0, 1))
        return meta, _vals(x), _vals(z), zt.stride(), _vals(zt), back._base is x
    _pair(fn)


def test_view_as_complex_checks():
    cases = [lambda lib: lib.view_as_complex(lib.randn(5)[1:].view(2, 2)),
             lambda lib: lib.view_as_complex(lib.randn(3, 3)[:, :2]),
             lambda lib: lib.view_as_complex(lib.randn(3, 2)[:, :1]),
             lambda lib: lib.view_as_complex(lib.randn(3, 2).long()),
             lambda lib: lib.view_as_real(lib.randn(3))]
    for case in cases:
        msgs = []
        for lib in LIBS:
            with pytest.raises(RuntimeError) as e:
                case(lib)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]


def test_view_as_real_numpy_shared():
    """A complex tensor sharing NumPy memory: its real view shares it too."""
    for lib in LIBS:
        a = np.zeros(3, np.complex64)
        r = lib.view_as_real(lib.from_numpy(a))
        r[1, 0] = 3
        r[2, 1] = 4
        assert a.tolist() == [0j, 3 + 0j, 4j]
        a[0] = 1 + 1j
        assert r[0].tolist() == [1.0, 1.0]


def test_view_as_real_grad():
    res = []
    for lib in LIBS:
        c = lib.tensor([1 + 2j, 3 - 1j, -2 + 0.5j], requires_grad=True)
        r = lib.view_as_real(c)
        (r ** 2 * lib.tensor([1.0, 3.0])).sum().backward()
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        z = lib.view_as_complex(x)
        (z * z.conj()).real.sum().backward()
        res.append((type(r.grad_fn).__name__, type(z.grad_fn).__name__, _vals(c.grad), _vals(x.grad)))
    assert res[0][:2] == res[1][:2]
    # (res[k][2], the gradient of a complex leaf: torchlike's complex gradients are the conjugate of torch's for every
    # op, a convention issue outside these views; compared up to conjugation)
    np.testing.assert_allclose(np.conj(res[0][2]), res[1][2], rtol=1e-6)
    np.testing.assert_allclose(res[0][3], res[1][3], rtol=1e-6)


def test_identity_results():
    """positive, conj of a real tensor, resolve_conj / resolve_neg, +x return the input itself."""
    for lib in LIBS:
        x = lib.randn(3, requires_grad=True)
        for r in (+x, x.positive(), lib.positive(x), x.conj(), lib.conj(x), x.resolve_conj(), lib.resolve_conj(x),
                  x.resolve_neg(), lib.resolve_neg(x)):
            assert r is x
        with pytest.raises(RuntimeError, match="The `\\+` operator, on a bool tensor is not supported."):
            lib.positive(lib.tensor([True]))
        c = lib.randn(2, dtype=lib.complex64, requires_grad=True)
        assert type(c.conj().grad_fn).__name__ == "ConjBackward0"


EINSUM = ["ij->ji", "ii->i", "ij->ij", "ij", "ji", "ii", "ij->i", "ij->", "ii->"]
EINSUM4 = ["...ij->...ji", "aiib->bia", "aijb->", "...", "a...b->b...a", "aiib", "iijj->ij" , "b...->...b"]


@pytest.mark.parametrize("eq", EINSUM + EINSUM4)
def test_einsum_views(eq):
    def fn(lib):
        x = lib.tensor(np.arange(9.0).reshape(3, 3), requires_grad=True)
        y = lib.tensor(np.arange(36.0).reshape(3, 3, 2, 2).transpose(2, 0, 1, 3).copy())
        if eq == "iijj->ij":
            y = lib.tensor(np.arange(36.0).reshape(2, 2, 3, 3))
        a = x if eq in EINSUM else y
        r = lib.einsum(eq, a)
        view = r._base is _root(a)
        info = (tuple(r.shape), r.stride() if view else None, view, type(r.grad_fn).__name__, _vals(r))
        if view:
            with lib.no_grad():
                r.mul_(-1) if not r.requires_grad else None
            if not a.requires_grad:
                r.fill_(5)
                info += (_vals(a),)
        return info
    _pair(fn)


def test_einsum_view_writes():
    def fn(lib):
        z = lib.zeros(3, 3)
        lib.einsum("ii->i", z).add_(1)
        lib.einsum("ij->ji", z)[0, 1] = 5
        return _vals(z)
    _pair(fn)
