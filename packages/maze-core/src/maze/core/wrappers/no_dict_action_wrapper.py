"""Replace single-key Dict action spaces by their sub-space."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maze.core.wrappers.wrapper import ActionWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, action_spaces_dict_of, sole_key


class NoDictActionWrapper(SubStepSpacesMixin, ActionWrapper):
    """Actions ``x`` become ``{"action": x}`` for the wrapped env (the action space is the sole sub-space of
    the wrapped env's Dict space), for every sub-step. For frameworks without Dict action spaces.

    :param env: the env to wrap; every sub-step's action space must be a Dict with exactly one key.
    :raises ValueError: naming the sub-step and its keys if a Dict space has several keys.
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        spaces = action_spaces_dict_of(env)
        self._act_keys = {k: sole_key(s, "action", k) for k, s in spaces.items()}
        self._init_spaces(None, {k: s.spaces[self._act_keys[k]] for k, s in spaces.items()})

    def action(self, action: Any) -> dict[str, Any]:
        """``x`` → ``{key: x}`` for the active sub-step."""
        key = self._step_key()
        if isinstance(action, Mapping):
            raise ValueError(
                f"NoDictActionWrapper expects a plain action of space {self._action_spaces_dict[key]} "  # type: ignore[index]
                f"for sub-step {key!r}, got a dict {action!r}"
            )
        return {self._act_keys[key]: action}

    def reverse_action(self, action: dict[str, Any]) -> Any:
        """``{key: x}`` → ``x`` (flat envs; structured envs go through :meth:`get_observation_and_action_dicts`)."""
        return action[self._act_keys[self._step_key()]]

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if act_dict is not None:
            act_dict = {k: v[self._act_keys[k]] for k, v in act_dict.items()}
        return obs_dict, act_dict
