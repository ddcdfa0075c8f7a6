"""Buffer donation: optimizer steps (eager) and compiled programs hand their old parameter/state arrays to XLA,
which updates them in place, but only when nothing else can still read those arrays."""
from __future__ import annotations

import numpy as np
import pytest

import torchlike as torch
from torchlike.optim import _fused

nn = torch.nn


def _setup(opt_cls=torch.optim.Adam, **kw):
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))
    opt = opt_cls(m.parameters(), lr=0.01, **kw)
    x, y = torch.randn(4, 6), torch.randint(0, 3, (4,))
    return m, opt, x, y


def _step(m, opt, x, y):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(m(x), y)
    loss.backward()
    opt.step()
    return loss


@pytest.fixture
def donations(monkeypatch):
    """Counts of optimizer updates that donated / kept their arrays."""
    cnt = {"donated": 0, "kept": 0}
    d, k = _fused._group_update_donated, _fused._group_update

    def donated(*a):
        cnt["donated"] += 1
        return d(*a)

    def kept(*a):
        cnt["kept"] += 1
        return k(*a)
    monkeypatch.setattr(_fused, "_group_update_donated", donated)
    monkeypatch.setattr(_fused, "_group_update", kept)
    return cnt


@pytest.mark.parametrize("opt_cls,kw", [(torch.optim.Adam, {}), (torch.optim.SGD, dict(momentum=0.9)),
                                        (torch.optim.RMSprop, {})])
def test_a_training_loop_donates_and_matches_the_undonated_update(opt_cls, kw, donations, monkeypatch):
    m, opt, x, y = _setup(opt_cls, **kw)
    for _ in range(4):
        _step(m, opt, x, y)
    assert donations["donated"] >= 3
    got = [p.detach().numpy().copy() for p in m.parameters()]
    monkeypatch.setattr(_fused, "unshared", lambda *a, **k: False)      # never donate: the reference
    m2, opt2, x2, y2 = _setup(opt_cls, **kw)
    for _ in range(4):
        _step(m2, opt2, x2, y2)
    for a, b in zip(got, m2.parameters()):
        np.testing.assert_array_equal(a, b.detach().numpy())


def test_arrays_someone_else_holds_are_not_donated(donations):
    m, opt, x, y = _setup()
    _step(m, opt, x, y)
    w = m[0].weight
    exported = w.jax()                                  # the bridge hands out the storage's array
    before = np.asarray(exported).copy()
    _step(m, opt, x, y)
    assert donations["kept"] == 1
    np.testing.assert_array_equal(np.asarray(exported), before)     # still readable, old values
    del exported
    row = w[0]
    row_before = row.detach().numpy().copy()            # a view caches the storage's array
    _step(m, opt, x, y)
    assert not np.array_equal(row.detach().numpy(), row_before)     # the view sees the update
    _step(m, opt, x, y)
    assert donations["donated"] >= 1


def test_a_retained_graph_still_reports_the_inplace_modification():
    m, opt, x, y = _setup()
    loss = nn.functional.cross_entropy(m(x), y)
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_compiled_steps_donate_and_keep_shared_arrays_valid():
    m, opt, x, y = _setup()
    step = torch.compile(lambda: _step(m, opt, x, y))
    for _ in range(4):
        step()
    progs = list({id(p): p for p in step._cache.values()}.values())
    assert all(p.donate and p._jitted_keep is None for p in progs)       # every call donated
    exported = m[0].weight.jax()
    before = np.asarray(exported).copy()
    step()
    np.testing.assert_array_equal(np.asarray(exported), before)
    assert any(p._jitted_keep is not None for p in progs)                # that call kept its arrays
    m2, opt2, x2, y2 = _setup()
    for _ in range(5):
        _step(m2, opt2, x2, y2)
    for a, b in zip(m.parameters(), m2.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
