"""Maze probability distributions: action distributions for policies and the DistributionMapper.

Every distribution takes ``(logits, action_space, temperature)``, supports batched logits and offers
``sample``, ``deterministic_sample``, ``log_prob``/``neg_log_prob``, ``entropy`` and ``kl``. Built-in
distributions are registered with the plugin system (kind ``distribution``, short names
``categorical``, ``multi_categorical``, ``bernoulli``, ``diagonal_gaussian``, ``squashed_gaussian``,
``beta``), so a ``distribution_mapper_config`` may use those names or full import paths.
"""

from maze.distributions.bernoulli import BernoulliProbabilityDistribution
from maze.distributions.beta import BetaProbabilityDistribution
from maze.distributions.categorical import CategoricalProbabilityDistribution
from maze.distributions.dict import DictProbabilityDistribution
from maze.distributions.distribution import ProbabilityDistribution
from maze.distributions.distribution_mapper import DistributionMapper
from maze.distributions.gaussian import DiagonalGaussianProbabilityDistribution
from maze.distributions.multi_categorical import MultiCategoricalProbabilityDistribution
from maze.distributions.squashed_gaussian import SquashedGaussianProbabilityDistribution
from maze.distributions.torch_dist import TorchProbabilityDistribution

__all__ = [
    "BernoulliProbabilityDistribution",
    "BetaProbabilityDistribution",
    "CategoricalProbabilityDistribution",
    "DiagonalGaussianProbabilityDistribution",
    "DictProbabilityDistribution",
    "DistributionMapper",
    "MultiCategoricalProbabilityDistribution",
    "ProbabilityDistribution",
    "SquashedGaussianProbabilityDistribution",
    "TorchProbabilityDistribution",
]
