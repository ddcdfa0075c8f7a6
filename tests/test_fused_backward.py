"""The fused backward (torchlike/autograd/_fused.py) gives the per-node walk's results, and steps aside when it must."""
import numpy as np
import pytest

import torchlike as torch
from torchlike.autograd import _fused


@pytest.fixture
def calls(monkeypatch):
    """Counts fused calls; each test starts with no plan seen."""
    n = [0]
    real = _fused._fused

    def counting(*a):
        n[0] += 1
        return real(*a)
    monkeypatch.setattr(_fused, "_fused", counting)
    monkeypatch.setattr(_fused, "_SEEN", {})
    monkeypatch.setattr(_fused, "_BAD", set())
    monkeypatch.setattr(_fused, "ENABLED", True)
    return n


def _mlp_grads(steps, fused, accumulate=False, retain=False):
    _fused.ENABLED = fused
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(7, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))
    x, y = torch.randn(5, 7), torch.tensor([0, 2, 1, 1, 0])
    grads = []
    for _ in range(steps):
        if not accumulate:
            model.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward(retain_graph=retain)
        if retain:
            loss.backward()
        grads.append([p.grad.numpy().copy() for p in model.parameters()])
    return grads


@pytest.mark.parametrize("accumulate,retain", [(False, False), (True, False), (False, True)])
def test_same_gradients_as_per_node_walk(calls, accumulate, retain):
    fused = _mlp_grads(5, True, accumulate, retain)
    assert calls[0] >= 2            # the plan was fused from its third sighting on
    plain = _mlp_grads(5, False, accumulate, retain)
    for gf, gp in zip(fused, plain):
        for a, b in zip(gf, gp):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_grad_tensor_identity_kept_when_accumulating(calls):
    w = torch.randn(4, requires_grad=True)
    (w * 2).sum().backward()
    g = w.grad
    for _ in range(4):
        (w * 2).sum().backward()
    assert calls[0] >= 1 and w.grad is g
    np.testing.assert_allclose(g.numpy(), np.full(4, 10.0))


def test_gradient_argument_multiple_roots_and_dtypes(calls):
    a = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    for _ in range(4):
        a.grad = b.grad = None
        u = (a * a).sum(0)
        v = (b.exp() * 3)
        torch.autograd.backward([u, v], [torch.ones(2, dtype=torch.float64), torch.full((2,), 0.5)])
    assert calls[0] >= 1
    np.testing.assert_allclose(a.grad.numpy(), 2 * a.detach().numpy())
    np.testing.assert_allclose(b.grad.numpy(), 1.5 * np.exp(b.detach().numpy()), rtol=1e-6)
    assert a.grad.dtype == torch.float64 and b.grad.dtype == torch.float32


def test_broadcast_leaf_and_unused_branch(calls):
    w = torch.randn(3, requires_grad=True)
    z = torch.randn(3, requires_grad=True)
    for _ in range(4):
        w.grad = None
        (w * torch.ones(2, 3)).sum().backward()
    assert calls[0] >= 1
    np.testing.assert_allclose(w.grad.numpy(), np.full(3, 2.0))
    assert z.grad is None


def test_hooks_and_retain_grad_take_the_per_node_path(calls):
    w = torch.randn(3, requires_grad=True)
    seen = []
    for _ in range(4):
        h = w * 2
        h.register_hook(lambda g: seen.append(1))
        h.sum().backward()
    for _ in range(4):
        h = w * 2
        h.retain_grad()
        h.sum().backward()
        assert h.grad is not None
    w.register_hook(lambda g: g * 0)
    w.grad = None
    for _ in range(4):
        (w * 2).sum().backward()
    assert calls[0] == 0 and len(seen) == 4
    np.testing.assert_allclose(w.grad.numpy(), np.zeros(3))


def test_inplace_modification_error_still_raised(calls):
    x = torch.randn(3, requires_grad=True)
    for _ in range(3):
        x.exp().sum().backward()
    for _ in range(3):
        y = x.exp()
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_second_backward_without_retain_raises(calls):
    x = torch.randn(3, requires_grad=True)
    for _ in range(5):
        y = (x * x).sum()
        y.backward()
    assert calls[0] >= 1
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_python_backward_functions_are_not_fused(calls):
    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    x = torch.randn(3, requires_grad=True)
    for _ in range(4):
        x.grad = None
        Double.apply(x).sum().backward()
    assert calls[0] == 0
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 2.0))
