"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part04_events.env.events import CuttingEvents, InventoryEvents

__all__ = ["CuttingEvents", "InventoryEvents"]
