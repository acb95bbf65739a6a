"""Reward normalization by the running standard deviation of the discounted return."""

from __future__ import annotations

from typing import Any

import numpy as np

from maze.core.utils.stats_utils import CumulativeMovingMeanStd
from maze.core.wrappers.wrapper import RewardWrapper


class ReturnNormalizationRewardWrapper(RewardWrapper):
    """Divides each step reward by the running standard deviation of the discounted return
    (``G_t = gamma * G_{t-1} + r_t``, reset at episode start), as in PPO's reward scaling
    (Engstrom et al. 2020, *Implementation Matters in Deep Policy Gradients*).

    The statistics (a :class:`~maze.core.utils.stats_utils.CumulativeMovingMeanStd` of ``G``) persist across
    episodes; multi-agent rewards (arrays) get statistics per entry.

    :param env: the env to wrap.
    :param gamma: discount factor of the return (0 < gamma <= 1).
    :param epsilon: added to the variance before the square root (avoids division by zero).
    """

    def __init__(self, env: Any, gamma: float = 0.99, epsilon: float = 1e-8) -> None:
        super().__init__(env)
        if not 0.0 < float(gamma) <= 1.0:
            raise ValueError(f"ReturnNormalizationRewardWrapper: gamma must be in (0, 1], got {gamma}")
        if float(epsilon) <= 0.0:
            raise ValueError(f"ReturnNormalizationRewardWrapper: epsilon must be > 0, got {epsilon}")
        self.gamma = float(gamma)
        self.epsilon = float(epsilon)
        self._return: Any = 0.0
        self.return_stats: CumulativeMovingMeanStd | None = None

    @property
    def count(self) -> int:
        """Number of returns seen so far."""
        return 0 if self.return_stats is None else self.return_stats.count

    @property
    def mean(self) -> Any:
        """Running mean of the discounted return."""
        return 0.0 if self.return_stats is None else self.return_stats.mean

    @property
    def var(self) -> Any:
        """Running (population) variance of the discounted return."""
        return 0.0 if self.return_stats is None else self.return_stats.var

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Reset the wrapped env and the discounted return (statistics are kept)."""
        self._return = 0.0
        return self.env.reset(seed=seed, options=options)

    def reward(self, reward: Any) -> Any:
        """Update the return statistics and return ``reward / sqrt(var(G) + epsilon)``."""
        self._return = self._return * self.gamma + reward
        if self.return_stats is None:  # the shape of the reward (scalar or one per actor) is known now
            self.return_stats = CumulativeMovingMeanStd(np.shape(self._return))
        self.return_stats.update(np.expand_dims(self._return, 0))
        return reward / np.sqrt(self.var + self.epsilon)
