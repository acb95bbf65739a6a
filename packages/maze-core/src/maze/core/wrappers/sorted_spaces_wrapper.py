"""Alphabetically sorted Dict spaces for every sub-step."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from maze.core.wrappers.wrapper import Wrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, action_spaces_dict_of, observation_spaces_dict_of


def _sorted_space(space: gym.spaces.Space) -> gym.spaces.Space:
    if isinstance(space, gym.spaces.Dict):
        return gym.spaces.Dict({k: _sorted_space(space.spaces[k]) for k in sorted(space.spaces)})
    return space


class SortedSpacesWrapper(SubStepSpacesMixin, Wrapper):
    """Sorts the keys of all (nested) Dict observation and action spaces of every sub-step alphabetically,
    and returns observation dicts with keys in that order.

    Needed where the order of dict entries matters (flattening for RLlib, action distributions that
    iterate over the space). gymnasium's ``Dict`` already sorts keys passed as a plain ``dict``, so for
    most envs only the observation dicts are re-ordered.

    :param env: the env to wrap.
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._init_spaces(
            {k: _sorted_space(s) for k, s in observation_spaces_dict_of(env).items()},
            {k: _sorted_space(s) for k, s in action_spaces_dict_of(env).items()},
        )

    @staticmethod
    def _sorted(observation: Any) -> Any:
        if isinstance(observation, dict):
            return {k: observation[k] for k in sorted(observation)}
        return observation

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        return self._sorted(obs), reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        obs, info = self.env.reset(seed=seed, options=options)
        return self._sorted(obs), info

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        """Observations re-ordered; actions unchanged."""
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if obs_dict is not None:
            obs_dict = {k: self._sorted(v) for k, v in obs_dict.items()}
        return obs_dict, act_dict
