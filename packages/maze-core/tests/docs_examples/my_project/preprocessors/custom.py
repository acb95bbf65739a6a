"""The docs' "Using Custom Pre-Processors": ``my_project.preprocessors.custom.CustomPreProcessor`` (observations are
tagged with the module's name: ``rgb_image`` → ``rgb_image-custom``)."""

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.annotations import override
from maze.core.wrappers.observation_preprocessing.preprocessors.base import PreProcessor


class CustomPreProcessor(PreProcessor):
    """Flattens the last ``num_flatten_dims`` dimensions and scales the values to [0, 1] by the space's bounds.

    :param observation_space: the (bounded) Box space of the observation.
    :param num_flatten_dims: how many trailing dimensions to flatten into one.
    """

    def __init__(self, observation_space: gym.spaces.Box, num_flatten_dims: int, **kwargs: Any):
        super().__init__(observation_space, **kwargs)
        self.num_flatten_dims = int(num_flatten_dims)
        shape = observation_space.shape
        self._shape = (*shape[:-self.num_flatten_dims], int(np.prod(shape[-self.num_flatten_dims:])))
        self._low = np.asarray(observation_space.low, dtype=np.float32).reshape(self._shape)
        self._range = (np.asarray(observation_space.high, dtype=np.float32).reshape(self._shape) - self._low)

    @override(PreProcessor)
    def processed_shape(self) -> tuple[int, ...]:
        """The flattened shape."""
        return self._shape

    @override(PreProcessor)
    def processed_space(self) -> gym.spaces.Box:
        """Flattened, with values in [0, 1]."""
        return gym.spaces.Box(low=0.0, high=1.0, shape=self._shape, dtype=np.float32)

    @override(PreProcessor)
    def process(self, observation: np.ndarray) -> np.ndarray:
        """Flatten and scale one observation."""
        return (np.asarray(observation, dtype=np.float32).reshape(self._shape) - self._low) / self._range
