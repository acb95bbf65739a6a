"""Small gymnasium envs with the dict observations the docs' pre-processing and normalization examples name."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np


class DictObservationEnv(gym.Env):
    """Random dict observations of the given spaces; two actions; episodes of ``episode_length`` steps.

    :param spaces: the observation spaces by key.
    :param episode_length: steps until ``truncated``.
    """

    action_space = gym.spaces.Discrete(2)

    def __init__(self, spaces: dict[str, gym.spaces.Space], episode_length: int = 10) -> None:
        self.observation_space = gym.spaces.Dict(spaces)
        self.episode_length = episode_length
        self._steps = 0

    def _obs(self) -> dict[str, Any]:
        return self.observation_space.sample()

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        super().reset(seed=seed)
        if seed is not None:
            self.observation_space.seed(seed)
        self._steps = 0
        return self._obs(), {}

    def step(self, action: Any) -> tuple[dict, float, bool, bool, dict]:
        self._steps += 1
        return self._obs(), 0.0, False, self._steps >= self.episode_length, {}


def image_and_category_env() -> DictObservationEnv:
    """``rgb_image`` (32 x 32 x 3 uint8) and ``categorical_feature`` (one of 12, e.g. a month)."""
    return DictObservationEnv({"rgb_image": gym.spaces.Box(0, 255, (32, 32, 3), np.uint8),
                               "categorical_feature": gym.spaces.Discrete(12)})


def masked_features_env() -> DictObservationEnv:
    """``action_mask`` (0/1), ``pixel_image`` (uint8) and ``feature_vector`` (10 values around 5 with spread 2)."""
    return DictObservationEnv({"action_mask": gym.spaces.Box(0, 1, (4,), np.float32),
                               "pixel_image": gym.spaces.Box(0, 255, (8, 8), np.uint8),
                               "feature_vector": gym.spaces.Box(1.0, 9.0, (10,), np.float32)})
