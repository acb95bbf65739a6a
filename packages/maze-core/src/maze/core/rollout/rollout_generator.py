"""In-process trajectory generation: steps an env (or vector env) with a policy and records spaces records."""

from __future__ import annotations

from typing import Any

from maze.core.trajectory_recording.records.spaces_record import SpacesRecord
from maze.core.trajectory_recording.records.structured_spaces_record import StructuredSpacesRecord
from maze.core.trajectory_recording.records.trajectory_record import SpacesTrajectoryRecord


class RolloutGenerator:
    """Rolls out a policy in an env and records the trajectory as raw observations and actions.

    The env keeps its state between :meth:`rollout` calls (the next call continues the running episode),
    so trainers can collect fixed-length chunks. One :class:`StructuredSpacesRecord` is produced per env
    step: for a structured env, all sub-steps until the env's core step counter advances (or the episode
    ends). Finished episodes are reset automatically on the next step.

    Vector envs (objects with ``n_envs``, as in maze-train) are supported: records are batched, the policy
    receives batched observations, one sub-step per entry of ``action_spaces_dict`` forms a step, and the
    vector env resets finished envs itself.

    :param env: a MazeEnv (possibly wrapped) or a vector env.
    :param record_logits: record action logits; the policy must implement
        ``compute_action_with_logits(observation, actor_id=..., maze_state=..., env=..., deterministic=...)
        -> (action, logits_dict)`` (torch policies in maze-train do).
    :param record_step_stats: attach the env's step statistics (needs a LogStatsWrapper) to each record.
    :param record_episode_stats: attach episode statistics to the record that ends an episode.
    :param record_next_observations: also record the observation after each sub-step.
    :param terminate_on_done: stop the rollout when an episode ends (single envs only).
    """

    def __init__(self, env: Any, record_logits: bool = False, record_step_stats: bool = False,
                 record_episode_stats: bool = False, record_next_observations: bool = False,
                 terminate_on_done: bool = False) -> None:
        self.env = env
        self.is_vectorized = hasattr(env, "n_envs")
        self.record_logits = bool(record_logits)
        self.record_step_stats = bool(record_step_stats)
        self.record_episode_stats = bool(record_episode_stats)
        self.record_next_observations = bool(record_next_observations)
        self.terminate_on_done = bool(terminate_on_done)
        if self.terminate_on_done and self.is_vectorized:
            raise ValueError("terminate_on_done is not supported for vector envs (their envs reset independently)")
        if (self.record_step_stats or self.record_episode_stats) and not hasattr(env, "get_stats"):
            raise ValueError("record_step_stats/record_episode_stats need an env wrapped in a LogStatsWrapper (get_stats)")
        self.step_keys = list(env.action_spaces_dict.keys())
        self.last_observation: Any = None
        self._needs_reset = True
        self.rollout_counter = 0

    def reset(self, seed: int | None = None) -> None:
        """Start a fresh episode on the next :meth:`rollout` (with ``seed`` for single envs)."""
        self._needs_reset = True
        self._seed = seed

    def rollout(self, policy: Any, n_steps: int | None) -> SpacesTrajectoryRecord:
        """Step the env ``n_steps`` times (``None``: until the episode ends; single envs only).

        :return: the recorded trajectory (``id`` counts the rollouts of this generator).
        """
        if n_steps is None and self.is_vectorized:
            raise ValueError("n_steps=None (until done) is not supported for vector envs")
        if n_steps is not None and int(n_steps) < 1:
            raise ValueError(f"n_steps must be >= 1 or None, got {n_steps}")
        record = SpacesTrajectoryRecord(id=self.rollout_counter)
        self.rollout_counter += 1
        if self._needs_reset:
            self._reset_env(policy)
        step = 0
        until_done = n_steps is None
        while until_done or step < n_steps:  # type: ignore[operator]
            step_record = self._step_vectorized(policy) if self.is_vectorized else self._step_single(policy)
            record.step_records.append(step_record)
            step += 1
            if not self.is_vectorized and step_record.is_done():
                self._needs_reset = True
                if self.terminate_on_done or until_done:
                    break
                self._reset_env(policy)
        return record

    # ------------------------------------------------------------------ internals
    def _reset_env(self, policy: Any) -> None:
        seed = getattr(self, "_seed", None)
        self._seed = None
        if self.is_vectorized:
            out = self.env.reset()
            self.last_observation = out[0] if isinstance(out, tuple) else out
        else:
            self.last_observation, _ = self.env.reset(seed=seed)
        if hasattr(policy, "reset"):
            policy.reset()
        self._needs_reset = False

    def _act(self, policy: Any, observation: Any, actor_id: Any) -> tuple[Any, Any]:
        env = None if self.is_vectorized else self.env
        maze_state = env.get_maze_state() if env is not None and policy.needs_state() else None
        kwargs = dict(maze_state=maze_state, env=env if env is not None and policy.needs_env() else None,
                      actor_id=actor_id, deterministic=False)
        if self.record_logits:
            return policy.compute_action_with_logits(observation, **kwargs)
        return policy.compute_action(observation, **kwargs), None

    def _step_single(self, policy: Any) -> StructuredSpacesRecord:
        env = self.env
        step_record = StructuredSpacesRecord()
        env_time = env.get_env_time() if hasattr(env, "get_env_time") else None
        while True:
            actor_id = env.actor_id()
            observation = self.last_observation
            action, logits = self._act(policy, observation, actor_id)
            next_obs, reward, terminated, truncated, info = env.step(action)
            done = bool(terminated or truncated)
            step_record.append(SpacesRecord(
                actor_id=actor_id, observation=observation, action=action, reward=reward, done=done, info=info,
                terminated=bool(terminated), truncated=bool(truncated),
                next_observation=next_obs if self.record_next_observations else None, logits=logits,
            ))
            self.last_observation = next_obs
            if done or env_time is None or env.get_env_time() != env_time:
                break
        self._attach_stats(step_record, done)
        return step_record

    def _step_vectorized(self, policy: Any) -> StructuredSpacesRecord:
        env = self.env
        step_record = StructuredSpacesRecord()
        done = None
        for _ in self.step_keys:
            actor_id = env.actor_id()
            observation = self.last_observation
            action, logits = self._act(policy, observation, actor_id)
            next_obs, reward, terminated, truncated, info = env.step(action)
            done = terminated | truncated
            n = env.n_envs
            step_record.append(SpacesRecord(
                actor_id=actor_id, observation=observation, action=action, reward=reward, done=done, info=info,
                terminated=terminated, truncated=truncated,
                next_observation=next_obs if self.record_next_observations else None, logits=logits,
                batch_shape=(n,),
            ))
            self.last_observation = next_obs
        self._attach_stats(step_record, bool(done is not None and done.any()))
        return step_record

    def _attach_stats(self, step_record: StructuredSpacesRecord, done: bool) -> None:
        if not (self.record_step_stats or self.record_episode_stats):
            return
        from maze.core.log_stats.log_stats_types import LogStatsLevel

        if self.record_step_stats:
            step_record.step_stats = self.env.get_stats(LogStatsLevel.STEP).last_stats
        if self.record_episode_stats and done:
            step_record.episode_stats = self.env.get_stats(LogStatsLevel.EPISODE).last_stats
