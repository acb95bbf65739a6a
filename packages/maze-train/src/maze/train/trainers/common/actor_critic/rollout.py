"""Rollout collection for actor-critic trainers, and Generalized Advantage Estimation.

Collection (this module) and the update (the trainers) are separate steps, as in SB3/Tianshou:
:func:`collect_rollout` steps a vector env with a policy and returns a :class:`RolloutBatch`;
:func:`compute_gae` turns rewards and values into advantages and returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from maze.core.env.structured_env import ActorID
from maze.train.utils.train_utils import to_tensor_dict


def compute_gae(rewards: np.ndarray, values: np.ndarray, next_values: np.ndarray, terminated: np.ndarray,
                truncated: np.ndarray, gamma: float, gae_lambda: float) -> tuple[np.ndarray, np.ndarray]:
    """Generalized Advantage Estimation (Schulman et al. 2016) over a ``(T, n_envs)`` rollout.

    Truncation vs. termination: a *terminated* step has no successor value (the episode really ended); a
    *truncated* step (time limit) bootstraps from the value of its final observation, which the caller puts
    into ``next_values`` at that position. In both cases the advantage does not propagate across the episode
    boundary.

    :param rewards: rewards ``r_t``, shape ``(T, N)``.
    :param values: values ``V(s_t)``, shape ``(T, N)``.
    :param next_values: ``V(s_{t+1})``: the next step's value, the bootstrap value after the last step, or for
        truncated steps the value of the final observation; ignored where ``terminated``.
    :param terminated: terminal flags, shape ``(T, N)``.
    :param truncated: truncation flags, shape ``(T, N)``.
    :param gamma: discount factor.
    :param gae_lambda: GAE lambda (1.0: Monte-Carlo returns, 0.0: one-step TD).
    :return: ``(advantages, returns)`` with ``returns = advantages + values``.
    """
    terminated = terminated.astype(np.float64)
    continues = 1.0 - np.logical_or(terminated > 0, truncated).astype(np.float64)
    deltas = rewards + gamma * next_values * (1.0 - terminated) - values
    advantages = np.empty_like(deltas)
    last = np.zeros(deltas.shape[1:], dtype=deltas.dtype)
    decay = gamma * gae_lambda
    for t in range(deltas.shape[0] - 1, -1, -1):
        last = deltas[t] + decay * continues[t] * last
        advantages[t] = last
    return advantages, advantages + values


@dataclass
class RolloutBatch:
    """A rollout of ``T`` (sub-)steps of ``n_envs`` envs.

    Per step ``t``: the acting actor, observations/actions (dicts of ``(n_envs, ...)`` arrays), log-probs of
    the actions under the behaviour policy, rewards and done flags. ``final_observations`` holds the last
    observation of truncated episodes (for bootstrapping), ``last_observation``/``last_actor_id`` the state
    after the final step.
    """

    actor_ids: list[ActorID] = field(default_factory=list)
    observations: list[dict[str, np.ndarray]] = field(default_factory=list)
    actions: list[dict[str, np.ndarray]] = field(default_factory=list)
    log_probs: list[np.ndarray] = field(default_factory=list)
    rewards: list[np.ndarray] = field(default_factory=list)
    terminated: list[np.ndarray] = field(default_factory=list)
    truncated: list[np.ndarray] = field(default_factory=list)
    #: ``(t, env_index, final observation, actor ID of the final observation)`` for truncated steps
    final_observations: list[tuple[int, int, dict[str, Any], ActorID]] = field(default_factory=list)
    last_observation: dict[str, np.ndarray] | None = None
    last_actor_id: ActorID | None = None
    #: merged critic inputs per step (shared critics of structured envs; None: the observations are used)
    critic_observations: list[dict[str, np.ndarray]] | None = None
    #: merged critic input of every final observation (same order as ``final_observations``)
    final_critic_observations: list[dict[str, np.ndarray]] | None = None
    last_critic_observation: dict[str, np.ndarray] | None = None
    # filled by the trainer
    values: np.ndarray | None = None
    advantages: np.ndarray | None = None
    returns: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.actor_ids)

    @property
    def n_env_steps(self) -> int:
        """Number of env (sub-)steps in the batch (``T * n_envs``)."""
        return len(self.actor_ids) * (len(self.rewards[0]) if self.rewards else 0)

    def groups(self) -> dict[ActorID, list[int]]:
        """Time indices of each actor (sub-step key and agent)."""
        out: dict[ActorID, list[int]] = {}
        for t, aid in enumerate(self.actor_ids):
            out.setdefault(aid, []).append(t)
        return out


class CriticObservationMerger:
    """Builds the input of a shared critic in structured envs: the union of all sub-steps' observation keys.

    Keys of the acting sub-step take the current observation; keys of other sub-steps keep the latest value seen in
    the episode (zeros at episode start), per env. Only used when sub-steps have different observation keys.

    :param n_envs: number of envs.
    :param union_spaces: ``{observation key: space}`` over all sub-steps.
    """

    def __init__(self, n_envs: int, union_spaces: dict[str, Any]) -> None:
        self.union_spaces = dict(union_spaces)
        self.latest = {k: np.zeros((n_envs, *sp.shape), dtype=sp.dtype if sp.dtype is not None else np.float32)
                       for k, sp in self.union_spaces.items()}

    def merge(self, obs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Update with a batched observation and return a copy of the merged batch."""
        for k, v in obs.items():
            if k in self.latest:
                self.latest[k][...] = v
        return {k: v.copy() for k, v in self.latest.items()}

    def merge_single(self, obs: dict[str, Any], env_index: int) -> dict[str, np.ndarray]:
        """Merged observation of one env (e.g. a final observation), without updating the state."""
        out = {k: v[env_index].copy() for k, v in self.latest.items()}
        for k, v in obs.items():
            if k in out:
                out[k][...] = v
        return out

    def reset_envs(self, done: np.ndarray) -> None:
        for v in self.latest.values():
            v[done] = 0


class EpisodeTracker:
    """Per-env episode returns and lengths (vectorised numpy ops, cheap per step); records finished episodes.

    On an episode's end its statistics go into ``aggregator`` (an epoch-level ``LogStatsAggregator``): the episode
    statistics the env reports itself (``info["episode_stats"]`` of a
    :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper`: events, KPIs, rewards per core step), or, for
    envs without them, the return and length as ``BaseEnvEvents.reward`` inputs (the same table rows).

    :param n_envs: number of envs.
    :param aggregator: receives the statistics of finished episodes (``None``: only returns/lengths are kept).
    """

    def __init__(self, n_envs: int, aggregator: Any = None) -> None:
        self.returns = np.zeros(n_envs)
        self.lengths = np.zeros(n_envs, dtype=np.int64)
        self.aggregator = aggregator
        self.finished_returns: list[float] = []
        self.finished_lengths: list[int] = []

    def step(self, rewards: np.ndarray, done: np.ndarray, infos: Any = None, record: np.ndarray | None = None) -> None:
        """Account one vector step.

        :param rewards: rewards of all envs.
        :param done: episode ends (terminated or truncated).
        :param infos: the step's infos (``episode_stats`` of finished episodes are read from them).
        :param record: which finished episodes to record (default: all); the others are only reset.
        """
        self.returns += rewards
        self.lengths += 1
        if done.any():
            for i in np.flatnonzero(done):
                if record is None or record[i]:
                    self._record(int(i), infos)
            self.returns[done] = 0.0
            self.lengths[done] = 0

    def reset(self) -> None:
        """Drop the running episodes (the envs were reset)."""
        self.returns[:] = 0.0
        self.lengths[:] = 0

    def _record(self, i: int, infos: Any) -> None:
        ret, length = float(self.returns[i]), int(self.lengths[i])
        self.finished_returns.append(ret)
        self.finished_lengths.append(length)
        if self.aggregator is None:
            return
        episode_stats = infos[i].get("episode_stats") if infos is not None else None
        if episode_stats:
            self.aggregator.receive(episode_stats)
        else:
            from maze.core.env.base_env_events import BaseEnvEvents

            self.aggregator.add_value(BaseEnvEvents.reward, ret, name="sum")
            self.aggregator.add_value(BaseEnvEvents.reward, length, name="count")

    def pop(self) -> tuple[list[float], list[int]]:
        """Finished episodes since the last call."""
        out = (self.finished_returns, self.finished_lengths)
        self.finished_returns, self.finished_lengths = [], []
        return out


def collect_rollout(env: Any, policy: Any, n_steps: int, observation: dict[str, np.ndarray],
                    tracker: EpisodeTracker | None = None, device: str = "cpu",
                    merger: CriticObservationMerger | None = None) -> RolloutBatch:
    """Step ``env`` (a structured vector env) ``n_steps`` times with ``policy`` (one batched forward per step).

    :param env: the vector env (already reset; ``observation`` is its current batched observation).
    :param policy: a :class:`~maze.train.agent.torch_policy.TorchPolicy`.
    :param n_steps: number of (sub-)steps.
    :param observation: the current batched observation.
    :param tracker: optional episode tracker (returns, lengths and statistics of finished episodes).
    :param device: torch device of the policy.
    :param merger: builds merged critic inputs (shared critics of structured envs with differing sub-step keys).
    :return: the batch; ``batch.last_observation`` is the observation to continue from.
    """
    batch = RolloutBatch()
    if merger is not None:
        batch.critic_observations, batch.final_critic_observations = [], []
    obs = observation
    with torch.no_grad():
        for _ in range(n_steps):
            actor_id = env.actor_id()
            out = policy.compute_substep_policy_output(to_tensor_dict(obs, device), actor_id)
            actions = out.prob_dist.sample()
            log_prob = out.log_probs_for_actions(actions)
            np_actions = {k: v.cpu().numpy() for k, v in actions.items()}
            next_obs, rewards, terminated, truncated, infos = env.step(np_actions)
            t = len(batch.actor_ids)
            batch.actor_ids.append(actor_id)
            batch.observations.append(obs)
            if merger is not None:
                batch.critic_observations.append(merger.merge(obs))  # type: ignore[union-attr]
            batch.actions.append(np_actions)
            batch.log_probs.append(log_prob.cpu().numpy())
            batch.rewards.append(rewards)
            batch.terminated.append(terminated)
            batch.truncated.append(truncated)
            done = terminated | truncated
            if done.any():
                for i in np.flatnonzero(truncated & ~terminated):
                    info = infos[i]
                    batch.final_observations.append((t, int(i), info["final_observation"], info["final_actor_id"]))
                    if merger is not None:
                        batch.final_critic_observations.append(  # type: ignore[union-attr]
                            merger.merge_single(info["final_observation"], int(i)))
                if merger is not None:
                    merger.reset_envs(done)
            if tracker is not None:
                tracker.step(rewards, done, infos)
            obs = next_obs
    batch.last_observation = obs
    batch.last_actor_id = env.actor_id()
    if merger is not None:
        batch.last_critic_observation = merger.merge(obs)
    return batch
