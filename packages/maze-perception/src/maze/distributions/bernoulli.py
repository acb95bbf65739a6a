"""Bernoulli distribution for MultiBinary action spaces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from gymnasium import spaces
from torch.distributions import Bernoulli

from maze.distributions.torch_dist import TorchProbabilityDistribution
from maze.distributions.utils import check_logits, check_temperature


class BernoulliProbabilityDistribution(TorchProbabilityDistribution):
    """Independent Bernoulli variables for a ``MultiBinary(n)`` head.

    ``log_prob``, ``entropy`` and ``kl`` sum over the ``n`` bits (one value per batch element).

    :param logits: logits of each bit being 1, shape ``(*batch, n)``.
    :param action_space: the ``MultiBinary`` action space.
    :param temperature: logits are divided by it.
    """

    def __init__(self, logits: torch.Tensor, action_space: spaces.MultiBinary, temperature: float = 1.0) -> None:
        temperature = check_temperature(temperature)
        shape = tuple(np.atleast_1d(action_space.n).tolist())
        check_logits(logits, shape[-1], type(self).__name__)
        self.logits = logits
        scaled = logits / temperature if temperature != 1.0 else logits
        super().__init__(Bernoulli(logits=scaled), action_space, event_dims=len(shape))

    @classmethod
    def required_logits_shape(cls, action_space: spaces.MultiBinary) -> Sequence[int]:
        return tuple(int(v) for v in np.atleast_1d(action_space.n))

    def sample(self) -> torch.Tensor:
        return self.dist.sample()

    def deterministic_sample(self) -> torch.Tensor:
        return (self.dist.logits > 0).to(self.dist.logits.dtype)

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        return self._reduce(self.dist.log_prob(actions.to(self.dist.logits.dtype)))
