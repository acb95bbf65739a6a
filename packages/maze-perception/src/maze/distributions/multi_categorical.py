"""Multi-categorical distribution for MultiDiscrete action spaces."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from gymnasium import spaces

from maze.distributions.categorical import CategoricalProbabilityDistribution
from maze.distributions.distribution import ProbabilityDistribution
from maze.distributions.utils import check_logits, check_temperature


class MultiCategoricalProbabilityDistribution(ProbabilityDistribution):
    """Independent categoricals for a one-dimensional ``MultiDiscrete(nvec)`` head.

    Samples are tensors of shape ``(*batch, len(nvec))`` (the MultiDiscrete sample format).
    ``log_prob`` is the joint log-likelihood (sum over the sub-actions); ``entropy`` and ``kl`` reduce
    the sub-distributions with ``reduce_fun`` (default: sum, the joint value; pass ``torch.mean`` for
    the average).

    :param logits: the concatenated logits of all sub-actions, shape ``(*batch, sum(nvec))``.
    :param action_space: the ``MultiDiscrete`` action space.
    :param temperature: applied to every sub-categorical.
    """

    def __init__(self, logits: torch.Tensor, action_space: spaces.MultiDiscrete, temperature: float = 1.0) -> None:
        temperature = check_temperature(temperature)
        nvec = np.asarray(action_space.nvec)
        if nvec.ndim != 1:
            raise ValueError(f"{type(self).__name__} supports one-dimensional MultiDiscrete spaces, got nvec shape {nvec.shape}")
        check_logits(logits, int(nvec.sum()), type(self).__name__)
        self.action_space = action_space
        self.logits = logits
        self.nvec = [int(n) for n in nvec]
        self.distributions = [
            CategoricalProbabilityDistribution(chunk, spaces.Discrete(n), temperature)
            for chunk, n in zip(torch.split(logits, self.nvec, dim=-1), self.nvec)
        ]

    @classmethod
    def required_logits_shape(cls, action_space: spaces.MultiDiscrete) -> Sequence[int]:
        return (int(np.asarray(action_space.nvec).sum()),)

    def sample(self) -> torch.Tensor:
        return torch.stack([d.sample() for d in self.distributions], dim=-1)

    def deterministic_sample(self) -> torch.Tensor:
        return torch.stack([d.deterministic_sample() for d in self.distributions], dim=-1)

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        return torch.stack([d.log_prob(actions[..., i]) for i, d in enumerate(self.distributions)], dim=-1).sum(-1)

    def entropy(self, reduce_fun: Callable[..., torch.Tensor] = torch.sum) -> torch.Tensor:
        return reduce_fun(torch.stack([d.entropy() for d in self.distributions], dim=-1), dim=-1)

    def kl(self, other: ProbabilityDistribution, reduce_fun: Callable[..., torch.Tensor] = torch.sum) -> torch.Tensor:
        if not isinstance(other, MultiCategoricalProbabilityDistribution) or other.nvec != self.nvec:
            raise TypeError(f"kl() needs a MultiCategoricalProbabilityDistribution with nvec {self.nvec}")
        return reduce_fun(torch.stack([a.kl(b) for a, b in zip(self.distributions, other.distributions)], dim=-1), dim=-1)
