"""torch.distributions.Beta(concentration1, concentration0): density, entropy, moments and expand as in PyTorch.

Sampling draws two Gamma variates (Marsaglia and Tsang's method, from torchlike's own uniform and normal streams) and
returns X / (X + Y): the right distribution, but not PyTorch's random stream (PyTorch samples through its C++
Dirichlet kernel). rsample is differentiable in the concentrations (implicit reparameterization, as PyTorch's).
"""
import numbers

import jax

import torchlike as torch

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Beta"]


def _standard_gamma(alpha):
    """Gamma(alpha, 1) samples of alpha's shape (alpha > 0), by Marsaglia-Tsang rejection (boosted below 1)."""
    boost = alpha < 1
    a = torch.where(boost, alpha + 1, alpha)
    d = a - 1.0 / 3
    c = 1.0 / torch.sqrt(9 * d)
    out = torch.zeros_like(a)
    todo = torch.ones_like(a, dtype=torch.bool)
    while bool(todo.any()):
        x = torch.randn_like(a)
        v = (1 + c * x) ** 3
        u = torch.rand_like(a)
        ok = (v > 0) & (torch.log(u) < 0.5 * x * x + d - d * v + d * torch.log(v.clamp(min=1e-30))) & todo
        out = torch.where(ok, (d * v).clamp(min=torch.finfo(a.dtype).tiny), out)   # PyTorch's floor for gammas
        todo = todo & ~ok
    return torch.where(boost, out * torch.rand_like(a) ** (1 / alpha), out)


class Beta(Distribution):
    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        if isinstance(concentration1, numbers.Number) and isinstance(concentration0, numbers.Number):
            self._concentration = torch.tensor([float(concentration1), float(concentration0)])
        else:
            c1, c0 = broadcast_all(concentration1, concentration0)
            self._concentration = torch.stack([c1, c0], -1)
        super().__init__(self._concentration.size()[:-1], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Beta, _instance)
        batch_shape = torch.Size(batch_shape)
        new._concentration = self._concentration.expand(batch_shape + (2,))
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def concentration1(self):
        return self._concentration[..., 0]

    @property
    def concentration0(self):
        return self._concentration[..., 1]

    @property
    def mean(self):
        return self._concentration[..., 0] / self._concentration.sum(-1)

    @property
    def mode(self):
        """The Dirichlet(c1, c0) mode's first coordinate: with both concentrations below 1, the larger one's end."""
        cm1 = (self._concentration - 1).clamp(min=0.0)
        mode = cm1 / cm1.sum(-1, True)
        both_below = (self._concentration < 1).all(dim=-1, keepdim=True)
        corner = torch.nn.functional.one_hot(mode.argmax(dim=-1), 2).to(mode)
        return torch.where(both_below, corner, mode)[..., 0]

    @property
    def variance(self):
        c1, c0 = self._concentration[..., 0], self._concentration[..., 1]
        total = c1 + c0
        return c1 * c0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=torch.Size()):
        """Gamma draws X, Y; X / (X + Y). Gradients reach the concentrations through implicit reparameterization:
        each draw z carries dz/dalpha (jax.lax.random_gamma_grad) as its first-order derivative."""
        alpha = self._concentration.expand(self._extended_shape(sample_shape) + (2,))
        with torch.no_grad():
            z = _standard_gamma(alpha.contiguous())
        if torch.is_grad_enabled() and alpha.requires_grad:
            dz = torch.from_jax(jax.lax.random_gamma_grad(torch.to_jax(alpha.detach().contiguous()), torch.to_jax(z)))
            z = z + (alpha - alpha.detach()) * dz
        return z[..., 0] / z.sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        c = self._concentration
        x = torch.stack([value, 1.0 - value], -1)
        return torch.xlogy(c - 1.0, x).sum(-1) + torch.lgamma(c.sum(-1)) - torch.lgamma(c).sum(-1)

    def entropy(self):
        c = self._concentration
        a0 = c.sum(-1)
        return torch.lgamma(c).sum(-1) - torch.lgamma(a0) - (2 - a0) * torch.digamma(a0) - \
            ((c - 1.0) * torch.digamma(c)).sum(-1)
