"""Image observations through subprocess vector envs: shared memory vs. pickling, measured in one run.

The env (:class:`synthetic_envs.ImageObsEnv`) is CartPole with an 84x84x3 ``uint8`` observation that costs almost
nothing to produce, so moving observations between processes dominates. Configurations (random actions):

* ``maze pickled``: :class:`SubprocVectorEnv` with ``shared_memory=False`` (observations and actions pickled through
  the pipes: the behaviour before shared memory, the baseline of the ratios);
* ``maze shared memory``: the same with ``shared_memory=True``, one worker process per env (both defaults);
* ``maze shared memory, 2 envs per worker``: the same with ``n_workers=n_envs // 2`` (one pipe round trip per
  worker and step instead of per env: fewer messages and process wake-ups, half the parallelism);
* for reference, gymnasium's ``AsyncVectorEnv`` with ``shared_memory`` False and True, and Stable-Baselines3's
  ``SubprocVecEnv`` (observations pickled through duplex ``multiprocessing`` pipes, one worker per env; where SB3 is
  installed).

All vector envs are made first; a round then steps each for ``--seconds``, in turns of ``--slice`` seconds (the
configurations take turns, so load of other processes that changes within a round hits all of them alike; the
idle ones' workers sleep). Columns: the best round's env steps/s and its ratio to the best pickled rate; the median
over the rounds of the ratio to the pickled rate of the same round; the median CPU microseconds per env step of the
vector env's processes (main process and workers; workers from ``/proc``, so on Linux only), a cost that does not
depend on how many cores other processes leave free.

Goal (issue 11): Maze's default configuration (shared memory, one worker per env) >= 2x the pickled throughput.

    python benchmarks/image_obs.py [--n-envs 4] [--seconds 2] [--rounds 3] [--slice 0.25]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import gymnasium as gym
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic_envs import IMAGE_OBS_ID, ImageObsEnv  # noqa: E402

from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv  # noqa: E402

GOAL = 2.0


def worker_cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds of the processes ``pids`` so far (NaN where ``/proc`` is missing)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    try:
        for pid in pids:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return float("nan")
    return total / tick


@dataclass
class Runner:
    """A vector env stepped with random actions, in turns.

    :param env: the vector env (closed by :meth:`close`).
    :param step: steps it with the action of step number ``t``.
    :param worker_pids: its worker processes.
    :param n_envs: envs per step.
    """

    env: Any
    step: Callable[[int], Any]
    worker_pids: list[int]
    n_envs: int
    steps: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    rounds: list[tuple[float, float]] = field(default_factory=list)  # per round: env steps/s, CPU us per env step

    def run(self, seconds: float) -> None:
        """Step for ``seconds``; count steps, time and CPU."""
        workers, main, t0 = worker_cpu_seconds(self.worker_pids), time.process_time(), time.perf_counter()
        steps = 0
        while time.perf_counter() - t0 < seconds:
            self.step(self.steps + steps)
            steps += 1
        self.seconds += time.perf_counter() - t0
        self.cpu += time.process_time() - main + worker_cpu_seconds(self.worker_pids) - workers
        self.steps += steps

    def end_round(self) -> None:
        env_steps = self.steps * self.n_envs
        self.rounds.append((env_steps / self.seconds, self.cpu / env_steps * 1e6))
        self.steps, self.seconds, self.cpu = 0, 0.0, 0.0

    def close(self) -> None:
        self.env.close()


def maze_runner(n_envs: int, shared_memory: bool, n_workers: int | None = None) -> Runner:
    """A Maze :class:`SubprocVectorEnv` of image envs (``n_workers``: worker processes, ``None``: one per env)."""
    env = SubprocVectorEnv([ImageObsEnv] * n_envs, shared_memory=shared_memory, n_workers=n_workers)
    env.seed(0)
    env.reset()
    rng = np.random.default_rng(0)
    actions = [{"action": rng.integers(0, 2, n_envs)} for _ in range(64)]
    obs, *_ = env.step(actions[0])
    assert obs["observation"].shape == (n_envs, 84, 84, 3)
    return Runner(env, lambda t: env.step(actions[t % 64]), [p.pid for p in env.processes], n_envs)


def gym_runner(n_envs: int, shared_memory: bool) -> Runner:
    """Gymnasium's ``AsyncVectorEnv`` of the same env."""
    env = gym.vector.AsyncVectorEnv([lambda: gym.make(IMAGE_OBS_ID)] * n_envs, shared_memory=shared_memory)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    actions = [rng.integers(0, 2, n_envs) for _ in range(64)]
    return Runner(env, lambda t: env.step(actions[t % 64]), [p.pid for p in env.processes], n_envs)


def sb3_runner(n_envs: int) -> Runner:
    """Stable-Baselines3's ``SubprocVecEnv`` of the same env (one worker process per env, pickled messages)."""
    from stable_baselines3.common.vec_env import SubprocVecEnv

    env = SubprocVecEnv([lambda: gym.make(IMAGE_OBS_ID)] * n_envs)
    env.seed(0)
    env.reset()
    rng = np.random.default_rng(0)
    actions = [rng.integers(0, 2, n_envs) for _ in range(64)]
    return Runner(env, lambda t: env.step(actions[t % 64]), [p.pid for p in env.processes], n_envs)


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-envs", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=2.0, help="measured seconds per configuration and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (ratios: per round, then the median)")
    parser.add_argument("--slice", type=float, default=0.25, help="seconds of one turn of a configuration")
    args, ignored = parser.parse_known_args(argv)
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    if args.n_envs < 2:
        parser.error(f"--n-envs={args.n_envs} is invalid: expected an integer >= 2 (2 envs per worker)")
    n_workers = args.n_envs // 2
    default = "maze shared memory"
    chunked = ("maze shared memory, 2 envs per worker" if args.n_envs % 2 == 0 else
               f"maze shared memory, {args.n_envs} envs on {n_workers} workers")
    makers: dict[str, Callable[[], Runner]] = {
        "maze pickled": lambda: maze_runner(args.n_envs, False),
        default: lambda: maze_runner(args.n_envs, True),
        chunked: lambda: maze_runner(args.n_envs, True, n_workers),
        "gymnasium async, pickled": lambda: gym_runner(args.n_envs, False),
        "gymnasium async, shared memory": lambda: gym_runner(args.n_envs, True),
    }
    if importlib.util.find_spec("stable_baselines3") is not None:
        makers["sb3 SubprocVecEnv (pickled)"] = lambda: sb3_runner(args.n_envs)
    runners: dict[str, Runner] = {}
    try:
        for name, make in makers.items():
            runners[name] = make()
        for runner in runners.values():  # warm-up
            runner.run(0.05)
            runner.steps, runner.seconds, runner.cpu = 0, 0.0, 0.0
        turns = max(1, round(args.seconds / args.slice))
        for _ in range(args.rounds):
            for _ in range(turns):
                for runner in runners.values():
                    runner.run(args.seconds / turns)
            for runner in runners.values():
                runner.end_round()
    finally:
        for runner in runners.values():
            runner.close()
    rates = {name: np.array([rate for rate, _ in r.rounds]) for name, r in runners.items()}
    cpu = {name: float(np.median([us for _, us in r.rounds])) for name, r in runners.items()}
    base = rates["maze pickled"]
    print(f"{args.n_envs} envs of {IMAGE_OBS_ID} (84x84x3 uint8) in worker processes, random actions; {args.rounds} "
          f"rounds of {args.seconds:g} s per configuration in turns of {args.seconds / turns:g} s; {os.cpu_count()} "
          f"CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'configuration':<40}{'best steps/s':>13}{'x pickled':>11}{'x per round':>13}{'CPU us/step':>13}")
    for name, rate in rates.items():
        print(f"{name:<40}{rate.max():>13,.0f}{rate.max() / base.max():>11.2f}{np.median(rate / base):>13.2f}"
              f"{cpu[name]:>13.1f}")
    ratio = float(np.median(rates[default] / base))
    print(f"shared memory / pickled with the default configuration ({default}, one worker per env): {ratio:.2f} "
          f"median per round ({rates[default].max() / base.max():.2f} best of rounds), "
          f"{cpu['maze pickled'] / cpu[default]:.2f}x less CPU per env step (goal >= {GOAL}); {chunked}: "
          f"{np.median(rates[chunked] / base):.2f}")
    for name in ("gymnasium async, shared memory", "sb3 SubprocVecEnv (pickled)"):
        if name in rates:
            print(f"{default} / {name}: {np.median(rates[default] / rates[name]):.2f} median per round")
    return ratio


if __name__ == "__main__":
    main()
