"""torch.distributions (a first part): the Distribution base class, constraints, and Normal, Uniform, Bernoulli and
Categorical with PyTorch's sampling (the same random streams), log_prob, entropy, moments, expand and argument/sample
validation; Beta (the right distribution and a differentiable rsample, from its own random stream). The other
distributions, transforms and kl_divergence are not implemented yet."""
from . import constraints
from .bernoulli import Bernoulli
from .beta import Beta
from .categorical import Categorical
from .distribution import Distribution
from .normal import Normal
from .uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Distribution", "Normal", "Uniform", "constraints"]
