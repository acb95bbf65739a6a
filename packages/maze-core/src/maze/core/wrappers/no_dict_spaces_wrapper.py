"""Replace single-key Dict observation and action spaces by their sub-spaces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maze.core.wrappers.wrapper import Wrapper
from maze.core.wrappers.wrapper_utils import (
    SubStepSpacesMixin,
    action_spaces_dict_of,
    observation_spaces_dict_of,
    sole_key,
)


class NoDictSpacesWrapper(SubStepSpacesMixin, Wrapper):
    """Observations ``{"observation": x}`` become ``x`` and actions ``a`` are passed on as ``{"action": a}``:
    every sub-step's single-key Dict spaces are replaced by their sole sub-space.

    A flat MazeEnv wrapped like this is a plain gymnasium env (Box/Discrete spaces) that passes
    ``gymnasium.utils.env_checker.check_env`` and works with gymnasium wrappers and external libraries.

    :param env: the env to wrap; all observation and action spaces must be single-key Dict spaces.
    :raises ValueError: naming the sub-step and its keys if a Dict space has several keys.
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        obs_spaces, act_spaces = observation_spaces_dict_of(env), action_spaces_dict_of(env)
        self._obs_keys = {k: sole_key(s, "observation", k) for k, s in obs_spaces.items()}
        self._act_keys = {k: sole_key(s, "action", k) for k, s in act_spaces.items()}
        self._init_spaces(
            {k: s.spaces[self._obs_keys[k]] for k, s in obs_spaces.items()},
            {k: s.spaces[self._act_keys[k]] for k, s in act_spaces.items()},
        )

    def observation(self, observation: dict[str, Any]) -> Any:
        """``{key: x}`` → ``x`` for the active sub-step."""
        return observation[self._obs_keys[self._step_key()]]

    def action(self, action: Any) -> dict[str, Any]:
        """``a`` → ``{key: a}`` for the active sub-step."""
        key = self._step_key()
        if isinstance(action, Mapping):
            raise ValueError(
                f"NoDictSpacesWrapper expects a plain action of space {self._action_spaces_dict[key]} "  # type: ignore[index]
                f"for sub-step {key!r}, got a dict {action!r}"
            )
        return {self._act_keys[key]: action}

    def reverse_action(self, action: dict[str, Any]) -> Any:
        """``{key: a}`` → ``a`` for the active sub-step."""
        return action[self._act_keys[self._step_key()]]

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(self.action(action))
        return self.observation(obs), reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        obs, info = self.env.reset(seed=seed, options=options)
        return self.observation(obs), info

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        """Observations unpacked, actions unpacked, per sub-step key."""
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if obs_dict is not None:
            obs_dict = {k: v[self._obs_keys[k]] for k, v in obs_dict.items()}
        if act_dict is not None:
            act_dict = {k: v[self._act_keys[k]] for k, v in act_dict.items()}
        return obs_dict, act_dict
