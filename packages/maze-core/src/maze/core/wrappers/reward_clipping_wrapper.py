"""Reward clipping."""

from __future__ import annotations

from typing import Any

import numpy as np

from maze.core.wrappers.wrapper import RewardWrapper


class RewardClippingWrapper(RewardWrapper):
    """Clips every step reward to ``[min_val, max_val]``.

    :param env: the env to wrap.
    :param min_val: minimum reward (``None``: no lower bound).
    :param max_val: maximum reward (``None``: no upper bound).
    """

    def __init__(self, env: Any, min_val: float | None = None, max_val: float | None = None) -> None:
        super().__init__(env)
        self.min_val = -np.inf if min_val is None else float(min_val)
        self.max_val = np.inf if max_val is None else float(max_val)
        if self.min_val > self.max_val:
            raise ValueError(f"RewardClippingWrapper: min_val ({min_val}) must be <= max_val ({max_val})")

    def reward(self, reward: Any) -> Any:
        """The clipped reward (floats stay floats, arrays are clipped element-wise)."""
        if isinstance(reward, np.ndarray):
            return np.clip(reward, self.min_val, self.max_val)
        return min(max(float(reward), self.min_val), self.max_val)
