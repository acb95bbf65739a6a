"""Unchanged in this part of the tutorial."""

from tutorial_maze_env.part05_reward.env.maze_state import Cutting2DMazeState

__all__ = ["Cutting2DMazeState"]
