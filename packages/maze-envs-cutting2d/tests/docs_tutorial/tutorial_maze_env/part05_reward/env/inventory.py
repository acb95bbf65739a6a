"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part04_events.env.inventory import Inventory

__all__ = ["Inventory"]
