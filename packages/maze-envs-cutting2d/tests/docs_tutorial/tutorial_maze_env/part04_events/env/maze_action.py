"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part03_maze_env.env.maze_action import Cutting2DMazeAction

__all__ = ["Cutting2DMazeAction"]
