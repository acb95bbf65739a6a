"""Reward normalization by the running standard deviation of the discounted return."""

from __future__ import annotations

from typing import Any

import numpy as np

from maze.core.wrappers.wrapper import RewardWrapper


class ReturnNormalizationRewardWrapper(RewardWrapper):
    """Divides each step reward by the running standard deviation of the discounted return
    (``G_t = gamma * G_{t-1} + r_t``, reset at episode start), as in PPO's reward scaling
    (Engstrom et al. 2020, *Implementation Matters in Deep Policy Gradients*).

    The statistics (Welford's running mean/variance of ``G``) persist across episodes.

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
        self.count = 0
        self.mean: Any = 0.0
        self._m2: Any = 0.0

    @property
    def var(self) -> Any:
        """Running variance of the discounted return (0 before two samples)."""
        return self._m2 / self.count if self.count > 1 else 0.0 * self._m2

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Reset the wrapped env and the discounted return (statistics are kept)."""
        self._return = 0.0
        return self.env.reset(seed=seed, options=options)

    def reward(self, reward: Any) -> Any:
        """Update the return statistics and return ``reward / sqrt(var(G) + epsilon)``."""
        self._return = self._return * self.gamma + reward
        self.count += 1
        delta = self._return - self.mean
        self.mean = self.mean + delta / self.count
        self._m2 = self._m2 + delta * (self._return - self.mean)
        return reward / np.sqrt(self.var + self.epsilon)
