"""Beta distribution for bounded Box action spaces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from gymnasium import spaces
from torch.distributions import Beta, kl_divergence

from maze.distributions.distribution import ProbabilityDistribution
from maze.distributions.torch_dist import TorchProbabilityDistribution
from maze.distributions.utils import EPSILON, check_logits, check_temperature


class BetaProbabilityDistribution(TorchProbabilityDistribution):
    """Beta distribution scaled to the box bounds ``[low, high]``.

    The logits hold two raw parameters per action dimension (concatenated along the last dim);
    ``alpha = 1 + softplus(l_alpha)`` and ``beta = 1 + softplus(l_beta)`` keep the density unimodal.
    The temperature ``T`` concentrates the distribution around its mode: ``alpha' = 1 + (alpha - 1) / T``.
    ``log_prob``/``entropy`` include the ``log(high - low)`` change of scale; ``kl`` is scale invariant.

    :param logits: shape ``(*batch, *box_shape[:-1], 2 * box_shape[-1])``.
    :param action_space: a bounded ``Box``.
    :param temperature: see above.
    """

    def __init__(self, logits: torch.Tensor, action_space: spaces.Box, temperature: float = 1.0) -> None:
        temperature = check_temperature(temperature)
        if not (np.all(np.isfinite(action_space.low)) and np.all(np.isfinite(action_space.high))):
            raise ValueError(f"{type(self).__name__} needs a bounded Box action space, got {action_space}")
        check_logits(logits, 2 * int(action_space.shape[-1]), type(self).__name__)
        raw_a, raw_b = torch.chunk(logits, 2, dim=-1)
        alpha = 1.0 + F.softplus(raw_a) / temperature
        beta = 1.0 + F.softplus(raw_b) / temperature
        super().__init__(Beta(alpha, beta), action_space, event_dims=len(action_space.shape))
        self._low = torch.as_tensor(action_space.low, dtype=logits.dtype, device=logits.device)
        self._range = torch.as_tensor(action_space.high - action_space.low, dtype=logits.dtype, device=logits.device)

    @classmethod
    def required_logits_shape(cls, action_space: spaces.Box) -> Sequence[int]:
        shape = tuple(int(s) for s in action_space.shape)
        return (*shape[:-1], 2 * shape[-1])

    def _scale(self, x: torch.Tensor) -> torch.Tensor:
        return self._low + x * self._range

    def sample(self) -> torch.Tensor:
        return self._scale(self.dist.rsample())

    def deterministic_sample(self) -> torch.Tensor:
        a, b = self.dist.concentration1, self.dist.concentration0
        return self._scale((a - 1.0) / (a + b - 2.0))

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        x = ((actions - self._low) / self._range).clamp(EPSILON, 1.0 - EPSILON)
        return self._reduce(self.dist.log_prob(x) - torch.log(self._range))

    def entropy(self) -> torch.Tensor:
        return self._reduce(self.dist.entropy() + torch.log(self._range))

    def kl(self, other: ProbabilityDistribution) -> torch.Tensor:
        if not isinstance(other, BetaProbabilityDistribution):
            raise TypeError(f"kl() needs another BetaProbabilityDistribution, got {type(other).__name__}")
        return self._reduce(kl_divergence(self.dist, other.dist))
