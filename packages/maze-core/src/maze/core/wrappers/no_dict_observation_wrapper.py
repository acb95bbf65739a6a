"""Replace single-key Dict observation spaces by their sub-space."""

from __future__ import annotations

from typing import Any

from maze.core.wrappers.wrapper import ObservationWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, observation_spaces_dict_of, sole_key


class NoDictObservationWrapper(SubStepSpacesMixin, ObservationWrapper):
    """Observations ``{"observation": x}`` become ``x`` (the observation space its sole sub-space), for every
    sub-step. For frameworks that do not support Dict observation spaces.

    :param env: the env to wrap; every sub-step's observation space must be a Dict with exactly one key.
    :raises ValueError: naming the sub-step and its keys if a Dict space has several keys.
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        spaces = observation_spaces_dict_of(env)
        self._obs_keys = {k: sole_key(s, "observation", k) for k, s in spaces.items()}
        self._init_spaces({k: s.spaces[self._obs_keys[k]] for k, s in spaces.items()}, None)

    def observation(self, observation: Any) -> Any:
        """``{key: x}`` → ``x`` for the active sub-step."""
        return observation[self._obs_keys[self._step_key()]]

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if obs_dict is not None:
            obs_dict = {k: v[self._obs_keys[k]] for k, v in obs_dict.items()}
        return obs_dict, act_dict
