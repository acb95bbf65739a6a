"""Spaces of structured environments."""

from __future__ import annotations

from abc import ABC, abstractmethod

import gymnasium as gym


class StructuredEnvSpacesMixin(ABC):
    """Complements :class:`~maze.core.env.structured_env.StructuredEnv` with per-sub-step spaces."""

    @property
    @abstractmethod
    def action_space(self) -> gym.spaces.Dict:
        """The action space of the currently active sub-step."""

    @property
    @abstractmethod
    def observation_space(self) -> gym.spaces.Dict:
        """The observation space of the currently active sub-step."""

    @property
    @abstractmethod
    def action_spaces_dict(self) -> dict:
        """Action spaces keyed by sub-step key."""

    @property
    @abstractmethod
    def observation_spaces_dict(self) -> dict:
        """Observation spaces keyed by sub-step key."""
