"""The JAX bridge: zero-copy conversion, pytrees, torchlike.func transforms, functional_call, check_grads."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import torchlike as torch
from torchlike import func


def test_from_jax_to_jax_share_the_array():
    a = jnp.arange(6.0, dtype=jnp.float32).reshape(2, 3)
    t = torch.from_jax(a)
    assert t.dtype is torch.float32 and t.shape == (2, 3)
    assert torch.to_jax(t) is a and t.jax() is a
    assert isinstance(jnp.asarray(t), jax.Array)


def test_tensor_is_a_pytree_and_jit_accepts_it():
    t = torch.tensor([1.0, 2.0])
    leaves = jax.tree_util.tree_leaves({"w": t})
    assert len(leaves) == 1 and isinstance(leaves[0], jax.Array)
    out = jax.jit(lambda d: d["w"] * 2 + 1)({"w": t})
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.numpy(), [3.0, 5.0])


def _f(x):
    return (x.sin() * x).sum()


def test_func_grad_with_tensors_and_arrays_and_under_jit():
    x = np.array([0.3, -1.0, 2.0], np.float32)
    expected = np.sin(x) + x * np.cos(x)
    g_t = func.grad(_f)(torch.tensor(x))
    assert isinstance(g_t, torch.Tensor)
    np.testing.assert_allclose(g_t.numpy(), expected, rtol=1e-6)
    g_a = jax.jit(func.grad(_f))(jnp.asarray(x))
    assert isinstance(g_a, jax.Array)
    np.testing.assert_allclose(np.asarray(g_a), expected, rtol=1e-6)
    g, v = func.grad_and_value(_f)(torch.tensor(x))
    np.testing.assert_allclose(v.item(), float(np.sum(np.sin(x) * x)), rtol=1e-6)


def test_func_vmap_jacobians_vjp_jvp():
    x = torch.tensor([1.0, 2.0])
    np.testing.assert_allclose(func.vmap(lambda v: v @ v)(torch.ones(3, 2)).numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(func.jacrev(lambda v: v ** 2)(x).numpy(), [[2.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(func.jacfwd(lambda v: v ** 2)(x).numpy(), [[2.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(func.hessian(lambda v: (v ** 3).sum())(x).numpy(), [[6.0, 0.0], [0.0, 12.0]])
    out, fn = func.vjp(lambda v: v ** 2, x)
    np.testing.assert_allclose(fn(torch.ones(2))[0].numpy(), [2.0, 4.0])
    _, tangent = func.jvp(lambda v: v ** 2, (x,), (torch.ones(2),))
    np.testing.assert_allclose(tangent.numpy(), [2.0, 4.0])


def _mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                               torch.nn.ReLU(), torch.nn.Linear(64, 10))


def test_mlp_tape_gradients_equal_jax_grad_through_functional_call():
    """A few SGD steps twice: once with loss.backward(), once with jax.grad of functional_call."""
    model = _mlp()
    loss_fn = torch.nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    params = {k: v.detach()._value() for k, v in model.named_parameters()}

    def loss_of(p, x, y):
        logits = func.functional_call(model, p, (x,))          # jax arrays in -> jax array out
        assert isinstance(logits, jax.Array)
        return loss_fn(torch.from_jax(logits), torch.from_jax(y))._value()

    jgrad = jax.jit(jax.grad(lambda p, x, y: loss_of(p, x, y)))
    for step in range(3):
        x = rng.standard_normal((64, 784)).astype(np.float32)
        y = rng.integers(0, 10, 64)
        model.zero_grad()
        loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        g = jgrad(params, jnp.asarray(x), jnp.asarray(y))
        for k, p in model.named_parameters():
            np.testing.assert_allclose(p.grad.numpy(), np.asarray(g[k]), rtol=2e-4, atol=2e-6, err_msg=k)
        with torch.no_grad():
            for k, p in model.named_parameters():
                p -= 0.1 * p.grad
        params = {k: v - 0.1 * g[k] for k, v in params.items()}
        for k, p in model.named_parameters():
            np.testing.assert_allclose(p.detach().numpy(), np.asarray(params[k]), rtol=1e-4, atol=1e-6)


def test_functional_call_restores_parameters_and_checks_strict():
    model = torch.nn.Linear(3, 2)
    w = model.weight
    zeros = {"weight": torch.zeros(2, 3), "bias": torch.ones(2)}
    out = func.functional_call(model, zeros, (torch.ones(1, 3),))
    np.testing.assert_allclose(out.detach().numpy(), [[1.0, 1.0]])
    assert model.weight is w
    with pytest.raises(RuntimeError, match="Missing key"):
        func.functional_call(model, {"weight": torch.zeros(2, 3)}, (torch.ones(1, 3),), strict=True)


def test_check_grads_reports_and_catches_wrong_gradients():
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    w = torch.tensor([[1.0, 2, 3], [0.5, -1, 2]], dtype=torch.float64)
    report = torch.testing.check_grads(lambda a, b: (b @ a.tanh()).exp(), x, w)
    assert max(report.vs_jax) < 1e-9 and max(report.vs_finite_differences) < 1e-6

    class Wrong(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3
    with pytest.raises(AssertionError, match="gradient mismatch"):
        # the custom backward is wrong and jax.grad differentiates the forward: the check must notice
        torch.testing.check_grads(lambda a: Wrong.apply(a) * 1.0, x)
