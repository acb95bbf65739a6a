"""Reward aggregation: rewards computed from events and/or the state, decoupled from the env."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import numpy as np

from maze.core.events.pubsub import Subscriber


class RewardAggregatorInterface(Subscriber):
    """Computes the reward of a step from the events it subscribed to (and/or the MazeState).

    Core envs register their aggregator with their pubsub and call :meth:`summarize_reward` at the
    end of a step. Multi-agent aggregators return one reward per actor (an array); the env returns
    :meth:`to_scalar_reward` of it and exposes the array through ``get_actor_rewards()``.
    """

    @abstractmethod
    def summarize_reward(self, maze_state: Any | None = None) -> float | np.ndarray:
        """Compute the reward of the current step from ``self.query_events(...)`` and/or the state."""

    @classmethod
    def to_scalar_reward(cls, reward: float | np.ndarray) -> float:
        """Aggregate a (per-actor) reward into the scalar reward returned by ``step`` (sum by default)."""
        return float(np.sum(reward))
