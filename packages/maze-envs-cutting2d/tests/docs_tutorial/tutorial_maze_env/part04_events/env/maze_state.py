"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part03_maze_env.env.maze_state import Cutting2DMazeState

__all__ = ["Cutting2DMazeState"]
