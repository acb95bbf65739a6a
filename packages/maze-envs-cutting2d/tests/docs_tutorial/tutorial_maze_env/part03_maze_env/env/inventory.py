"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part02_renderer.env.inventory import Inventory

__all__ = ["Inventory"]
