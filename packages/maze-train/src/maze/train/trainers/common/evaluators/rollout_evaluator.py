"""Evaluation by rollouts on a (vector) eval env."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from maze.core.log_stats.log_stats import LogStats, LogStatsAggregator, LogStatsLevel
from maze.train.trainers.common.actor_critic.rollout import EpisodeTracker
from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.model_selection_base import ModelSelectionBase


class RolloutEvaluator(Evaluator):
    """Runs ``n_episodes`` episodes on the eval env and reports their mean return.

    Episodes are spread over the envs of the (vector) eval env; the policy is queried once per step and acting
    actor (envs at different sub-steps or agents are batched per actor). The eval env is re-seeded with the same seeds before every evaluation, so evaluations of different
    epochs see the same episodes. Statistics: the envs' episode statistics (``BaseEnvEvents`` reward and KPIs, env
    events) of the evaluated episodes.

    :param eval_env: a vector env (the training runner sets it when the config leaves it out).
    :param n_episodes: number of evaluation episodes.
    :param model_selection: notified with the mean return (e.g. :class:`BestModelSelection`).
    :param deterministic: act with the most likely action (arg-max) instead of sampling.
    :param seeds: env seeds (one per env or a base seed); None: seeds are drawn once on first use.
    :param max_episode_steps: cut evaluation episodes after this many (sub-)steps (0: no limit).
    """

    def __init__(self, eval_env: Any = None, n_episodes: int = 8, model_selection: ModelSelectionBase | None = None,
                 deterministic: bool = True, seeds: int | Sequence[int] | None = None, max_episode_steps: int = 0) -> None:
        if isinstance(n_episodes, bool) or not isinstance(n_episodes, int) or n_episodes < 1:
            raise ValueError(f"RolloutEvaluator.n_episodes = {n_episodes!r} is invalid: expected an integer >= 1")
        self.eval_env = eval_env
        self.n_episodes = int(n_episodes)
        self.model_selection = model_selection
        self.deterministic = bool(deterministic)
        self.seeds = seeds
        self.max_episode_steps = int(max_episode_steps or 0)
        self.last_returns: list[float] = []
        #: epoch-level aggregator of the evaluation statistics (keeps cumulative counts across evaluations)
        self.aggregator = LogStatsAggregator(LogStatsLevel.EPOCH)

    def evaluate(self, policy: Any) -> LogStats:
        """Run the episodes; returns their statistics (``BaseEnvEvents.reward`` mean/std/..., KPIs, env events)."""
        if self.eval_env is None:
            raise ValueError("RolloutEvaluator has no eval_env; pass one or let the training runner create it")
        env = self.eval_env
        n_envs = env.n_envs
        if self.seeds is None:
            self.seeds = [int(s) for s in np.random.randint(0, 2**31 - 1, size=n_envs)]
        env.seed(self.seeds)
        quota = np.full(n_envs, self.n_episodes // n_envs)
        quota[: self.n_episodes % n_envs] += 1
        done_count = np.zeros(n_envs, dtype=np.int64)
        tracker = EpisodeTracker(n_envs, self.aggregator)
        was_training = getattr(policy, "networks", None) is not None
        if was_training:
            policy.eval()
        groups = env.reset_groups()
        try:
            while (done_count < quota).any():
                actions = {group.actor_id: policy.compute_actions_batched(group.observations, group.actor_id,
                                                                          deterministic=self.deterministic)
                           for group in groups}
                groups, rewards, terminated, truncated, infos = env.step_groups(actions)
                done = terminated | truncated
                cut = np.zeros_like(done)
                if self.max_episode_steps:
                    cut = (tracker.lengths + 1 >= self.max_episode_steps) & ~done
                    done = done | cut
                record = done & (done_count < quota)
                tracker.step(rewards, done, infos, record=record)
                done_count += record
                if cut.any():
                    # an episode was cut by max_episode_steps: restart all envs (unfinished episodes are dropped)
                    groups = env.reset_groups()
                    tracker.reset()
        finally:
            if was_training:
                policy.train()
        returns, _ = tracker.pop()
        self.last_returns = returns
        stats = self.aggregator.reduce()
        if self.model_selection is not None:
            self.model_selection.update(float(np.mean(returns)))
        return stats
