"""Flatten the trailing dimensions of an observation."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from maze.core.wrappers.observation_preprocessing.preprocessors.base import PreProcessor, box_bounds


class FlattenPreProcessor(PreProcessor):
    """Flattens the last ``num_flatten_dims`` dimensions into one (``(4, 3, 2)`` with 2 → ``(4, 6)``).

    :param observation_space: the space of the observation (Box or other array space).
    :param num_flatten_dims: number of trailing dimensions to flatten (1 .. ndim).
    """

    def __init__(self, observation_space: gym.spaces.Space, num_flatten_dims: int) -> None:
        super().__init__(observation_space)
        low, high, dtype = box_bounds(observation_space, "FlattenPreProcessor")
        shape = tuple(observation_space.shape)
        k = int(num_flatten_dims)
        if not 1 <= k <= max(len(shape), 1):
            raise ValueError(f"FlattenPreProcessor: num_flatten_dims must be in [1, {len(shape)}] for shape {shape}, got {num_flatten_dims}")
        self.num_flatten_dims = k
        self._shape = shape[: len(shape) - k] + (int(np.prod(shape[len(shape) - k:])),)
        self._space = gym.spaces.Box(
            low=np.broadcast_to(low, shape).reshape(self._shape), high=np.broadcast_to(high, shape).reshape(self._shape), dtype=dtype
        )

    def process(self, observation: np.ndarray) -> np.ndarray:
        return np.reshape(observation, self._shape)

    def processed_shape(self) -> tuple[int, ...]:
        return self._shape

    def processed_space(self) -> gym.spaces.Box:
        return self._space
