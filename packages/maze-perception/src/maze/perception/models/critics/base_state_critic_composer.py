"""Interface of state critic (V(s)) composers."""

from __future__ import annotations

from maze.perception.models.critics.base_critic_composer import BaseCriticComposer


class BaseStateCriticComposer(BaseCriticComposer):
    """State-value critics: every network is built with ``obs_shapes`` and returns ``{"value": (batch, 1)}``."""
