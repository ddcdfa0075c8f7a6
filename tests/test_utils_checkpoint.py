"""torch.utils.checkpoint: the forward keeps no intermediates (one backward node instead of the layer graph),
the backward recomputes them, gradients equal the plain run's."""
from __future__ import annotations

import warnings

import pytest

import torchlike as torch
from torchlike.utils import checkpoint as cp

nn = torch.nn


def _nodes(t):
    seen, stack = set(), [t.grad_fn]
    while stack:
        n = stack.pop()
        if n is None or n in seen:
            continue
        seen.add(n)
        stack.extend(x for x, _ in n.next_functions)
    return seen


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Dropout(0.3), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 2))


@pytest.mark.parametrize("reentrant", [True, False])
def test_fewer_saved_same_grads(reentrant):
    m = _model()
    x = torch.randn(4, 6, requires_grad=True)
    torch.manual_seed(5)
    y0 = m(x)
    plain_nodes = [n for n in _nodes(y0) if type(n).__name__ != "AccumulateGrad"]
    y0.pow(2).sum().backward()
    g0 = [p.grad.clone() for p in m.parameters()] + [x.grad.clone()]
    m.zero_grad()
    x.grad = None
    torch.manual_seed(5)
    y1 = cp.checkpoint(m, x, use_reentrant=reentrant)
    ck_nodes = [n for n in _nodes(y1) if type(n).__name__ != "AccumulateGrad"]
    assert len(plain_nodes) >= 6 and len(ck_nodes) == 1         # no per-layer nodes (and no VJP residuals) kept
    assert type(ck_nodes[0]).__name__ == ("CheckpointFunctionBackward" if reentrant else "CheckpointBackward")
    assert (y1 - y0).abs().max().item() == 0                    # dropout mask reproduced from the saved RNG state
    y1.pow(2).sum().backward()
    g1 = [p.grad for p in m.parameters()] + [x.grad]
    for a, b in zip(g0, g1):
        assert (a - b).abs().max().item() < 1e-6


def test_recomputation_happens_in_backward():
    calls = []

    def fn(a):
        calls.append(torch.is_grad_enabled())
        return (a * 3).sin()

    x = torch.ones(3, requires_grad=True)
    y = cp.checkpoint(fn, x, use_reentrant=False)
    assert calls == [False]                   # the forward ran without grad
    y.sum().backward()
    assert calls == [False, True]             # the backward re-ran it with grad
    assert (x.grad - 3 * (x * 3).detach().cos()).abs().max().item() < 1e-6


def test_rng_state_restored_after_backward():
    x = torch.ones(8, requires_grad=True)
    y = cp.checkpoint(lambda a: torch.nn.functional.dropout(a, 0.5), x, use_reentrant=False)
    torch.manual_seed(11)
    expected = torch.rand(3)
    torch.manual_seed(11)
    y.sum().backward()
    assert (torch.rand(3) - expected).abs().max().item() == 0


def test_non_reentrant_grad_wrt_params_and_warnings():
    m = nn.Linear(3, 2)
    x = torch.ones(2, 3)
    out = cp.checkpoint(m, x, use_reentrant=False)
    gw, gb = torch.autograd.grad(out.sum(), [m.weight, m.bias])
    assert gb.tolist() == [2.0, 2.0] and gw.tolist() == [[2.0] * 3] * 2
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        cp.checkpoint(m, x)
    msgs = [str(i.message) for i in w]
    assert any("use_reentrant parameter should be passed explicitly" in s for s in msgs)
    assert any("None of the inputs have requires_grad=True" in s for s in msgs)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        cp.checkpoint(m, x, use_reentrant=True, scale=2)


def test_checkpoint_sequential_matches():
    torch.manual_seed(0)
    s = nn.Sequential(*[nn.Linear(4, 4) for _ in range(6)])
    x = torch.randn(2, 4, requires_grad=True)
    s(x).sum().backward()
    ref = x.grad.clone()
    x.grad = None
    out = cp.checkpoint_sequential(s, 3, x, use_reentrant=True)
    out.sum().backward()
    assert (x.grad - ref).abs().max().item() < 1e-6
