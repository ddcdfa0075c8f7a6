"""torch.distributions (Normal, Uniform, Bernoulli, Categorical): samples from the same seed, log_prob, entropy,
moments, expand, gradients through rsample, and validation errors, compared with real PyTorch."""
import numpy as np
import pytest
import torch as TH

import torchlike as TL

CASES = {
    "normal": lambda t: t.distributions.Normal(t.tensor([0.0, 1.5, -2.0]), t.tensor([1.0, 0.5, 3.0])),
    "normal_scalar": lambda t: t.distributions.Normal(0.5, 2.0),
    "uniform": lambda t: t.distributions.Uniform(t.tensor([0.0, -1.0]), t.tensor([2.0, 3.0])),
    "uniform_scalar": lambda t: t.distributions.Uniform(-1.0, 1.0),
    "bernoulli_probs": lambda t: t.distributions.Bernoulli(probs=t.tensor([0.1, 0.5, 0.9])),
    "bernoulli_logits": lambda t: t.distributions.Bernoulli(logits=t.tensor([[-2.0, 0.0], [1.0, 3.0]])),
    "categorical_probs": lambda t: t.distributions.Categorical(probs=t.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])),
    "categorical_logits": lambda t: t.distributions.Categorical(logits=t.tensor([1.0, 2.0, 0.5, -1.0])),
}
VALUES = {"normal": [0.3, 1.0, -1.0], "normal_scalar": 1.25, "uniform": [0.5, 2.5], "uniform_scalar": 0.25,
          "bernoulli_probs": [1.0, 0.0, 1.0], "bernoulli_logits": [[0.0, 1.0], [1.0, 1.0]],
          "categorical_probs": [2, 0], "categorical_logits": 1}


def close(a, b):
    a, b = np.asarray(a.detach().numpy()), np.asarray(b.detach().numpy())
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)



@pytest.fixture(autouse=True)
def _validation_on():
    """Validation defaults to __debug__ in both libraries; a library imported earlier in the same process may have
    switched it off (Distribution.set_default_validate_args is process-wide): compare with it on."""
    saved = [lib.distributions.Distribution._validate_args for lib in (TL, TH)]
    for lib in (TL, TH):
        lib.distributions.Distribution.set_default_validate_args(True)
    yield
    for lib, v in zip((TL, TH), saved):
        lib.distributions.Distribution.set_default_validate_args(v)

@pytest.mark.parametrize("case", sorted(CASES))
def test_distribution_matches_torch(case):
    TL.manual_seed(3), TH.manual_seed(3)
    dl, dh = CASES[case](TL), CASES[case](TH)
    assert repr(dl) == repr(dh)
    assert tuple(dl.batch_shape) == tuple(dh.batch_shape) and tuple(dl.event_shape) == tuple(dh.event_shape)
    close(dl.sample(), dh.sample())
    close(dl.sample((4, 2)), dh.sample((4, 2)))
    dtype = "int64" if case.startswith("categorical") else "float32"
    vl, vh = TL.tensor(VALUES[case], dtype=getattr(TL, dtype)), TH.tensor(VALUES[case], dtype=getattr(TH, dtype))
    close(dl.log_prob(vl), dh.log_prob(vh))
    close(dl.entropy(), dh.entropy())
    for prop in ("mean", "variance", "stddev", "mode"):
        close(getattr(dl, prop), getattr(dh, prop))
    el, eh = dl.expand((5,) + tuple(dl.batch_shape)), dh.expand((5,) + tuple(dh.batch_shape))
    assert tuple(el.batch_shape) == tuple(eh.batch_shape)
    close(el.sample(), eh.sample())
    if dh.has_enumerate_support:
        close(dl.enumerate_support(), dh.enumerate_support())


@pytest.mark.parametrize("name", ["Normal", "Uniform"])
def test_rsample_gradients(name):
    grads = []
    for t in (TL, TH):
        t.manual_seed(1)
        a = t.tensor([0.5, 1.0], requires_grad=True)
        b = t.tensor([2.0, 3.0], requires_grad=True)
        d = getattr(t.distributions, name)(a, b)
        (d.rsample((3,)) ** 2).sum().backward()
        grads.append((a.grad.numpy(), b.grad.numpy()))
    for x, y in zip(*grads):
        np.testing.assert_allclose(x, y, rtol=1e-5)


@pytest.mark.parametrize("make,value", [
    (lambda t: t.distributions.Normal(t.tensor([0.0]), t.tensor([-1.0])), None),
    (lambda t: t.distributions.Uniform(t.tensor([1.0]), t.tensor([0.0])), None),
    (lambda t: t.distributions.Bernoulli(probs=t.tensor([1.5])), None),
    (lambda t: t.distributions.Bernoulli(), None),
    (lambda t: t.distributions.Categorical(probs=t.tensor(0.5)), None),
    (lambda t: t.distributions.Uniform(t.tensor([0.0]), t.tensor([1.0])), [2.0]),
    (lambda t: t.distributions.Normal(t.tensor([0.0, 0.0]), t.tensor([1.0, 1.0])), [1.0, 2.0, 3.0]),
])
def test_validation_errors(make, value):
    def go(t):
        try:
            d = make(t)
            if value is not None:
                d.log_prob(t.tensor(value))
        except Exception as e:   # noqa: BLE001 - the exception is what is compared
            return type(e).__name__, str(e)
        return None
    assert go(TL) == go(TH) and go(TH) is not None


def test_constraints_and_utils():
    from torchlike.distributions import constraints, utils
    x = TL.tensor([-1.0, 0.0, 0.5, 2.0])
    assert constraints.positive.check(x).tolist() == [False, False, True, True]
    assert constraints.unit_interval.check(x).tolist() == [False, True, True, False]
    assert constraints.integer_interval(0, 2).check(x).tolist() == [False, True, False, True]
    assert constraints.simplex.check(TL.tensor([[0.2, 0.8], [0.5, 0.6]])).tolist() == [True, False]
    assert repr(constraints.interval(0, 1)) == repr(TH.distributions.constraints.interval(0, 1))
    p = TL.tensor([0.0, 0.25, 1.0])
    np.testing.assert_allclose(utils.probs_to_logits(p, is_binary=True).numpy(),
                               TH.distributions.utils.probs_to_logits(TH.tensor([0.0, 0.25, 1.0]), True).numpy())
    a, b = utils.broadcast_all(TL.ones(2, 1, dtype=TL.float64), 3)
    assert a.shape == b.shape == (2, 1) and b.dtype == TL.float64


@pytest.mark.parametrize("c1,c0", [(2.0, 3.0), ([0.5, 2.0, 1.0], [0.7, 2.0, 4.0])])
def test_beta_density_moments(c1, c0):
    def arg(t, c):
        return t.tensor(c) if isinstance(c, list) else c
    dl, dh = TL.distributions.Beta(arg(TL, c1), arg(TL, c0)), TH.distributions.Beta(arg(TH, c1), arg(TH, c0))
    assert repr(dl) == repr(dh) and tuple(dl.batch_shape) == tuple(dh.batch_shape)
    v = [0.3, 0.5, 0.9][:len(c1)] if isinstance(c1, list) else 0.3
    close(dl.log_prob(TL.tensor(v)), dh.log_prob(TH.tensor(v)))
    for prop in ("mean", "variance", "mode", "concentration1", "concentration0"):
        close(getattr(dl, prop), getattr(dh, prop))
    close(dl.entropy(), dh.entropy())


def test_beta_samples_follow_the_distribution():
    """Beta samples (torchlike's own stream): in (0, 1), with the distribution's mean and variance."""
    TL.manual_seed(0)
    d = TL.distributions.Beta(TL.tensor([0.5, 2.0, 5.0]), TL.tensor([0.5, 3.0, 1.0]))
    s = d.sample((20000,))
    assert s.shape == (20000, 3) and bool(((s > 0) & (s <= 1)).all())
    np.testing.assert_allclose(s.mean(0).numpy(), d.mean.numpy(), atol=0.01)
    np.testing.assert_allclose(s.var(0).numpy(), d.variance.numpy(), atol=0.01)


def test_beta_rsample_gradient_is_the_implicit_reparameterization():
    """d E[f(X)] / d alpha from rsample's gradients agrees with the gradient of the exact mean (and variance)."""
    TL.manual_seed(0)
    c1 = TL.tensor([2.0, 0.7], requires_grad=True)
    c0 = TL.tensor([3.0, 1.5], requires_grad=True)
    s = TL.distributions.Beta(c1, c0).rsample((40000,))
    s.mean(0).sum().backward()
    est = np.stack([c1.grad.numpy(), c0.grad.numpy()])
    c1e, c0e = TL.tensor([2.0, 0.7], requires_grad=True), TL.tensor([3.0, 1.5], requires_grad=True)
    TL.distributions.Beta(c1e, c0e).mean.sum().backward()
    exact = np.stack([c1e.grad.numpy(), c0e.grad.numpy()])
    np.testing.assert_allclose(est, exact, atol=0.01)
    b = TL.distributions.Beta(TL.tensor([2.0]), TL.tensor([3.0]))
    assert not b.rsample((3,)).requires_grad and b.sample((3,)).shape == (3, 1)
