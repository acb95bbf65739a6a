"""Categorical distribution for Discrete action spaces (supports action masking by logits)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from gymnasium import spaces
from torch.distributions import Categorical

from maze.distributions.torch_dist import TorchProbabilityDistribution
from maze.distributions.utils import check_logits, check_temperature


class CategoricalProbabilityDistribution(TorchProbabilityDistribution):
    """Categorical distribution over ``Discrete(n)`` actions.

    Masked actions (logits set to ``-inf`` or to the most negative float, as
    :class:`~maze.perception.blocks.general.action_masking.ActionMaskingBlock` does) get probability 0:
    they are never sampled, never chosen deterministically (unless every action is masked) and their
    ``log_prob`` is ``-inf`` or hugely negative.

    :param logits: unnormalised log-probabilities, shape ``(*batch, n)``.
    :param action_space: the ``Discrete`` action space.
    :param temperature: logits are divided by it; 1.0 = unmodified, < 1.0 = closer to the arg-max.
    """

    def __init__(self, logits: torch.Tensor, action_space: spaces.Discrete, temperature: float = 1.0) -> None:
        temperature = check_temperature(temperature)
        check_logits(logits, int(action_space.n), type(self).__name__)
        self.logits = logits
        scaled = logits / temperature if temperature != 1.0 else logits
        super().__init__(Categorical(logits=scaled), action_space, event_dims=0)

    @classmethod
    def required_logits_shape(cls, action_space: spaces.Discrete) -> Sequence[int]:
        return (int(action_space.n),)

    def sample(self) -> torch.Tensor:
        return self.dist.sample()

    def deterministic_sample(self) -> torch.Tensor:
        return torch.argmax(self.dist.logits, dim=-1)

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        return self.dist.log_prob(actions.long())
