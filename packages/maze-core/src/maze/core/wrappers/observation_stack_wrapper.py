"""Stack the observations of subsequent time steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.utils.factory import ConfigError, to_plain
from maze.core.wrappers.wrapper import ObservationWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, observation_spaces_dict_of

_STACK_KEYS = ("observation", "keep_original", "tag", "delta", "stack_steps")


class _Stack:
    """History of one observation of one sub-step (ring of the last ``stack_steps`` values, oldest first)."""

    __slots__ = ("key", "out_key", "keep_original", "delta", "n", "buffer", "fresh", "dtype")

    def __init__(self, key: str, out_key: str, keep_original: bool, delta: bool, n: int, space: gym.spaces.Box) -> None:
        self.key, self.out_key, self.keep_original, self.delta, self.n = key, out_key, keep_original, delta, n
        self.dtype = space.dtype if (not delta or np.issubdtype(space.dtype, np.floating)) else np.dtype(np.float32)
        self.buffer = np.zeros((n, *space.shape), dtype=self.dtype)
        self.fresh = True

    def space(self, box: gym.spaces.Box) -> gym.spaces.Box:
        low = np.broadcast_to(box.low, box.shape).astype(self.dtype)
        high = np.broadcast_to(box.high, box.shape).astype(self.dtype)
        lows, highs = np.stack([low] * self.n), np.stack([high] * self.n)
        if self.delta and self.n > 1:
            with np.errstate(invalid="ignore", over="ignore"):
                lows[:-1], highs[:-1] = low - high, high - low
        return gym.spaces.Box(low=lows, high=highs, dtype=self.dtype)

    def push(self, value: Any) -> np.ndarray:
        buf = self.buffer
        if self.fresh:  # first observation of the episode: pad the history with it
            buf[...] = value
            self.fresh = False
        else:
            buf[:-1] = buf[1:]
            buf[-1] = value
        out = buf.copy()
        if self.delta and self.n > 1:
            out[:-1] = buf[-1] - buf[:-1]
        return out


class ObservationStackWrapper(SubStepSpacesMixin, ObservationWrapper):
    """Stacks the observations of the last ``stack_steps`` time steps (per sub-step), optionally as deltas.

    ``stack_config`` is a list of entries::

        - observation: position      # key of the observation to stack (a Box space)
          keep_original: false       # keep the un-stacked observation as well (needs a tag)
          tag: stacked               # new key "position-stacked"; null: replace "position" itself
          delta: true                # past entries hold (current - past) instead of the past value
          stack_steps: 3             # number of time steps in the stack (incl. the current one)

    The stacked observation has shape ``(stack_steps, *shape)``, oldest first, the current observation
    last. At the start of an episode the history is padded with the first observation (so deltas are 0).
    Structured envs keep a separate history per sub-step (a sub-step's stack holds its own past
    observations). For delta stacks of integer observations the dtype becomes float32.

    :param env: the env to wrap.
    :param stack_config: list of stacking entries as above.
    :raises ConfigError: unknown keys, missing observations (naming the available ones), non-Box spaces.
    """

    def __init__(self, env: Any, stack_config: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(env)
        stack_config = to_plain(stack_config)
        if isinstance(stack_config, Mapping):
            stack_config = [stack_config]
        if not isinstance(stack_config, Sequence):
            raise ConfigError(f"ObservationStackWrapper: stack_config must be a list of entries, got {stack_config!r}")
        self.stack_config = [dict(c) for c in stack_config]
        spaces = observation_spaces_dict_of(env)
        available = sorted({k for s in spaces.values() if isinstance(s, gym.spaces.Dict) for k in s.spaces})
        self._stacks: dict[Any, list[_Stack]] = {k: [] for k in spaces}
        new_spaces = {}
        for i, cfg in enumerate(self.stack_config):
            where = f"ObservationStackWrapper: stack_config[{i}]"
            unknown = set(cfg) - set(_STACK_KEYS)
            if unknown:
                raise ConfigError(f"{where} has unknown key(s) {sorted(unknown)}; valid keys: {list(_STACK_KEYS)}")
            if "observation" not in cfg:
                raise ConfigError(f"{where} needs 'observation' (one of {available})")
            if cfg["observation"] not in available:
                raise ConfigError(f"{where}: observation '{cfg['observation']}' not found; available observations: {available}")
            n = int(cfg.get("stack_steps", 1))
            if n < 1:
                raise ConfigError(f"{where}.stack_steps must be >= 1, got {cfg.get('stack_steps')}")
            if cfg.get("tag") is None and cfg.get("keep_original", False):
                raise ConfigError(f"{where}: keep_original=true needs a 'tag' for the stacked observation's key")
        for step_key, space in spaces.items():
            if not isinstance(space, gym.spaces.Dict):
                new_spaces[step_key] = space
                continue
            new = dict(space.spaces)
            for i, cfg in enumerate(self.stack_config):
                key = cfg["observation"]
                if key not in space.spaces:
                    continue
                box = space.spaces[key]
                if not isinstance(box, gym.spaces.Box):
                    raise ConfigError(f"ObservationStackWrapper: stack_config[{i}]: observation '{key}' of sub-step {step_key!r} is {box}, expected a Box")
                tag = cfg.get("tag")
                out_key = key if tag is None else f"{key}-{tag}"
                stack = _Stack(key, out_key, bool(cfg.get("keep_original", False)), bool(cfg.get("delta", False)),
                               int(cfg.get("stack_steps", 1)), box)
                self._stacks[step_key].append(stack)
                if not stack.keep_original:
                    del new[key]
                new[out_key] = stack.space(box)
            new_spaces[step_key] = gym.spaces.Dict(new)
        self._init_spaces(new_spaces, None)

    def _reset_stacks(self) -> None:
        for stacks in self._stacks.values():
            for stack in stacks:
                stack.fresh = True

    def _apply(self, observation: dict[str, Any], step_key: Any) -> dict[str, Any]:
        stacks = self._stacks[step_key]
        if not stacks:
            return observation
        out = dict(observation)
        for stack in stacks:
            stacked = stack.push(observation[stack.key])
            if not stack.keep_original:
                del out[stack.key]
            out[stack.out_key] = stacked
        return out

    def observation(self, observation: dict[str, Any]) -> dict[str, Any]:
        """Push the observation into the history and return the stacked observation."""
        return self._apply(observation, self._step_key())

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Reset the wrapped env and the observation histories."""
        self._reset_stacks()
        obs, info = self.env.reset(seed=seed, options=options)
        return self.observation(obs), info

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        """Stack recorded observations in order (call once per recorded step); the first step of an episode
        resets the histories."""
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if first_step_in_episode:
            self._reset_stacks()
        if obs_dict is not None:
            obs_dict = {k: self._apply(v, k) for k, v in obs_dict.items()}
        return obs_dict, act_dict
