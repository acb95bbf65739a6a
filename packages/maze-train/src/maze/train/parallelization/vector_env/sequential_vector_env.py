"""All envs in the main process, stepped one after the other (the ``dev`` run mode)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from maze.core.env.structured_env import ActorID
from maze.train.parallelization.vector_env.vector_env import (
    ActorBatch,
    EnvFactory,
    GroupedActions,
    StructuredVectorEnv,
    VectorEnvError,
    VectorStep,
    group_by_actor,
    per_env_actions,
    stack_groups,
    step_with_auto_reset,
)


class SequentialVectorEnv(StructuredVectorEnv):
    """Vector env whose envs live in this process (no IPC; best for cheap envs like CartPole).

    :param env_factories: one callable per env returning a (possibly wrapped) MazeEnv.
    :param logging_prefix: statistics prefix (``"train"``/``"eval"``).
    """

    def __init__(self, env_factories: Sequence[EnvFactory], logging_prefix: str | None = None) -> None:
        super().__init__(len(env_factories), logging_prefix)
        self.envs = []
        for i, factory in enumerate(env_factories):
            try:
                self.envs.append(factory())
            except Exception as exc:
                raise VectorEnvError(f"creating env {i} of {type(self).__name__} failed: {exc!r}") from exc
        self._actor_ids = [ActorID(0, 0)] * self.n_envs
        self._rewards = np.zeros(self.n_envs, dtype=np.float64)
        self._terminated = np.zeros(self.n_envs, dtype=bool)
        self._truncated = np.zeros(self.n_envs, dtype=bool)
        self._obs: list[dict[str, Any]] = [None] * self.n_envs  # type: ignore[list-item]
        self._all_envs = np.arange(self.n_envs)
        self._groups = group_by_actor(self._actor_ids, self._all_envs)

    def reset_groups(self) -> list[ActorBatch]:
        seeds = self._take_seeds()
        for i, env in enumerate(self.envs):
            self._obs[i], _ = env.reset(seed=seeds[i])
            self._actor_ids[i] = env.actor_id()
        self._groups = group_by_actor(self._actor_ids, self._all_envs)
        return stack_groups(self._obs, self._groups)

    def step_groups(self, actions: GroupedActions) -> VectorStep:
        per_env = per_env_actions(actions, self._groups, self.n_envs)
        infos: list[dict] = []
        rewards, terminated, truncated = self._rewards, self._terminated, self._truncated
        for i, env in enumerate(self.envs):
            obs, rew, term, trunc, info = step_with_auto_reset(env, per_env[i])
            rewards[i] = rew
            terminated[i] = term
            truncated[i] = trunc
            self._obs[i] = obs
            self._actor_ids[i] = env.actor_id()
            infos.append(info)
        self._groups = group_by_actor(self._actor_ids, self._all_envs)
        return stack_groups(self._obs, self._groups), rewards.copy(), terminated.copy(), truncated.copy(), infos

    def close(self) -> None:
        for env in self.envs:
            env.close()

    @property
    def action_spaces_dict(self) -> dict:
        return self.envs[0].action_spaces_dict

    @property
    def observation_spaces_dict(self) -> dict:
        return self.envs[0].observation_spaces_dict

    @property
    def agent_counts_dict(self) -> dict:
        return self.envs[0].agent_counts_dict

    def call_env(self, index: int, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the method ``name`` of env ``index`` (in this process) and return the result."""
        if not 0 <= index < self.n_envs:
            raise IndexError(f"env index {index} out of range for {self.n_envs} envs")
        return getattr(self.envs[index], name)(*args, **kwargs)
