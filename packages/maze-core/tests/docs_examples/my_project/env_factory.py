"""The docs' "Test your own Gym Environment with Maze": an env factory for a custom gymnasium env."""

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.env.maze_env import MazeEnv
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv


class CustomGymEnv(gym.Env):
    """A walk on a line: move left or right, reach position 3 within 20 steps (reward 1 there, -0.01 per step).

    The observation is the position and the steps left, scaled to [0, 1].
    """

    observation_space = gym.spaces.Box(low=0.0, high=1.0, shape=(2,), dtype=np.float32)
    action_space = gym.spaces.Discrete(2)
    goal, max_steps, size = 3, 20, 6

    def __init__(self) -> None:
        self.position, self.steps = 0, 0

    def _obs(self) -> np.ndarray:
        return np.array([self.position / self.size, 1 - self.steps / self.max_steps], dtype=np.float32)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self.position, self.steps = 0, 0
        return self._obs(), {}

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict]:
        self.position = int(np.clip(self.position + (1 if int(action) == 1 else -1), 0, self.size))
        self.steps += 1
        terminated = self.position == self.goal
        return self._obs(), 1.0 if terminated else -0.01, terminated, self.steps >= self.max_steps, {}


def make_env(name: str) -> MazeEnv:
    """The custom env as a MazeEnv; ``name`` (of the ``gym_env`` config) is not used."""
    custom_gym_env = CustomGymEnv()
    return GymMazeEnv(custom_gym_env)
