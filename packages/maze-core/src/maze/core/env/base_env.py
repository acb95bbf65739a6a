"""The minimal environment interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class BaseEnv(ABC):
    """Minimum functionality of an environment, with gymnasium semantics.

    ``reset(seed=None, options=None) -> (observation, info)`` and
    ``step(action) -> (observation, reward, terminated, truncated, info)``.
    """

    @abstractmethod
    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict[Any, Any]]:
        """Take one step.

        :param action: the action to take.
        :return: observation, reward, terminated, truncated, info.
        """

    @abstractmethod
    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Start a new episode.

        :param seed: re-seed the environment before resetting (optional).
        :param options: env-specific reset options.
        :return: the initial observation and an info dict.
        """

    @abstractmethod
    def seed(self, seed: Any) -> None:
        """Seed the environment's random number generator(s) for the following episodes."""

    @abstractmethod
    def close(self) -> None:
        """Release resources."""
