"""Diagonal Gaussian distribution for (unbounded) Box action spaces."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from gymnasium import spaces
from torch.distributions import Normal

from maze.distributions.torch_dist import TorchProbabilityDistribution
from maze.distributions.utils import check_logits, check_temperature

#: log standard deviations are clamped to this range for numerical stability
LOG_STD_MIN, LOG_STD_MAX = -20.0, 5.0


def split_mean_log_std(logits: torch.Tensor, action_space: spaces.Box, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Split ``(*batch, *shape[:-1], 2 * shape[-1])`` logits into mean and clamped log-std."""
    check_logits(logits, 2 * int(action_space.shape[-1]), name)
    mean, log_std = torch.chunk(logits, 2, dim=-1)
    return mean, log_std.clamp(LOG_STD_MIN, LOG_STD_MAX)


class DiagonalGaussianProbabilityDistribution(TorchProbabilityDistribution):
    """Diagonal Gaussian (Normal) distribution for ``Box`` heads.

    The logits hold means and log standard deviations concatenated along the last dimension
    (``[mean_1..mean_n, log_std_1..log_std_n]``). Samples are not clipped to the box bounds.

    :param logits: shape ``(*batch, *box_shape[:-1], 2 * box_shape[-1])``.
    :param action_space: the ``Box`` action space.
    :param temperature: the standard deviation is multiplied by it.
    """

    def __init__(self, logits: torch.Tensor, action_space: spaces.Box, temperature: float = 1.0) -> None:
        temperature = check_temperature(temperature)
        mean, log_std = split_mean_log_std(logits, action_space, type(self).__name__)
        self.mean, self.log_std = mean, log_std
        super().__init__(Normal(mean, log_std.exp() * temperature), action_space, event_dims=len(action_space.shape))

    @classmethod
    def required_logits_shape(cls, action_space: spaces.Box) -> Sequence[int]:
        shape = tuple(int(s) for s in action_space.shape)
        return (*shape[:-1], 2 * shape[-1])

    def deterministic_sample(self) -> torch.Tensor:
        return self.dist.mean
