"""Split one (vector) action into several named actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.utils.factory import ConfigError
from maze.core.wrappers.wrapper import ActionWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, action_spaces_dict_of, as_mapping


def _sub_space(space: gym.spaces.Space, idx: np.ndarray) -> gym.spaces.Space:
    if isinstance(space, gym.spaces.Box):
        return gym.spaces.Box(low=space.low[idx], high=space.high[idx], dtype=space.dtype)
    if isinstance(space, gym.spaces.MultiDiscrete):
        return gym.spaces.MultiDiscrete(space.nvec[idx], dtype=space.dtype, start=space.start[idx])
    if isinstance(space, gym.spaces.MultiBinary):
        return gym.spaces.MultiBinary(len(idx))
    raise TypeError(space)


class SplitActionsWrapper(SubStepSpacesMixin, ActionWrapper):
    """Splits a 1-D vector action (Box, MultiDiscrete or MultiBinary) into several named actions.

    Example (a ``Box(shape=(2,))`` action ``action`` with up/down in dimension 0 and left/right in 1)::

        split_config:
          action:
            action_up:
              indices: [0]
            action_side:
              indices: [1]

    The agent then sees the actions ``action_up`` (``Box(shape=(1,))``) and ``action_side``; the wrapper
    reassembles ``action`` for the wrapped env. The indices of the parts must cover every element of
    the original action exactly once. Applies to every sub-step whose action space contains the key.

    :param env: the env to wrap.
    :param split_config: ``{original_action_key: {new_action_key: {"indices": [...]}}}``.
    :raises ConfigError: unknown action key (listing the available ones), unsupported space, bad indices.
    """

    def __init__(self, env: Any, split_config: Mapping[str, Any]) -> None:
        super().__init__(env)
        self.split_config = as_mapping(split_config, "SplitActionsWrapper.split_config")
        spaces = action_spaces_dict_of(env)
        available = sorted({k for s in spaces.values() if isinstance(s, gym.spaces.Dict) for k in s.spaces})
        #: per sub-step: [(original key, space, [(new key, index array, sub space)])]
        self._splits: dict[Any, list[tuple[str, gym.spaces.Space, list[tuple[str, np.ndarray, gym.spaces.Space]]]]] = {}
        new_spaces = {}
        for orig_key in self.split_config:
            if orig_key not in available:
                raise ConfigError(
                    f"SplitActionsWrapper: action '{orig_key}' of split_config is not an action of the env; "
                    f"available actions: {available}"
                )
        for step_key, space in spaces.items():
            self._splits[step_key] = []
            if not isinstance(space, gym.spaces.Dict):
                new_spaces[step_key] = space
                continue
            new = dict(space.spaces)
            for orig_key, parts_cfg in self.split_config.items():
                if orig_key not in space.spaces:
                    continue
                orig_space = space.spaces[orig_key]
                parts = self._parse_parts(orig_key, orig_space, as_mapping(parts_cfg, f"split_config.{orig_key}"))
                del new[orig_key]
                for new_key, _, sub_space in parts:
                    if new_key in new:
                        raise ConfigError(
                            f"SplitActionsWrapper: new action '{new_key}' (from '{orig_key}') clashes with an existing "
                            f"action of sub-step {step_key!r}"
                        )
                    new[new_key] = sub_space
                self._splits[step_key].append((orig_key, orig_space, parts))
            new_spaces[step_key] = gym.spaces.Dict(new)
        self._init_spaces(None, new_spaces)

    @staticmethod
    def _parse_parts(orig_key: str, space: gym.spaces.Space, parts_cfg: dict) -> list[tuple[str, np.ndarray, gym.spaces.Space]]:
        if not isinstance(space, (gym.spaces.Box, gym.spaces.MultiDiscrete, gym.spaces.MultiBinary)) or len(space.shape) != 1:
            raise ConfigError(
                f"SplitActionsWrapper: action '{orig_key}' has space {space}; only 1-D Box, MultiDiscrete and "
                f"MultiBinary actions can be split"
            )
        if not parts_cfg:
            raise ConfigError(f"SplitActionsWrapper: split_config.{orig_key} names no parts")
        n = space.shape[0]
        parts, covered = [], []
        for new_key, cfg in parts_cfg.items():
            cfg = as_mapping(cfg, f"split_config.{orig_key}.{new_key}")
            if "indices" not in cfg:
                raise ConfigError(f"SplitActionsWrapper: split_config.{orig_key}.{new_key} needs 'indices', got keys {sorted(cfg)}")
            idx = np.asarray(cfg["indices"], dtype=np.int64).reshape(-1)
            if idx.size == 0 or idx.min() < 0 or idx.max() >= n:
                raise ConfigError(
                    f"SplitActionsWrapper: split_config.{orig_key}.{new_key}.indices {cfg['indices']} must be non-empty "
                    f"indices into action '{orig_key}' of length {n}"
                )
            covered.extend(idx.tolist())
            parts.append((str(new_key), idx, _sub_space(space, idx)))
        if sorted(covered) != list(range(n)):
            raise ConfigError(
                f"SplitActionsWrapper: the indices of split_config.{orig_key} must cover 0..{n - 1} exactly once, "
                f"got {sorted(covered)}"
            )
        return parts

    def action(self, action: dict[str, Any]) -> dict[str, Any]:
        """Re-assemble the original actions from their parts."""
        key = self._step_key()
        splits = self._splits[key]
        if not splits:
            return action
        out = dict(action)
        for orig_key, orig_space, parts in splits:
            merged = np.empty(orig_space.shape, dtype=orig_space.dtype)
            for new_key, idx, _ in parts:
                try:
                    value = out.pop(new_key)
                except KeyError:
                    raise ValueError(
                        f"SplitActionsWrapper: action {action!r} lacks '{new_key}' (part of '{orig_key}'); "
                        f"action space: {self._action_spaces_dict[key]}"  # type: ignore[index]
                    ) from None
                value = np.asarray(value)
                if value.size != idx.size:
                    raise ValueError(
                        f"SplitActionsWrapper: action '{new_key}' must have {idx.size} element(s) "
                        f"(space {self._action_spaces_dict[key][new_key]}), got {value!r}"  # type: ignore[index]
                    )
                merged[idx] = value.reshape(-1)
            out[orig_key] = merged
        return out

    def _split(self, action: dict[str, Any], key: Any) -> dict[str, Any]:
        splits = self._splits[key]
        if not splits:
            return action
        out = dict(action)
        for orig_key, orig_space, parts in splits:
            value = np.asarray(out.pop(orig_key), dtype=orig_space.dtype)
            for new_key, idx, _ in parts:
                out[new_key] = value[idx]
        return out

    def reverse_action(self, action: dict[str, Any]) -> dict[str, Any]:
        """Split original actions into their parts."""
        return self._split(action, self._step_key())

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if act_dict is not None:
            act_dict = {k: self._split(v, k) for k, v in act_dict.items()}
        return obs_dict, act_dict
