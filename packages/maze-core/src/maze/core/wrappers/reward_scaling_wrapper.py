"""Multiplicative reward scaling."""

from __future__ import annotations

from typing import Any

from maze.core.wrappers.wrapper import RewardWrapper


class RewardScalingWrapper(RewardWrapper):
    """Multiplies every step reward by ``scale``.

    :param env: the env to wrap.
    :param scale: the multiplicative factor (scalar rewards and per-agent reward arrays alike).
    """

    def __init__(self, env: Any, scale: float) -> None:
        super().__init__(env)
        self.scale = float(scale)

    def reward(self, reward: Any) -> Any:
        """The scaled reward."""
        return reward * self.scale
