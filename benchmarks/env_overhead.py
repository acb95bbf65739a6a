"""Env-stack overhead: steps/s of CartPole-v1 raw vs. as a MazeEnv vs. with the full monitoring stack.

Configurations (single process, same run, repetitions interleaved, median reported):

* ``raw``: ``gymnasium.make("CartPole-v1")`` (the baseline, ratio 1.0)
* ``maze``: ``GymMazeEnv("CartPole-v1")``
* ``monitoring``: ``LogStatsWrapper(MazeEnvMonitoringWrapper(TimeLimitWrapper(GymMazeEnv), action_logging))``
  — statistics and episode aggregation included (epoch stats are reduced once per repetition)
* ``monitoring_all``: the same with observation, action and reward logging on (informational)

Actions are drawn up front from a seeded RNG, so policy cost is excluded. Prints ratios to ``raw``; no asserts.

Usage: ``python benchmarks/env_overhead.py [--steps N] [--repeats R]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym
import numpy as np

from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.monitoring_wrapper import MazeEnvMonitoringWrapper


def _time_limit(env: GymMazeEnv, max_steps: int):
    """TimeLimitWrapper if available, else gymnasium's TimeLimit on the inner gym env (returns the env to use)."""
    try:
        from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper
    except ImportError:
        env.core_env.env = gym.wrappers.TimeLimit(env.core_env.env, max_episode_steps=max_steps)
        env.core_env._gym_step = env.core_env.env.step
        return env, "gymnasium.wrappers.TimeLimit (fallback)"
    return TimeLimitWrapper.wrap(env, max_episode_steps=max_steps), "TimeLimitWrapper"


def make_envs() -> tuple[dict, str]:
    monitored, tl_name = _time_limit(GymMazeEnv("CartPole-v1"), 500)
    monitored = LogStatsWrapper.wrap(MazeEnvMonitoringWrapper.wrap(monitored, action_logging=True),
                                     logging_prefix="bench")
    monitored_all, _ = _time_limit(GymMazeEnv("CartPole-v1"), 500)
    monitored_all = LogStatsWrapper.wrap(
        MazeEnvMonitoringWrapper.wrap(monitored_all, observation_logging=True, action_logging=True,
                                      reward_logging=True), logging_prefix="bench")
    envs = {
        "raw": gym.make("CartPole-v1"),
        "maze": GymMazeEnv("CartPole-v1"),
        "monitoring": monitored,
        "monitoring_all": monitored_all,
    }
    return envs, tl_name


def run(env, actions: list, seed: int) -> float:
    """Steps/s of ``len(actions)`` steps (resets included)."""
    step, reset = env.step, env.reset
    reset(seed=seed)
    t0 = time.perf_counter()
    for a in actions:
        _, _, terminated, truncated, _ = step(a)
        if terminated or truncated:
            reset()
    if hasattr(env, "write_epoch_stats"):
        env.write_epoch_stats()
    return len(actions) / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000, help="steps per measurement")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repetitions (median is reported)")
    args = parser.parse_args(argv)

    envs, tl_name = make_envs()
    rng = np.random.default_rng(0)
    raw_actions = [int(a) for a in rng.integers(0, 2, size=args.steps)]
    dict_actions = [{"action": a} for a in raw_actions]
    results: dict[str, list[float]] = {name: [] for name in envs}
    for name, env in envs.items():  # warm-up
        run(env, raw_actions[:500] if name == "raw" else dict_actions[:500], seed=0)
    for rep in range(args.repeats):
        for name, env in envs.items():
            results[name].append(run(env, raw_actions if name == "raw" else dict_actions, seed=rep))
    med = {name: statistics.median(v) for name, v in results.items()}
    base = med["raw"]
    print(f"CartPole-v1, {args.steps} steps x {args.repeats} repeats (median); time limit: {tl_name}")
    print(f"{'config':<16}{'steps/s':>12}{'ratio':>8}")
    for name, v in med.items():
        print(f"{name:<16}{v:>12.0f}{v / base:>8.2f}")
    return {name: v / base for name, v in med.items()}


if __name__ == "__main__":
    main()
