"""Transpose the axes of an observation."""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium as gym
import numpy as np

from maze.core.wrappers.observation_preprocessing.preprocessors.base import PreProcessor, box_bounds


class TransposePreProcessor(PreProcessor):
    """Permutes the axes of an array observation (``numpy.transpose``), e.g. HWC → CHW with ``axes=[2, 0, 1]``.

    :param observation_space: the space of the observation.
    :param axes: the new order of the axes (a permutation of ``0 .. ndim-1``).
    """

    def __init__(self, observation_space: gym.spaces.Space, axes: Sequence[int]) -> None:
        super().__init__(observation_space)
        low, high, dtype = box_bounds(observation_space, "TransposePreProcessor")
        shape = tuple(observation_space.shape)
        self.axes = tuple(int(a) for a in axes)
        if sorted(a % len(shape) if shape else a for a in self.axes) != list(range(len(shape))):
            raise ValueError(f"TransposePreProcessor: axes {list(self.axes)} are not a permutation of the {len(shape)} axes of shape {shape}")
        self._space = gym.spaces.Box(
            low=np.transpose(np.broadcast_to(low, shape), self.axes), high=np.transpose(np.broadcast_to(high, shape), self.axes), dtype=dtype
        )

    def process(self, observation: np.ndarray) -> np.ndarray:
        return np.transpose(observation, self.axes)

    def processed_shape(self) -> tuple[int, ...]:
        return self._space.shape

    def processed_space(self) -> gym.spaces.Box:
        return self._space
