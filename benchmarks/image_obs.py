"""Image observations through subprocess vector envs: shared memory vs. pickling, measured in one run.

The env (:class:`synthetic_envs.ImageObsEnv`) is CartPole with an 84x84x3 ``uint8`` observation that costs almost
nothing to produce, so moving observations between processes dominates. Configurations (random actions, env steps/s,
best of ``--rounds`` interleaved rounds):

* ``maze pickled``: :class:`SubprocVectorEnv` with ``shared_memory=False`` (observations pickled through the pipes:
  the behaviour before shared memory, the baseline of the ratio);
* ``maze shared memory``: the same with ``shared_memory=True`` (the default), one worker process per env;
* ``maze shared memory, 2 envs per worker``: the same with ``n_workers=n_envs // 2`` (one pipe round trip per
  worker and step instead of per env: fewer messages and process wake-ups, half the parallelism);
* for reference, gymnasium's ``AsyncVectorEnv`` with ``shared_memory`` False and True.

Goal (issue 11): shared memory >= 2x the pickled throughput; the goal line names the best shared-memory
configuration of Maze's and its ratio.

    python benchmarks/image_obs.py [--n-envs 4] [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Callable

import gymnasium as gym
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic_envs import IMAGE_OBS_ID, ImageObsEnv  # noqa: E402

from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv  # noqa: E402

GOAL = 2.0


def maze_rate(n_envs: int, shared_memory: bool, seconds: float, n_workers: int | None = None) -> float:
    """Env steps/s of a Maze :class:`SubprocVectorEnv` of image envs with random actions (``n_workers``: worker
    processes, ``None``: one per env)."""
    env = SubprocVectorEnv([ImageObsEnv] * n_envs, shared_memory=shared_memory, n_workers=n_workers)
    try:
        env.seed(0)
        env.reset()
        rng = np.random.default_rng(0)
        actions = [{"action": rng.integers(0, 2, n_envs)} for _ in range(64)]
        for a in actions[:10]:  # warm-up
            env.step(a)
        steps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            obs, *_ = env.step(actions[steps % 64])
            steps += 1
        assert obs["observation"].shape == (n_envs, 84, 84, 3)
        return steps * n_envs / (time.perf_counter() - t0)
    finally:
        env.close()


def gym_rate(n_envs: int, shared_memory: bool, seconds: float) -> float:
    """Env steps/s of gymnasium's ``AsyncVectorEnv`` of the same env with random actions."""
    env = gym.vector.AsyncVectorEnv([lambda: gym.make(IMAGE_OBS_ID)] * n_envs, shared_memory=shared_memory)
    try:
        env.reset(seed=0)
        rng = np.random.default_rng(0)
        actions = [rng.integers(0, 2, n_envs) for _ in range(64)]
        for a in actions[:10]:
            env.step(a)
        steps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            env.step(actions[steps % 64])
            steps += 1
        return steps * n_envs / (time.perf_counter() - t0)
    finally:
        env.close()


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-envs", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=2.0, help="measured seconds per configuration and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (the best is reported)")
    args, ignored = parser.parse_known_args(argv)
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    if args.n_envs < 2:
        parser.error(f"--n-envs={args.n_envs} is invalid: expected an integer >= 2 (2 envs per worker)")
    n_workers = args.n_envs // 2
    chunked = ("maze shared memory, 2 envs per worker" if args.n_envs % 2 == 0 else
               f"maze shared memory, {args.n_envs} envs on {n_workers} workers")
    maze_shared = {
        "maze shared memory": lambda: maze_rate(args.n_envs, True, args.seconds),
        chunked: lambda: maze_rate(args.n_envs, True, args.seconds, n_workers),
    }
    configs: dict[str, Callable[[], float]] = {
        "maze pickled": lambda: maze_rate(args.n_envs, False, args.seconds),
        **maze_shared,
        "gymnasium async, pickled": lambda: gym_rate(args.n_envs, False, args.seconds),
        "gymnasium async, shared memory": lambda: gym_rate(args.n_envs, True, args.seconds),
    }
    best = {name: 0.0 for name in configs}
    for _ in range(args.rounds):
        for name, fn in configs.items():
            best[name] = max(best[name], fn())
    base = best["maze pickled"]
    print(f"{args.n_envs} envs of {IMAGE_OBS_ID} (84x84x3 uint8) in worker processes, random actions; best of "
          f"{args.rounds} rounds; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'configuration':<40}{'steps/s':>10}{'x maze pickled':>16}")
    for name, rate in best.items():
        print(f"{name:<40}{rate:>10,.0f}{rate / base:>16.2f}")
    winner = max(maze_shared, key=best.__getitem__)
    ratio = best[winner] / base
    others = ", ".join(f"{name}: {best[name] / base:.2f}" for name in maze_shared if name != winner)
    print(f"shared memory / pickled: {ratio:.2f} with the best Maze shared-memory configuration ({winner}; {others}) "
          f"(goal >= {GOAL})")
    return ratio


if __name__ == "__main__":
    main()
