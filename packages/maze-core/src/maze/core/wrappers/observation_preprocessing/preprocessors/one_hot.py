"""One-hot encoding of categorical observations."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.wrappers.observation_preprocessing.preprocessors.base import PreProcessor


class OneHotPreProcessor(PreProcessor):
    """One-hot encodes categorical observations (float32, values 0/1):

    * ``Discrete(n, start)`` → shape ``(n,)``,
    * ``MultiDiscrete(nvec)`` → shape ``(*nvec.shape, max(nvec))``,
    * integer-valued ``Box`` with finite bounds → shape ``(*shape, max(high) - min(low) + 1)``.

    Values outside the space's categories raise a ``ValueError`` naming the value and the range.

    :param observation_space: the space of the categorical observation.
    """

    def __init__(self, observation_space: gym.spaces.Space) -> None:
        super().__init__(observation_space)
        if isinstance(observation_space, gym.spaces.Discrete):
            self._offset, self._n, self._base_shape = int(observation_space.start), int(observation_space.n), ()
        elif isinstance(observation_space, gym.spaces.MultiDiscrete):
            self._offset = observation_space.start.astype(np.int64)
            self._n = int(observation_space.nvec.max())
            self._base_shape = tuple(observation_space.shape)
        elif isinstance(observation_space, gym.spaces.Box):
            low, high = np.min(observation_space.low), np.max(observation_space.high)
            if not (np.isfinite(low) and np.isfinite(high)) or low != np.floor(low) or high != np.floor(high):
                raise ValueError(
                    f"OneHotPreProcessor: a Box observation needs finite integer bounds to one-hot encode, got {observation_space}"
                )
            self._offset, self._n, self._base_shape = int(low), int(high - low + 1), tuple(observation_space.shape)
        else:
            raise ValueError(f"OneHotPreProcessor: cannot one-hot encode a {observation_space} observation")
        self._eye = np.eye(self._n, dtype=np.float32)
        self._shape = (*self._base_shape, self._n)
        self._space = gym.spaces.Box(low=0.0, high=1.0, shape=self._shape, dtype=np.float32)

    def process(self, observation: Any) -> np.ndarray:
        index = np.asarray(observation).astype(np.int64, copy=False) - self._offset
        if index.size and (index.min() < 0 or index.max() >= self._n):
            raise ValueError(
                f"OneHotPreProcessor: observation value(s) {observation!r} outside the categories of {self.observation_space}"
            )
        return self._eye[index]

    def processed_shape(self) -> tuple[int, ...]:
        return self._shape

    def processed_space(self) -> gym.spaces.Box:
        return self._space
