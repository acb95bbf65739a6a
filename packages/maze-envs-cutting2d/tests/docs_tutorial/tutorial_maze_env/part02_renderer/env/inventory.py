"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part01_core_env.env.inventory import Inventory

__all__ = ["Inventory"]
