"""Gymnasium envs that misbehave on purpose (fault-injection tests); importable by spawned workers.

Use them through ``env=gym_env env.name=fault_envs:HangingCartPole-v0`` (gymnasium imports the module named
before the colon, which registers the ids).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gymnasium as gym
from gymnasium.envs.classic_control.cartpole import CartPoleEnv


class HangingCartPoleEnv(CartPoleEnv):
    """CartPole whose ``step`` sleeps forever after ``hang_after_steps`` steps of an episode.

    :param hang_after_steps: steps of the episode before the hang.
    :param hang_seed: hang only in the episode reset with this seed (``None``: in every episode).
    """

    def __init__(self, hang_after_steps: int = 5, hang_seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hang_after_steps = int(hang_after_steps)
        self.hang_seed = hang_seed
        self.episode_seed: int | None = None
        self.episode_steps = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> Any:
        self.episode_seed, self.episode_steps = seed, 0
        return super().reset(seed=seed, options=options)

    def step(self, action: Any) -> Any:
        self.episode_steps += 1
        if self.episode_steps > self.hang_after_steps and self.hang_seed in (None, self.episode_seed):
            while True:  # hangs like a deadlocked simulator
                time.sleep(3600)
        return super().step(action)


class EnvCrash(RuntimeError):
    """Raised on purpose by :class:`RaisingCartPoleEnv`."""


class RaisingCartPoleEnv(CartPoleEnv):
    """CartPole whose ``step`` raises :class:`EnvCrash` at a given step of the episode reset with a given seed.

    :param raise_seed: the episode (by its reset seed) that raises.
    :param raise_at_step: the step (1-based) that raises.
    :param detail_bytes: the exception carries this much detail (e.g. a simulator state dump); a large one keeps
        the report queue busy while it is sent, so the other workers' reports queue up behind it.
    :param wait_for_files: before raising, wait (at most 60 s) until this many ``*.traj.zip`` files are in
        ``files_dir``: the crash then happens while the other workers are busy finishing episodes.
    :param files_dir: the trajectory directory watched for ``wait_for_files``.
    """

    def __init__(self, raise_seed: int = 0, raise_at_step: int = 1, detail_bytes: int = 0, wait_for_files: int = 0,
                 files_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.raise_seed, self.raise_at_step, self.detail_bytes = raise_seed, int(raise_at_step), int(detail_bytes)
        self.wait_for_files, self.files_dir = int(wait_for_files), files_dir
        self.episode_seed: int | None = None
        self.episode_steps = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> Any:
        self.episode_seed, self.episode_steps = seed, 0
        return super().reset(seed=seed, options=options)

    def step(self, action: Any) -> Any:
        self.episode_steps += 1
        if self.episode_seed == self.raise_seed and self.episode_steps == self.raise_at_step:
            deadline = time.monotonic() + 60
            while self.wait_for_files and time.monotonic() < deadline and (
                    not self.files_dir or len(list(Path(self.files_dir).glob("*.traj.zip"))) < self.wait_for_files):
                time.sleep(0.01)
            raise EnvCrash(f"env crash at step {self.episode_steps}; state dump: " + "x" * self.detail_bytes)
        return super().step(action)


for _id, _cls in (("HangingCartPole-v0", HangingCartPoleEnv), ("RaisingCartPole-v0", RaisingCartPoleEnv)):
    if _id not in gym.registry:
        gym.register(_id, entry_point=_cls, max_episode_steps=500)
