"""The interface of all Maze probability distributions."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class ProbabilityDistribution(ABC):
    """Base class for all probability distributions used as action distributions.

    Implementations work on batches: every method accepts/returns tensors whose leading dimensions are
    the batch dimensions of the logits the distribution was created from. ``log_prob`` and ``entropy``
    reduce the event dimensions of one action head (e.g. the ``n`` bits of a MultiBinary head), so they
    return one value per batch element.
    """

    @abstractmethod
    def sample(self) -> Any:
        """Draw a stochastic sample (reparameterised where the distribution supports it)."""

    @abstractmethod
    def deterministic_sample(self) -> Any:
        """The deterministic action (mode, e.g. the arg-max of a categorical or the mean of a Gaussian)."""

    @abstractmethod
    def log_prob(self, actions: Any) -> Any:
        """Log-likelihood of ``actions`` (one value per batch element)."""

    def neg_log_prob(self, actions: Any) -> Any:
        """Negative log-likelihood of ``actions``."""
        return -self.log_prob(actions)

    @abstractmethod
    def entropy(self) -> Any:
        """Entropy of the distribution (one value per batch element)."""

    @abstractmethod
    def kl(self, other: ProbabilityDistribution) -> Any:
        """Kullback-Leibler divergence KL(self || other) (one value per batch element).

        :param other: a distribution of the same type and batch shape.
        """
