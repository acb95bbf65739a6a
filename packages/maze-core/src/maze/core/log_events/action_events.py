"""Action event topics (defined in :mod:`maze.core.env.base_env_events`)."""

from maze.core.env.base_env_events import ActionEvents, ContinuousActionEvents, DiscreteActionEvents, MultiBinaryActionEvents

__all__ = ["ActionEvents", "ContinuousActionEvents", "DiscreteActionEvents", "MultiBinaryActionEvents"]
