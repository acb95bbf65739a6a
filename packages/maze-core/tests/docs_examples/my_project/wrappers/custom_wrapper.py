"""The docs' "Using Custom Wrappers": ``my_project.wrappers.custom_wrapper.CustomObserverWrapper`` with
``parameter_1`` and ``parameter_2``."""

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.env.maze_env import MazeEnv
from maze.core.wrappers.wrapper import ObservationWrapper


class CustomObserverWrapper(ObservationWrapper[MazeEnv]):
    """Scales every observation by ``parameter_1`` and adds ``observation_count``: the observations of the episode so
    far, saturating at ``parameter_2`` (scaled to [0, 1]).

    :param env: the env to wrap (flat, dict observations).
    :param parameter_1: the scale of the observations.
    :param parameter_2: the count at which ``observation_count`` saturates.
    """

    def __init__(self, env: MazeEnv, parameter_1: float, parameter_2: int):
        super().__init__(env)
        self.parameter_1 = float(parameter_1)
        self.parameter_2 = int(parameter_2)
        self._count = 0
        spaces = dict(env.observation_space.spaces)
        for key, space in spaces.items():
            low, high = space.low * self.parameter_1, space.high * self.parameter_1
            spaces[key] = gym.spaces.Box(low=np.minimum(low, high), high=np.maximum(low, high), dtype=space.dtype)
        spaces["observation_count"] = gym.spaces.Box(low=0.0, high=1.0, shape=(1,), dtype=np.float32)
        self._observation_space = gym.spaces.Dict(spaces)

    @property
    def observation_space(self) -> gym.spaces.Dict:
        """The wrapped env's observation space, scaled, plus ``observation_count``."""
        return self._observation_space

    @property
    def observation_spaces_dict(self) -> dict:
        """The observation space of the single sub-step."""
        return {0: self._observation_space}

    def reset(self, *, seed: Any = None, options: Any = None) -> tuple[dict, dict]:
        """Start counting afresh."""
        self._count = 0
        return super().reset(seed=seed, options=options)

    def observation(self, observation: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The scaled observation with its count."""
        self._count += 1
        out = {key: (value * self.parameter_1).astype(value.dtype) for key, value in observation.items()}
        out["observation_count"] = np.array([min(self._count, self.parameter_2) / self.parameter_2], dtype=np.float32)
        return out
