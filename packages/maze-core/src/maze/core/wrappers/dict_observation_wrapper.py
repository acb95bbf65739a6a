"""Wrap non-Dict observation spaces into ``Dict({"observation": space})``."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from maze.core.wrappers.wrapper import ObservationWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, observation_spaces_dict_of


class DictObservationWrapper(SubStepSpacesMixin, ObservationWrapper):
    """Wraps each sub-step's non-Dict observation space into ``Dict({"observation": space})`` and each
    observation ``x`` into ``{"observation": x}``. Dict spaces are left as they are.

    Works with MazeEnvs and with plain gymnasium envs (one sub-step, key ``0``).

    :param env: the env to wrap.
    """

    #: key of the wrapped observation
    KEY = "observation"

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        spaces = observation_spaces_dict_of(env)
        self._wrap = {k: not isinstance(s, gym.spaces.Dict) for k, s in spaces.items()}
        self._init_spaces({k: gym.spaces.Dict({self.KEY: s}) if self._wrap[k] else s for k, s in spaces.items()}, None)

    def observation(self, observation: Any) -> Any:
        """``x`` → ``{"observation": x}`` where the active sub-step's space is not a Dict."""
        return {self.KEY: observation} if self._wrap[self._step_key()] else observation

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if obs_dict is not None:
            obs_dict = {k: ({self.KEY: v} if self._wrap[k] else v) for k, v in obs_dict.items()}
        return obs_dict, act_dict
