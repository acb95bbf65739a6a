"""Insert a dimension of size one."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from maze.core.wrappers.observation_preprocessing.preprocessors.base import PreProcessor, box_bounds


class UnSqueezePreProcessor(PreProcessor):
    """Inserts an axis of length one at ``dim`` (``numpy.expand_dims``), e.g. ``(96, 96)`` with ``dim=-3``
    → ``(1, 96, 96)`` for CNNs.

    :param observation_space: the space of the observation.
    :param dim: where to insert the new axis (negative values count from the end of the result).
    """

    def __init__(self, observation_space: gym.spaces.Space, dim: int) -> None:
        super().__init__(observation_space)
        low, high, dtype = box_bounds(observation_space, "UnSqueezePreProcessor")
        shape = tuple(observation_space.shape)
        self.dim = int(dim)
        if not -(len(shape) + 1) <= self.dim <= len(shape):
            raise ValueError(f"UnSqueezePreProcessor: dim {dim} is out of range for an observation of shape {shape}")
        self._space = gym.spaces.Box(
            low=np.expand_dims(np.broadcast_to(low, shape), self.dim), high=np.expand_dims(np.broadcast_to(high, shape), self.dim), dtype=dtype
        )

    def process(self, observation: np.ndarray) -> np.ndarray:
        return np.expand_dims(observation, self.dim)

    def processed_shape(self) -> tuple[int, ...]:
        return self._space.shape

    def processed_space(self) -> gym.spaces.Box:
        return self._space
