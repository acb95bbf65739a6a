"""Interface of observation pre-processors."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import gymnasium as gym
import numpy as np


class PreProcessor(ABC):
    """Transforms one (sub-)observation and its space; used by
    :class:`~maze.core.wrappers.observation_preprocessing.preprocessing_wrapper.PreProcessingWrapper`.

    Subclasses compute everything that does not depend on the observation value in ``__init__`` so that
    :meth:`process` (called every step) stays cheap.

    :param observation_space: the space of the observation to pre-process.
    :param kwargs: pre-processor specific arguments (the ``config`` of a mapping entry).
    """

    def __init__(self, observation_space: gym.spaces.Space, **kwargs: Any) -> None:
        self._original_observation_space = observation_space

    @property
    def observation_space(self) -> gym.spaces.Space:
        """The space of the incoming observation."""
        return self._original_observation_space

    @abstractmethod
    def process(self, observation: np.ndarray) -> np.ndarray:
        """Pre-process one observation."""

    @abstractmethod
    def processed_shape(self) -> tuple[int, ...]:
        """The observation's shape after pre-processing."""

    @abstractmethod
    def processed_space(self) -> gym.spaces.Box:
        """The observation space after pre-processing."""

    def tag(self) -> str:
        """Suffix of the processed observation's key (``rgb_image`` → ``rgb_image-<tag>``).

        Defaults to the name of the module defining the pre-processor (``rgb2gray``, ``resize_img``).
        """
        return type(self).__module__.rsplit(".", 1)[-1]


def box_bounds(space: gym.spaces.Space, where: str) -> tuple[np.ndarray, np.ndarray, np.dtype]:
    """``(low, high, dtype)`` of a Box space (Discrete/MultiBinary/MultiDiscrete as their value range)."""
    if isinstance(space, gym.spaces.Box):
        return space.low, space.high, space.dtype
    if isinstance(space, gym.spaces.MultiBinary):
        shape = space.shape
        return np.zeros(shape, np.float32), np.ones(shape, np.float32), np.dtype(np.int8)
    if isinstance(space, gym.spaces.MultiDiscrete):
        return space.start.astype(np.float32), (space.start + space.nvec - 1).astype(np.float32), space.dtype
    if isinstance(space, gym.spaces.Discrete):
        return np.asarray(space.start, np.float32), np.asarray(space.start + space.n - 1, np.float32), np.dtype(np.int64)
    raise TypeError(f"{where}: expected an array-valued space (Box, MultiBinary, MultiDiscrete, Discrete), got {space}")
