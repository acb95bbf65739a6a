"""Wrap single or Tuple action spaces into Dict spaces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from maze.core.wrappers.wrapper import ActionWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, action_spaces_dict_of


class DictActionWrapper(SubStepSpacesMixin, ActionWrapper):
    """Wraps each sub-step's action space into a Dict space:

    * a single space ``s`` → ``Dict({"action": s})``; actions ``{"action": a}`` → ``a``,
    * a ``Tuple((s0, s1, ...))`` → ``Dict({"action_0": s0, "action_1": s1, ...})``; actions → ``(a0, a1, ...)``,
    * Dict spaces are left as they are.

    :param env: the env to wrap (MazeEnv or plain gymnasium env).
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        spaces = action_spaces_dict_of(env)
        #: per sub-step: None (Dict, pass through), [] (single space) or the tuple keys
        self._kind: dict[Any, list[str] | None] = {}
        new_spaces = {}
        for k, space in spaces.items():
            if isinstance(space, gym.spaces.Dict):
                self._kind[k] = None
                new_spaces[k] = space
            elif isinstance(space, gym.spaces.Tuple):
                keys = [f"action_{i}" for i in range(len(space.spaces))]
                self._kind[k] = keys
                new_spaces[k] = gym.spaces.Dict(dict(zip(keys, space.spaces)))
            else:
                self._kind[k] = []
                new_spaces[k] = gym.spaces.Dict({"action": space})
        self._init_spaces(None, new_spaces)

    def _to_env(self, action: Any, key: Any) -> Any:
        kind = self._kind[key]
        if kind is None:
            return action
        if not isinstance(action, Mapping):
            raise ValueError(
                f"DictActionWrapper expects a dict action of space {self._action_spaces_dict[key]} for sub-step {key!r}, "  # type: ignore[index]
                f"got {action!r}"
            )
        try:
            if not kind:
                return action["action"]
            return tuple(action[name] for name in kind)
        except KeyError as exc:
            raise ValueError(
                f"DictActionWrapper: action {action!r} lacks key {exc.args[0]!r} of space "
                f"{self._action_spaces_dict[key]} (sub-step {key!r})"  # type: ignore[index]
            ) from None

    def _to_dict(self, action: Any, key: Any) -> Any:
        kind = self._kind[key]
        if kind is None:
            return action
        if not kind:
            return {"action": action}
        return dict(zip(kind, action))

    def action(self, action: dict[str, Any]) -> Any:
        """Dict action → the wrapped env's single or tuple action."""
        return self._to_env(action, self._step_key())

    def reverse_action(self, action: Any) -> dict[str, Any]:
        """Single or tuple action → dict action."""
        return self._to_dict(action, self._step_key())

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if act_dict is not None:
            act_dict = {k: self._to_dict(v, k) for k, v in act_dict.items()}
        return obs_dict, act_dict
