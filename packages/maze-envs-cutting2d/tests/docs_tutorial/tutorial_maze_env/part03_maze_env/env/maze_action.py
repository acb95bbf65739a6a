"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part02_renderer.env.maze_action import Cutting2DMazeAction

__all__ = ["Cutting2DMazeAction"]
