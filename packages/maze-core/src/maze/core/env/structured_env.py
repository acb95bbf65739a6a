"""Environments with sub-step structure (multi-step, multi-agent, hierarchical)."""

from __future__ import annotations

from abc import abstractmethod
from typing import NamedTuple

import numpy as np

from maze.core.env.base_env import BaseEnv

StepKeyType = str | int


class ActorID(NamedTuple):
    """Identifies the acting policy (``step_key``) and the acting agent within that sub-step."""

    step_key: StepKeyType
    agent_id: int


class StructuredEnv(BaseEnv):
    """Interface for envs whose steps are done by a sequence of actors.

    Interaction loop::

        obs, info = env.reset()
        while not done:
            actor = env.actor_id()                 # which policy / agent acts next
            action = policies[actor.step_key](obs)
            obs, reward, terminated, truncated, info = env.step(action)
            done = terminated or truncated

    The env decides the next actor in ``reset`` and ``step``; between those calls ``actor_id()`` is constant.
    """

    @abstractmethod
    def actor_id(self) -> ActorID:
        """The actor that acts next: ``ActorID(step_key, agent_id)``."""

    def is_actor_done(self) -> bool:
        """True if the actor that just stepped is done (different from the env being done)."""
        return False

    @property
    @abstractmethod
    def agent_counts_dict(self) -> dict[StepKeyType, int]:
        """Number of agents per sub-step key (``-1`` where the number is dynamic or unknown)."""

    def get_actor_rewards(self) -> np.ndarray | None:
        """Per-actor rewards of the last (core) step, for multi-agent training; ``None`` if not available."""
        return None
