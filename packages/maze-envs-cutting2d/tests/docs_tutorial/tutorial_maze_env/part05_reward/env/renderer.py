"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part04_events.env.renderer import Cutting2DRenderer

__all__ = ["Cutting2DRenderer"]
