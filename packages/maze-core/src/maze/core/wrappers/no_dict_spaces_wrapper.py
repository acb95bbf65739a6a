"""Replace Dict observation and action spaces by plain gymnasium spaces (for Stable-Baselines3 and others)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.wrappers.flat_action_conversion import FlatActionConversion, flat_action_conversion
from maze.core.wrappers.gymnasium_facing import GymnasiumFacingMixin
from maze.core.wrappers.wrapper import Wrapper
from maze.core.wrappers.wrapper_utils import (
    SubStepSpacesMixin,
    action_spaces_dict_of,
    observation_spaces_dict_of,
)


class NoDictSpacesWrapper(GymnasiumFacingMixin, SubStepSpacesMixin, Wrapper):
    """Every sub-step's Dict spaces become plain gymnasium spaces:

    * observations: a single-key Dict ``{"observation": x}`` becomes ``x`` (its space unchanged); a Dict with
      several keys is flattened into one ``Box`` with gymnasium's ``flatten_space`` / ``flatten`` (parts in the
      Dict's key order, Discrete parts one-hot),
    * actions: a single-key Dict becomes its sub-space (``a`` is passed on as ``{"action": a}``); several
      discrete parts become one ``MultiDiscrete``, several Box parts one flat ``Box``
      (:func:`~maze.core.wrappers.flat_action_conversion.flat_action_conversion`).

    A flat MazeEnv wrapped like this is a plain gymnasium ≥ 1.0 env that passes
    ``gymnasium.utils.env_checker.check_env`` without warnings (it has no legacy ``seed()`` method: seed it
    with ``reset(seed=...)``) and works with gymnasium wrappers and Stable-Baselines3's ``MlpPolicy``.

    :param env: the env to wrap (flat or structured; every sub-step's spaces must be Dict spaces).
    :raises ValueError: naming the sub-step and its parts when an action Dict mixes discrete and continuous
        parts, or an observation Dict holds spaces gymnasium cannot flatten.
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        name = type(self).__name__
        #: per sub-step: the sole observation key, or the Dict space to flatten
        self._obs_keys: dict[Any, str | None] = {}
        self._obs_dict_spaces: dict[Any, gym.spaces.Dict] = {}
        obs_spaces = {}
        for key, space in observation_spaces_dict_of(env).items():
            if not isinstance(space, gym.spaces.Dict):
                raise TypeError(f"{name}: observation space of sub-step {key!r} is not a Dict space: {space}")
            self._obs_dict_spaces[key] = space
            if len(space.spaces) == 1:
                self._obs_keys[key] = next(iter(space.spaces))
                obs_spaces[key] = space.spaces[self._obs_keys[key]]
            else:
                self._obs_keys[key] = None
                try:
                    obs_spaces[key] = gym.spaces.flatten_space(space)
                except NotImplementedError as exc:
                    raise ValueError(f"{name}: cannot flatten the observation space of sub-step {key!r} "
                                     f"(keys {list(space.spaces)}): {exc}") from exc
        self.action_conversions: dict[Any, FlatActionConversion] = {
            key: flat_action_conversion(space, f"{name}: action space of sub-step {key!r}")
            for key, space in action_spaces_dict_of(env).items()
        }
        self._init_spaces(obs_spaces, {k: conv.space for k, conv in self.action_conversions.items()})

    def _observation_of(self, key: Any, observation: Mapping[str, Any]) -> Any:
        sole = self._obs_keys[key]
        if sole is not None:
            return observation[sole]
        flat = gym.spaces.flatten(self._obs_dict_spaces[key], observation)
        return np.asarray(flat, dtype=self._observation_spaces_dict[key].dtype)  # type: ignore[index]

    def observation(self, observation: dict[str, Any]) -> Any:
        """The Dict observation of the active sub-step as a plain observation."""
        return self._observation_of(self._step_key(), observation)

    def action(self, action: Any) -> dict[str, Any]:
        """A plain action → the Dict action of the active sub-step."""
        return self.action_conversions[self._step_key()].to_dict(action)

    def reverse_action(self, action: dict[str, Any]) -> Any:
        """A Dict action → the plain action of the active sub-step."""
        return self.action_conversions[self._step_key()].from_dict(action)

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(self.action(action))
        return self.observation(obs), reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        obs, info = self.env.reset(seed=seed, options=options)
        return self.observation(obs), info

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        """Observations and actions in the plain spaces, per sub-step key."""
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if obs_dict is not None:
            obs_dict = {k: self._observation_of(k, v) for k, v in obs_dict.items()}
        if act_dict is not None:
            act_dict = {k: self.action_conversions[k].from_dict(v) for k, v in act_dict.items()}
        return obs_dict, act_dict
