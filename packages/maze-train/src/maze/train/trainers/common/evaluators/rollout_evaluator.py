"""Evaluation by rollouts on a (vector) eval env."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.model_selection_base import ModelSelectionBase


def episode_stats(returns: Sequence[float], lengths: Sequence[int], prefix: str) -> dict[str, float]:
    """Reward statistics of finished episodes under ``<prefix>_BaseEnvEvents/reward/...``."""
    if not returns:
        return {}
    r = np.asarray(returns, dtype=np.float64)
    n = np.asarray(lengths, dtype=np.float64)
    base = f"{prefix}_BaseEnvEvents/reward"
    return {
        f"{base}/mean": float(r.mean()),
        f"{base}/std": float(r.std()),
        f"{base}/min": float(r.min()),
        f"{base}/max": float(r.max()),
        f"{base}/episode_count": float(len(r)),
        f"{base}/mean_step_count": float(n.mean()),
        f"{base}/median_step_count": float(np.median(n)),
        f"{base}/total_step_count": float(n.sum()),
    }


class RolloutEvaluator(Evaluator):
    """Runs ``n_episodes`` episodes on the eval env and reports their mean return.

    Episodes are spread over the envs of the (vector) eval env; the policy is queried once per step for all
    envs. The eval env is re-seeded with the same seeds before every evaluation, so evaluations of different
    epochs see the same episodes.

    :param eval_env: a vector env (the training runner sets it when the config leaves it out).
    :param n_episodes: number of evaluation episodes.
    :param model_selection: notified with the mean return (e.g. :class:`BestModelSelection`).
    :param deterministic: act with the most likely action (arg-max) instead of sampling.
    :param seeds: env seeds (one per env or a base seed); None: seeds are drawn once on first use.
    :param max_episode_steps: cut evaluation episodes after this many (sub-)steps (0: no limit).
    """

    def __init__(self, eval_env: Any = None, n_episodes: int = 8, model_selection: ModelSelectionBase | None = None,
                 deterministic: bool = True, seeds: int | Sequence[int] | None = None, max_episode_steps: int = 0) -> None:
        if int(n_episodes) < 1:
            raise ValueError(f"RolloutEvaluator.n_episodes must be >= 1, got {n_episodes}")
        self.eval_env = eval_env
        self.n_episodes = int(n_episodes)
        self.model_selection = model_selection
        self.deterministic = bool(deterministic)
        self.seeds = seeds
        self.max_episode_steps = int(max_episode_steps or 0)
        self.last_returns: list[float] = []

    def evaluate(self, policy: Any) -> dict[str, float]:
        """Run the episodes; returns ``eval_BaseEnvEvents/reward/...`` statistics."""
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
        ep_ret = np.zeros(n_envs)
        ep_len = np.zeros(n_envs, dtype=np.int64)
        returns: list[float] = []
        lengths: list[int] = []
        was_training = getattr(policy, "networks", None) is not None
        if was_training:
            policy.eval()
        from maze.train.trainers.common.actor_critic.rollout import EnvStatsCollector

        env_stats = EnvStatsCollector()
        obs = env.reset()
        try:
            while (done_count < quota).any():
                actions = policy.compute_actions_batched(obs, env.actor_id(), deterministic=self.deterministic)
                obs, rewards, terminated, truncated, infos = env.step(actions)
                ep_ret += rewards
                ep_len += 1
                done = terminated | truncated
                if self.max_episode_steps:
                    done |= ep_len >= self.max_episode_steps
                for i in np.flatnonzero(done):
                    if done_count[i] < quota[i]:
                        returns.append(float(ep_ret[i]))
                        lengths.append(int(ep_len[i]))
                        done_count[i] += 1
                        env_stats.add(infos, [i])
                    ep_ret[i] = 0.0
                    ep_len[i] = 0
                if self.max_episode_steps and (done & ~(terminated | truncated)).any():
                    # an episode was cut by max_episode_steps: restart all envs (unfinished episodes are dropped)
                    obs = env.reset()
                    ep_ret[:] = 0.0
                    ep_len[:] = 0
        finally:
            if was_training:
                policy.train()
        self.last_returns = returns
        stats = episode_stats(returns, lengths, "eval")
        stats.update(env_stats.pop("eval"))
        if self.model_selection is not None:
            self.model_selection.update(float(np.mean(returns)))
        return stats
