"""Rollout collection for actor-critic trainers, and Generalized Advantage Estimation.

Collection (this module) and the update (the trainers) are separate steps, as in SB3/Tianshou:
:func:`collect_rollout` steps a vector env with a policy, batched per acting actor, and returns a
:class:`RolloutBatch`; :func:`link_actor_sequences` and :func:`gae_over_sequences` turn rewards and values into
advantages and returns per agent sequence (:func:`compute_gae` for a single sequence per env).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from maze.core.env.structured_env import ActorID
from maze.train.parallelization.vector_env.vector_env import ActorBatch
from maze.train.utils.train_utils import to_tensor_dict


def compute_gae(rewards: np.ndarray, values: np.ndarray, next_values: np.ndarray, terminated: np.ndarray,
                truncated: np.ndarray, gamma: float, gae_lambda: float) -> tuple[np.ndarray, np.ndarray]:
    """Generalized Advantage Estimation (Schulman et al. 2016) over a ``(T, n_envs)`` rollout of one actor sequence
    per env (flat envs, and structured envs with a single agent).

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
    next_index, _ = link_actor_sequences(np.zeros(rewards.shape, dtype=np.int64), np.logical_or(terminated, truncated))
    return gae_over_sequences(rewards, values, next_values, terminated.astype(bool), next_index, gamma, gae_lambda)


def gae_over_sequences(rewards: np.ndarray, values: np.ndarray, next_values: np.ndarray, terminal: np.ndarray,
                       next_index: np.ndarray, gamma: float, gae_lambda: float) -> tuple[np.ndarray, np.ndarray]:
    """GAE over the agent sequences of a ``(T, n_envs)`` rollout (:func:`link_actor_sequences`).

    Each cell ``(t, i)`` has a successor cell ``(next_index[t, i], i)`` of the same sequence, or none
    (``next_index < 0``: the sequence ends there, by an episode end or the end of the rollout):
    ``δ = r + γ · next_value · (1 − terminal) − V`` and ``A = δ + γλ · A(successor)``.

    :param rewards: the reward of every cell.
    :param values: ``V`` of every cell.
    :param next_values: the successor's value (bootstrap values where a sequence is cut); ignored where ``terminal``.
    :param terminal: the sequence ended with its episode (no successor value).
    :param next_index: the time index of each cell's successor in the same env, or -1.
    :return: ``(advantages, returns)`` with ``returns = advantages + values``.
    """
    T, n_envs = rewards.shape
    deltas = rewards + gamma * next_values * (1.0 - terminal.astype(np.float64)) - values
    advantages = np.zeros((T + 1, n_envs), dtype=deltas.dtype)  # row T: "no successor"
    successor = np.where(next_index < 0, T, next_index)
    cols = np.arange(n_envs)
    decay = gamma * gae_lambda
    for t in range(T - 1, -1, -1):
        advantages[t] = deltas[t] + decay * advantages[successor[t], cols]
    advantages = advantages[:T]
    return advantages, advantages + values


def link_actor_sequences(agent_ids: np.ndarray, done: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Link the cells of a ``(T, n_envs)`` rollout into one sequence per (env, agent) and episode.

    An agent's return is the discounted sum of the rewards *it* receives: its sub-steps (of all sub-step keys) form
    one sequence, with the next step of the same agent in the same env and episode as successor. Single-agent envs
    (flat or hierarchical) have one sequence per env and episode, in step order.

    :param agent_ids: the acting agent of every cell.
    :param done: the episode of the env ended after the cell's step (terminated or truncated).
    :return: ``(next_index, end_step)``: the successor's time index (-1: none), and for cells without a successor
        the step at which their episode ended (``T``: the rollout ended first).
    """
    T, n_envs = agent_ids.shape
    next_index = np.full((T, n_envs), -1, dtype=np.int64)
    end_step = np.full((T, n_envs), T, dtype=np.int64)
    if (agent_ids == agent_ids.flat[0]).all():  # one agent: successor = the next step unless the episode ended
        next_index[:-1] = np.arange(1, T)[:, None]
        next_index[done] = -1
        end_step[done] = np.broadcast_to(np.arange(T)[:, None], (T, n_envs))[done]
        return next_index, end_step
    for i in range(n_envs):
        last: dict[int, int] = {}  # agent → its latest cell in the running episode
        for t in range(T):
            agent = int(agent_ids[t, i])
            if agent in last:
                next_index[last[agent], i] = t
            last[agent] = t
            if done[t, i]:
                for cell in last.values():
                    end_step[cell, i] = t
                last = {}
    return next_index, end_step


@dataclass
class ActorStep:
    """What the envs acting for one actor did in one rollout step.

    :param actor_id: the actor.
    :param env_indices: the envs that acted for it (rows of the arrays below).
    :param observations: their batched observations.
    :param actions: the sampled actions.
    :param log_probs: log-probabilities of the actions under the behaviour policy.
    :param critic_observations: merged critic inputs (shared critics of structured envs; ``None``: the observations).
    """

    actor_id: ActorID
    env_indices: np.ndarray
    observations: dict[str, np.ndarray]
    actions: dict[str, np.ndarray]
    log_probs: np.ndarray
    critic_observations: dict[str, np.ndarray] | None = None


@dataclass
class RolloutBatch:
    """A rollout of ``T`` vector steps of ``n_envs`` envs: every env acts once per step, for its acting actor.

    Per step ``t``: :attr:`steps` ``[t]`` holds one :class:`ActorStep` per acting actor (one in lock-step envs),
    and rewards and done flags are ``(n_envs,)`` arrays. ``final_observations`` holds the last observation of
    truncated episodes (for bootstrapping), ``last_groups`` the observations per actor after the final step.
    """

    steps: list[list[ActorStep]] = field(default_factory=list)
    rewards: list[np.ndarray] = field(default_factory=list)
    terminated: list[np.ndarray] = field(default_factory=list)
    truncated: list[np.ndarray] = field(default_factory=list)
    #: ``(t, env_index, final observation, actor ID of the final observation)`` for truncated steps
    final_observations: list[tuple[int, int, dict[str, Any], ActorID]] = field(default_factory=list)
    #: the observations to continue from, per acting actor
    last_groups: list[ActorBatch] = field(default_factory=list)
    #: merged critic input of every final observation (same order as ``final_observations``; shared critics)
    final_critic_observations: list[dict[str, np.ndarray]] | None = None
    #: merged critic input of every group of ``last_groups`` (shared critics)
    last_critic_observations: list[dict[str, np.ndarray]] | None = None
    # filled by the trainer
    values: np.ndarray | None = None
    advantages: np.ndarray | None = None
    returns: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def n_envs(self) -> int:
        return len(self.rewards[0]) if self.rewards else 0

    @property
    def n_env_steps(self) -> int:
        """Number of env (sub-)steps in the batch (``T * n_envs``)."""
        return len(self.steps) * self.n_envs

    def agent_ids(self) -> np.ndarray:
        """The acting agent of every cell, ``(T, n_envs)``."""
        out = np.zeros((len(self.steps), self.n_envs), dtype=np.int64)
        for t, step in enumerate(self.steps):
            for part in step:
                out[t, part.env_indices] = part.actor_id.agent_id
        return out

    def groups(self) -> dict[ActorID, list[tuple[int, ActorStep]]]:
        """The steps of each actor (sub-step key and agent): ``(t, ActorStep)`` in time order."""
        out: dict[ActorID, list[tuple[int, ActorStep]]] = {}
        for t, step in enumerate(self.steps):
            for part in step:
                out.setdefault(part.actor_id, []).append((t, part))
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

    def merge(self, obs: dict[str, np.ndarray], env_indices: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Update with a batched observation (of all envs, or of ``env_indices``) and return a copy of the merged
        batch of these envs."""
        if env_indices is None or len(env_indices) == len(next(iter(self.latest.values()))):
            for k, v in obs.items():
                if k in self.latest:
                    self.latest[k][...] = v
            return {k: v.copy() for k, v in self.latest.items()}
        for k, v in obs.items():
            if k in self.latest:
                self.latest[k][env_indices] = v
        return {k: v[env_indices] for k, v in self.latest.items()}

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
    """Per-env episode returns and lengths (one numpy op per step); records finished episodes.

    Lengths are not counted per env and step: the tracker counts its vector steps and keeps the count at which each
    env's episode started (:attr:`lengths` is the difference).

    On an episode's end its statistics go into ``aggregator`` (an epoch-level ``LogStatsAggregator``): the episode
    statistics the env reports itself (``info["episode_stats"]`` of a
    :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper`: events, KPIs, rewards per core step), or, for
    envs without them, the return and length as ``BaseEnvEvents.reward`` inputs (the same table rows).

    :param n_envs: number of envs.
    :param aggregator: receives the statistics of finished episodes (``None``: only returns/lengths are kept).
    """

    def __init__(self, n_envs: int, aggregator: Any = None) -> None:
        self.returns = np.zeros(n_envs)
        self.aggregator = aggregator
        self.finished_returns: list[float] = []
        self.finished_lengths: list[int] = []
        self._n_steps = 0  # vector steps accounted so far
        self._episode_starts = np.zeros(n_envs, dtype=np.int64)  # ``_n_steps`` when each env's episode started

    @property
    def lengths(self) -> np.ndarray:
        """The number of steps of each env's running episode (a new array)."""
        return self._n_steps - self._episode_starts

    def step(self, rewards: np.ndarray, done: np.ndarray, infos: Any = None, record: np.ndarray | None = None) -> None:
        """Account one vector step.

        :param rewards: rewards of all envs.
        :param done: episode ends (terminated or truncated).
        :param infos: the step's infos (``episode_stats`` of finished episodes are read from them).
        :param record: which finished episodes to record (default: all); the others are only reset.
        """
        self.returns += rewards
        self._n_steps += 1
        if np.count_nonzero(done):
            lengths = self.lengths
            for i in np.flatnonzero(done).tolist():
                if record is None or record[i]:
                    self._record(i, int(lengths[i]), infos)
            self.returns[done] = 0.0
            self._episode_starts[done] = self._n_steps

    def reset(self) -> None:
        """Drop the running episodes (the envs were reset)."""
        self.returns[:] = 0.0
        self._episode_starts[:] = self._n_steps

    def _record(self, i: int, length: int, infos: Any) -> None:
        ret = float(self.returns[i])
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


def sample_actions(policy: Any, groups: list[ActorBatch], device: str) -> list[tuple[dict[str, np.ndarray], np.ndarray]]:
    """Sample actions (and their log-probabilities) for the observations of every acting actor, with one forward
    pass per policy network: actors that share a network (``policy.network_key``) are batched together.

    :return: ``(actions, log_probs)`` per group, rows in the group's env order.
    """
    if len(groups) == 1:
        return [_sample(policy, groups[0].observations, groups[0].actor_id, device)]
    network_key = getattr(policy, "network_key", None)
    by_network: dict[Any, list[int]] = {}
    for g, group in enumerate(groups):
        key = network_key(group.actor_id) if network_key is not None else group.actor_id
        by_network.setdefault(key, []).append(g)
    out: list[tuple[dict[str, np.ndarray], np.ndarray]] = [None] * len(groups)  # type: ignore[list-item]
    for members in by_network.values():
        if len(members) == 1:
            g = members[0]
            out[g] = _sample(policy, groups[g].observations, groups[g].actor_id, device)
            continue
        first = groups[members[0]]
        obs = {k: np.concatenate([groups[g].observations[k] for g in members]) for k in first.observations}
        actions, log_probs = _sample(policy, obs, first.actor_id, device)
        start = 0
        for g in members:
            stop = start + len(groups[g])
            out[g] = ({k: v[start:stop] for k, v in actions.items()}, log_probs[start:stop])
            start = stop
    return out


def _sample(policy: Any, observations: dict[str, np.ndarray], actor_id: ActorID, device: str
            ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    out = policy.compute_substep_policy_output(to_tensor_dict(observations, device), actor_id)
    actions = out.prob_dist.sample()
    log_prob = out.log_probs_for_actions(actions)
    return {k: v.cpu().numpy() for k, v in actions.items()}, log_prob.cpu().numpy()


def collect_rollout(env: Any, policy: Any, n_steps: int, groups: list[ActorBatch],
                    tracker: EpisodeTracker | None = None, device: str = "cpu",
                    merger: CriticObservationMerger | None = None) -> RolloutBatch:
    """Step ``env`` (a structured vector env) ``n_steps`` times with ``policy``, batched per acting actor (one
    forward pass per policy network per step, :func:`sample_actions`).

    :param env: the vector env (already reset; ``groups`` are its current observations per acting actor).
    :param policy: a :class:`~maze.train.agent.torch_policy.TorchPolicy`.
    :param n_steps: number of vector steps (each env does one (sub-)step per vector step).
    :param groups: the current observations per acting actor (``env.reset_groups()`` or the previous batch's
        ``last_groups``).
    :param tracker: optional episode tracker (returns, lengths and statistics of finished episodes).
    :param device: torch device of the policy.
    :param merger: builds merged critic inputs (shared critics of structured envs with differing sub-step keys).
    :return: the batch; ``batch.last_groups`` are the observations to continue from.
    """
    batch = RolloutBatch()
    if merger is not None:
        batch.final_critic_observations = []
    with torch.no_grad():
        for _ in range(n_steps):
            sampled = sample_actions(policy, groups, device)
            step = [ActorStep(group.actor_id, group.env_indices, group.observations, actions, log_probs,
                              merger.merge(group.observations, group.env_indices) if merger is not None else None)
                    for group, (actions, log_probs) in zip(groups, sampled)]
            next_groups, rewards, terminated, truncated, infos = env.step_groups(
                {part.actor_id: part.actions for part in step})
            t = len(batch.steps)
            batch.steps.append(step)
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
            groups = next_groups
    batch.last_groups = groups
    if merger is not None:
        batch.last_critic_observations = [merger.merge(g.observations, g.env_indices) for g in groups]
    return batch
