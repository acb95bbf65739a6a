"""A corridor of ``length`` cells: action 1 moves right, 0 left; reaching the last cell ends the episode."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv


class CorridorEnv(gym.Env):
    """Observation: the position as a one-element float vector; reward -1 per step, 0 at the end.

    :param length: number of cells (at least 2).
    """

    def __init__(self, length: int = 6) -> None:
        if length < 2:
            raise ValueError(f"length must be at least 2, got {length}")
        self.length = length
        self.observation_space = gym.spaces.Box(0.0, float(length - 1), shape=(1,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(2)
        self.position = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self.position = 0
        return self._obs(), {}

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict]:
        self.position = max(0, min(self.length - 1, self.position + (1 if int(action) == 1 else -1)))
        done = self.position == self.length - 1
        return self._obs(), 0.0 if done else -1.0, done, False, {}

    def _obs(self) -> np.ndarray:
        return np.array([self.position], dtype=np.float32)


def make_corridor_env(length: int = 6) -> GymMazeEnv:
    """The corridor as a MazeEnv with dict spaces."""
    return GymMazeEnv(CorridorEnv(length))
