from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class SimulatedEnvMixin(ABC):
    """Interface of simulations that can be cloned (used by planning methods such as MCTS)."""

    @abstractmethod
    def clone_from(self, env: Any) -> None:
        """Reset this simulation to the exact state of ``env`` (same class)."""

    def step_without_observation(self, action: Any) -> tuple[Any, bool, bool, dict]:
        """Step without computing the observation; returns reward, terminated, truncated, info.

        Defaults to a full step; envs with expensive observations override it.
        """
        _, reward, terminated, truncated, info = self.step(action)  # type: ignore[attr-defined]
        return reward, terminated, truncated, info
