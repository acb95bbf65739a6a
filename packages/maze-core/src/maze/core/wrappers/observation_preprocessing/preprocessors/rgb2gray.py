"""RGB → gray-scale conversion."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from maze.core.wrappers.observation_preprocessing.preprocessors.base import PreProcessor, box_bounds

#: ITU-R BT.601 luma weights (as PIL's ``convert("L")`` and OpenCV's ``COLOR_RGB2GRAY``)
RGB_WEIGHTS = np.asarray([0.299, 0.587, 0.114], dtype=np.float32)


class Rgb2GrayPreProcessor(PreProcessor):
    """Converts RGB images to gray scale: ``0.299 R + 0.587 G + 0.114 B`` along the channel axis ``rgb_dim``,
    which is removed (``(96, 96, 3)`` → ``(96, 96)``). The result is float32 in the input's value range.

    :param observation_space: the space of the image observation.
    :param rgb_dim: the axis holding the three color channels (default: last).
    """

    def __init__(self, observation_space: gym.spaces.Space, rgb_dim: int = -1) -> None:
        super().__init__(observation_space)
        low, high, _ = box_bounds(observation_space, "Rgb2GrayPreProcessor")
        shape = tuple(observation_space.shape)
        if not shape or not -len(shape) <= int(rgb_dim) < len(shape):
            raise ValueError(f"Rgb2GrayPreProcessor: rgb_dim {rgb_dim} is out of range for an observation of shape {shape}")
        self.rgb_dim = int(rgb_dim) % len(shape)
        if shape[self.rgb_dim] != 3:
            raise ValueError(
                f"Rgb2GrayPreProcessor: axis rgb_dim={rgb_dim} of the observation has size {shape[self.rgb_dim]}, "
                f"expected 3 color channels (observation shape {shape})"
            )
        self._low = self._gray(np.broadcast_to(low, shape).astype(np.float32))
        self._high = self._gray(np.broadcast_to(high, shape).astype(np.float32))
        self._space = gym.spaces.Box(low=self._low, high=self._high, dtype=np.float32)

    def _gray(self, value: np.ndarray) -> np.ndarray:
        return np.tensordot(np.moveaxis(np.asarray(value, dtype=np.float32), self.rgb_dim, -1), RGB_WEIGHTS, axes=([-1], [0]))

    def process(self, observation: np.ndarray) -> np.ndarray:
        return self._gray(observation).astype(np.float32, copy=False)

    def processed_shape(self) -> tuple[int, ...]:
        return self._space.shape

    def processed_space(self) -> gym.spaces.Box:
        return self._space
