"""Base class wrapping a ``torch.distributions`` distribution."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

import torch
from gymnasium import spaces
from torch.distributions import Distribution, kl_divergence

from maze.distributions.distribution import ProbabilityDistribution


class TorchProbabilityDistribution(ProbabilityDistribution):
    """A probability distribution backed by a torch distribution.

    Subclasses are created with ``(logits, action_space, temperature)`` by the
    :class:`~maze.distributions.distribution_mapper.DistributionMapper` and state the logits shape they
    need with :meth:`required_logits_shape`.

    :param dist: the torch distribution (already temperature-scaled).
    :param action_space: the gymnasium action space of the action head.
    :param event_dims: number of trailing dimensions that belong to one action (summed in
        ``log_prob``/``entropy``/``kl``), e.g. 1 for a MultiBinary(n) or Box((n,)) head, 0 for Discrete.
    """

    def __init__(self, dist: Distribution, action_space: spaces.Space, event_dims: int = 0) -> None:
        self.dist = dist
        self.action_space = action_space
        self.event_dims = event_dims

    @classmethod
    @abstractmethod
    def required_logits_shape(cls, action_space: spaces.Space) -> Sequence[int]:
        """The logits (network output) shape this distribution needs for ``action_space``."""

    def _reduce(self, value: torch.Tensor) -> torch.Tensor:
        if self.event_dims:
            return value.sum(dim=tuple(range(-self.event_dims, 0)))
        return value

    def sample(self) -> torch.Tensor:
        """A stochastic sample (reparameterised if the torch distribution supports ``rsample``)."""
        if self.dist.has_rsample:
            return self.dist.rsample()
        return self.dist.sample()

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        """Log-likelihood of ``actions``, summed over the event dimensions."""
        return self._reduce(self.dist.log_prob(actions))

    def entropy(self) -> torch.Tensor:
        """Entropy, summed over the event dimensions."""
        return self._reduce(self.dist.entropy())

    def kl(self, other: ProbabilityDistribution) -> torch.Tensor:
        """KL(self || other), summed over the event dimensions."""
        if not isinstance(other, TorchProbabilityDistribution):
            raise TypeError(f"kl() needs another TorchProbabilityDistribution, got {type(other).__name__}")
        return self._reduce(kl_divergence(self.dist, other.dist))
