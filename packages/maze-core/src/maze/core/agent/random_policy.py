"""Random policies: uniform over the action space, optionally respecting action masks."""

from __future__ import annotations

import copy
from typing import Any, Mapping

import gymnasium as gym
import numpy as np

from maze.core.agent.policy import Policy
from maze.core.env.structured_env import ActorID


class RandomPolicy(Policy):
    """Samples actions uniformly from the acting sub-step's action space.

    :param action_spaces_dict: ``{step_key: gymnasium Dict space}`` (the runners pass the env's).
    :param seed: optional seed (runners seed policies from ``MazeSeeding``).
    """

    def __init__(self, action_spaces_dict: Mapping[Any, gym.spaces.Dict], seed: int | None = None) -> None:
        if not action_spaces_dict:
            raise ValueError("RandomPolicy needs the env's action_spaces_dict (got an empty mapping)")
        # own copies: sampling must not share (and advance) the env's space RNGs
        self.action_spaces_dict = {k: copy.deepcopy(v) for k, v in action_spaces_dict.items()}
        self._single_key = next(iter(self.action_spaces_dict)) if len(self.action_spaces_dict) == 1 else None
        if seed is not None:
            self.seed(seed)

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        for i, space in enumerate(self.action_spaces_dict.values()):
            space.seed(int(seed) + i)

    def _space(self, actor_id: ActorID | None) -> gym.spaces.Dict:
        if actor_id is None:
            if self._single_key is None:
                raise ValueError("the env has several sub-steps; pass actor_id to compute_action")
            return self.action_spaces_dict[self._single_key]
        try:
            return self.action_spaces_dict[actor_id.step_key]
        except KeyError:
            raise KeyError(f"no action space for sub-step {actor_id.step_key!r}; known: {list(self.action_spaces_dict)}") from None

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> Any:
        return self._space(actor_id).sample()


class MaskedRandomPolicy(RandomPolicy):
    """Random policy that samples only actions allowed by masks in the observation.

    :param action_spaces_dict: ``{step_key: gymnasium Dict space}``.
    :param mask_keys: ``{action_key: observation_mask_key}``; overrides the env's declaration.
    :param seed: optional seed.
    :param action_mask_keys: the env's own ``{action_key: observation_mask_key}`` declaration (its
        ``action_mask_keys`` attribute; the runners pass it). Action keys in neither mapping are masked by
        the observation key ``k + "_mask"`` when present. Masks are 0/1 vectors over ``Discrete`` actions.
    """

    def __init__(self, action_spaces_dict: Mapping[Any, gym.spaces.Dict], mask_keys: Mapping[str, str] | None = None,
                 seed: int | None = None, action_mask_keys: Mapping[str, str] | None = None) -> None:
        super().__init__(action_spaces_dict, seed=None)
        self.mask_keys = {**dict(action_mask_keys or {}), **dict(mask_keys or {})}
        self.rng = np.random.default_rng(seed)
        if seed is not None:
            self.seed(seed)

    def seed(self, seed: int) -> None:
        super().seed(seed)
        self.rng = np.random.default_rng(int(seed))

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> Any:
        space = self._space(actor_id)
        action = {}
        for key, sub in space.spaces.items():
            mask_key = self.mask_keys.get(key, f"{key}_mask")
            mask = observation.get(mask_key) if isinstance(observation, Mapping) else None
            if mask is not None and isinstance(sub, gym.spaces.Discrete):
                mask = np.asarray(mask).reshape(-1)
                if mask.shape[0] != sub.n:
                    raise ValueError(
                        f"mask '{mask_key}' has {mask.shape[0]} entries but action '{key}' has {sub.n} options"
                    )
                allowed = np.flatnonzero(mask > 0)
                if len(allowed) == 0:
                    allowed = np.arange(sub.n)  # nothing allowed: fall back to uniform
                action[key] = np.int64(sub.start + self.rng.choice(allowed))
            else:
                action[key] = sub.sample()
        return action
