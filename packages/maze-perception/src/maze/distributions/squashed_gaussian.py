"""Tanh-squashed Gaussian for bounded Box action spaces (as used by SAC)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from gymnasium import spaces
from torch.distributions import Normal, kl_divergence

from maze.distributions.distribution import ProbabilityDistribution
from maze.distributions.gaussian import split_mean_log_std
from maze.distributions.torch_dist import TorchProbabilityDistribution
from maze.distributions.utils import atanh, check_temperature


class SquashedGaussianProbabilityDistribution(TorchProbabilityDistribution):
    """Diagonal Gaussian squashed by ``tanh`` and scaled to the box bounds ``[low, high]``.

    ``a = low + (tanh(u) + 1) / 2 * (high - low)`` with ``u ~ N(mean, std)``. ``log_prob`` applies the
    change-of-variables correction; ``kl`` is exact (KL is invariant under the shared bijection);
    ``entropy`` has no closed form and is a single-sample reparameterised estimate ``-log p(a)``
    (unbiased, differentiable, as in SAC).

    :param logits: ``[mean, log_std]`` concatenated along the last dim, like the diagonal Gaussian.
    :param action_space: a bounded ``Box`` (finite low/high).
    :param temperature: the standard deviation is multiplied by it.
    """

    def __init__(self, logits: torch.Tensor, action_space: spaces.Box, temperature: float = 1.0) -> None:
        temperature = check_temperature(temperature)
        if not (np.all(np.isfinite(action_space.low)) and np.all(np.isfinite(action_space.high))):
            raise ValueError(f"{type(self).__name__} needs a bounded Box action space, got {action_space}")
        mean, log_std = split_mean_log_std(logits, action_space, type(self).__name__)
        super().__init__(Normal(mean, log_std.exp() * temperature), action_space, event_dims=len(action_space.shape))
        low = torch.as_tensor(action_space.low, dtype=mean.dtype, device=mean.device)
        high = torch.as_tensor(action_space.high, dtype=mean.dtype, device=mean.device)
        self._half_range = (high - low) / 2.0
        self._center = (high + low) / 2.0
        self._log_half_range = torch.log(self._half_range)

    @classmethod
    def required_logits_shape(cls, action_space: spaces.Box) -> Sequence[int]:
        shape = tuple(int(s) for s in action_space.shape)
        return (*shape[:-1], 2 * shape[-1])

    def _squash(self, u: torch.Tensor) -> torch.Tensor:
        return self._center + torch.tanh(u) * self._half_range

    def _log_prob_from_u(self, u: torch.Tensor) -> torch.Tensor:
        # log |d a / d u| = log(half_range) + log(1 - tanh(u)^2), the latter computed stably
        log_det = self._log_half_range + 2.0 * (math.log(2.0) - u - torch.nn.functional.softplus(-2.0 * u))
        return self._reduce(self.dist.log_prob(u) - log_det)

    def sample(self) -> torch.Tensor:
        return self._squash(self.dist.rsample())

    def deterministic_sample(self) -> torch.Tensor:
        return self._squash(self.dist.mean)

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        u = atanh((actions - self._center) / self._half_range)
        return self._log_prob_from_u(u)

    def entropy(self) -> torch.Tensor:
        return -self._log_prob_from_u(self.dist.rsample())

    def kl(self, other: ProbabilityDistribution) -> torch.Tensor:
        if not isinstance(other, SquashedGaussianProbabilityDistribution):
            raise TypeError(f"kl() needs another SquashedGaussianProbabilityDistribution, got {type(other).__name__}")
        return self._reduce(kl_divergence(self.dist, other.dist))
