"""Reward event topic (defined in :mod:`maze.core.env.base_env_events`)."""

from maze.core.env.base_env_events import RewardEvents

__all__ = ["RewardEvents"]
