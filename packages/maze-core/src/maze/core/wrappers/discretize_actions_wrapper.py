"""Discretize continuous (Box) actions into evenly spaced bins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.utils.factory import ConfigError
from maze.core.wrappers.wrapper import ActionWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, action_spaces_dict_of, as_mapping


class _Discretization:
    """Maps bin indices of one Box action to values (``low + index * (high - low) / (num_bins - 1)``)."""

    __slots__ = ("key", "box", "num_bins", "low", "step", "scalar", "space")

    def __init__(self, key: str, box: gym.spaces.Box, cfg: dict) -> None:
        where = f"DiscretizeActionsWrapper: discretization_config.{key}"
        unknown = set(cfg) - {"num_bins", "low", "high"}
        if unknown:
            raise ConfigError(f"{where} has unknown key(s) {sorted(unknown)}; valid keys: ['high', 'low', 'num_bins']")
        if "num_bins" not in cfg:
            raise ConfigError(f"{where} needs 'num_bins'")
        num_bins = int(cfg["num_bins"])
        if num_bins < 2:
            raise ConfigError(f"{where}.num_bins must be >= 2, got {cfg['num_bins']}")
        low = box.low if cfg.get("low") is None else np.asarray(cfg["low"], dtype=np.float64)
        high = box.high if cfg.get("high") is None else np.asarray(cfg["high"], dtype=np.float64)
        try:
            low = np.broadcast_to(np.asarray(low, dtype=np.float64), box.shape).copy()
            high = np.broadcast_to(np.asarray(high, dtype=np.float64), box.shape).copy()
        except ValueError:
            raise ConfigError(f"{where}: low/high {cfg.get('low')}/{cfg.get('high')} do not match the action shape {box.shape}") from None
        if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
            raise ConfigError(f"{where}: the action space {box} is unbounded; set finite 'low' and 'high'")
        if np.any(high <= low):
            raise ConfigError(f"{where}: need low < high, got low={low.tolist()} high={high.tolist()}")
        if np.any(low < box.low) or np.any(high > box.high):
            raise ConfigError(
                f"{where}: range [{low.tolist()}, {high.tolist()}] exceeds the action space bounds "
                f"[{box.low.tolist()}, {box.high.tolist()}]"
            )
        self.key, self.box, self.num_bins = key, box, num_bins
        self.low = low.astype(box.dtype)
        self.step = ((high - low) / (num_bins - 1)).astype(box.dtype)
        self.scalar = int(np.prod(box.shape)) == 1
        self.space: gym.spaces.Space = (
            gym.spaces.Discrete(num_bins) if self.scalar else gym.spaces.MultiDiscrete(np.full(box.shape, num_bins))
        )

    def to_value(self, index: Any) -> np.ndarray:
        if self.scalar:
            i = int(np.asarray(index).reshape(-1)[0]) if np.ndim(index) else int(index)
            if not 0 <= i < self.num_bins:
                raise ValueError(f"DiscretizeActionsWrapper: action '{self.key}'={index!r} is outside its space {self.space}")
            return (self.low + i * self.step).astype(self.box.dtype, copy=False)
        idx = np.asarray(index)
        if idx.shape != self.box.shape or idx.min() < 0 or idx.max() >= self.num_bins:
            raise ValueError(f"DiscretizeActionsWrapper: action '{self.key}'={index!r} is outside its space {self.space}")
        return (self.low + idx * self.step).astype(self.box.dtype, copy=False)

    def to_index(self, value: Any) -> Any:
        idx = np.clip(np.rint((np.asarray(value, dtype=np.float64) - self.low) / self.step), 0, self.num_bins - 1).astype(np.int64)
        return int(idx.reshape(-1)[0]) if self.scalar else idx.reshape(self.box.shape)


class DiscretizeActionsWrapper(SubStepSpacesMixin, ActionWrapper):
    """Discretizes continuous actions: a ``Box`` action becomes ``Discrete(num_bins)`` (one element) or
    ``MultiDiscrete`` with ``num_bins`` per element; index ``i`` maps to ``low + i * (high - low) / (num_bins - 1)``
    (both ends included).

    Example (``action_up`` is a ``Box(-1, 1, shape=(5,))``)::

        discretization_config:
          action_up:
            num_bins: 5
            low: [-1, 0, 0.5, 0, 0]   # scalar or per element; default: the space's low
            high: 1                   # default: the space's high

    :param env: the env to wrap.
    :param discretization_config: ``{action_key: {num_bins, low, high}}``; applies to every sub-step
        whose action space has the key.
    :raises ConfigError: unknown key (listing the Box actions), non-Box action, bad bins or bounds.
    """

    def __init__(self, env: Any, discretization_config: Mapping[str, Any]) -> None:
        super().__init__(env)
        self.discretization_config = as_mapping(discretization_config, "DiscretizeActionsWrapper.discretization_config")
        spaces = action_spaces_dict_of(env)
        all_keys = sorted({k for s in spaces.values() if isinstance(s, gym.spaces.Dict) for k in s.spaces})
        for key in self.discretization_config:
            if key not in all_keys:
                raise ConfigError(
                    f"DiscretizeActionsWrapper: action '{key}' of discretization_config is not an action of the env; "
                    f"available actions: {all_keys}"
                )
        self._disc: dict[Any, list[_Discretization]] = {}
        new_spaces = {}
        for step_key, space in spaces.items():
            self._disc[step_key] = []
            if not isinstance(space, gym.spaces.Dict):
                new_spaces[step_key] = space
                continue
            new = dict(space.spaces)
            for key, cfg in self.discretization_config.items():
                if key not in space.spaces:
                    continue
                box = space.spaces[key]
                if not isinstance(box, gym.spaces.Box):
                    raise ConfigError(f"DiscretizeActionsWrapper: action '{key}' of sub-step {step_key!r} is {box}, expected a Box")
                disc = _Discretization(key, box, as_mapping(cfg, f"discretization_config.{key}"))
                self._disc[step_key].append(disc)
                new[key] = disc.space
            new_spaces[step_key] = gym.spaces.Dict(new)
        self._init_spaces(None, new_spaces)

    def action(self, action: dict[str, Any]) -> dict[str, Any]:
        """Bin indices → continuous values."""
        discs = self._disc[self._step_key()]
        if not discs:
            return action
        out = dict(action)
        for disc in discs:
            try:
                out[disc.key] = disc.to_value(out[disc.key])
            except KeyError:
                raise ValueError(f"DiscretizeActionsWrapper: action {action!r} lacks '{disc.key}'") from None
        return out

    def _reverse(self, action: dict[str, Any], step_key: Any) -> dict[str, Any]:
        discs = self._disc[step_key]
        if not discs:
            return action
        out = dict(action)
        for disc in discs:
            out[disc.key] = disc.to_index(out[disc.key])
        return out

    def reverse_action(self, action: dict[str, Any]) -> dict[str, Any]:
        """Continuous values → nearest bin indices."""
        return self._reverse(action, self._step_key())

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if act_dict is not None:
            act_dict = {k: self._reverse(v, k) for k, v in act_dict.items()}
        return obs_dict, act_dict
