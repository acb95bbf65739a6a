"""Skip the first steps of episodes with random actions."""

from __future__ import annotations

from typing import Any

import numpy as np

from maze.core.wrappers.wrapper import Wrapper
from maze.core.wrappers.wrapper_utils import action_spaces_dict_of


class RandomResetWrapper(Wrapper):
    """On reset, skips a random number of steps (uniform in ``[min_skip_steps, max_skip_steps]``) by taking
    random actions sampled from the active sub-step's action space.

    Useful to skip irrelevant initial parts of trajectories or to diversify start states. If the episode
    ends while skipping, the env is reset once more and that observation is returned (no further skipping).
    ``reset(seed=...)`` seeds the number of skipped steps and the random actions as well.

    :param env: the env to wrap.
    :param min_skip_steps: minimum number of steps to skip (>= 0).
    :param max_skip_steps: maximum number of steps to skip (>= min_skip_steps).
    """

    def __init__(self, env: Any, min_skip_steps: int = 0, max_skip_steps: int = 100) -> None:
        super().__init__(env)
        min_skip_steps, max_skip_steps = int(min_skip_steps), int(max_skip_steps)
        if min_skip_steps < 0 or max_skip_steps < min_skip_steps:
            raise ValueError(
                f"RandomResetWrapper: need 0 <= min_skip_steps <= max_skip_steps, got "
                f"min_skip_steps={min_skip_steps}, max_skip_steps={max_skip_steps}"
            )
        self.min_skip_steps = min_skip_steps
        self.max_skip_steps = max_skip_steps
        self._rng = np.random.default_rng()
        #: number of steps skipped in the last reset (for inspection)
        self.last_skipped_steps = 0

    def seed(self, seed: Any) -> None:
        self._seed(int(seed))
        self.env.seed(seed)

    def _seed(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)
        for i, space in enumerate(action_spaces_dict_of(self.env).values()):
            space.seed(seed + 1 + i)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        """Reset the wrapped env, then take ``n ~ U[min_skip_steps, max_skip_steps]`` random steps."""
        if seed is not None:
            self._seed(int(seed))
        obs, info = self.env.reset(seed=seed, options=options)
        n_skip = int(self._rng.integers(self.min_skip_steps, self.max_skip_steps + 1))
        self.last_skipped_steps = 0
        for _ in range(n_skip):
            obs, _, terminated, truncated, info = self.env.step(self.env.action_space.sample())
            self.last_skipped_steps += 1
            if terminated or truncated:
                obs, info = self.env.reset(options=options)
                break
        return obs, info
