"""Env-bound scaling: how close Maze's collection comes to keeping every env worker busy, with an env whose step
costs a set amount of CPU (CartPole dynamics plus busy work, default 1 ms; :mod:`synthetic_envs`).

Measured in one run (env steps/s; a structured step counts each sub-step, as Maze's ``total_env_steps`` does):

* baselines: gymnasium ``SyncVectorEnv`` (1 env) and ``AsyncVectorEnv`` (1 and 2 workers, same-step auto-reset as
  Maze's) with random actions,
  and the same vector envs plus the batched forward pass a PPO collection needs, in plain torch (64x64 tanh MLP as
  ``model=mlp``, categorical sample and log-prob, observations to tensors and actions back to numpy). Like is
  compared with like: the in-process ``runner=dev`` with the sync vector env, worker processes (``runner=local``)
  with the async one of as many workers (a worker process costs a pipe round trip per step, ~0.3 ms here, in
  gymnasium as in Maze);
* Maze PPO collection (``time_rollout`` and ``total_env_steps`` of the trainer's typed epoch statistics) with the
  vector env of ``runner=dev`` (1 env in the main process) and ``runner=local`` (1 and 2 worker processes), on the
  flat and the structured (two sub-steps) env;
* Maze's rollout runners on the flat env with the same (untrained) MLP policy: sequential (1 env) and parallel
  (2 worker processes; start-up is excluded by timing two runs of different lengths).

Goals (issue 11): Maze collection >= 0.9x the vector env plus forward pass, for 1 and 2 workers; rollout runners
>= 0.7x. ``--profile`` profiles the Maze driver (``runner=local``, 2 workers) with pyinstrument (a profiling-only
dependency) and prints the top of the call tree.

    python benchmarks/env_bound.py [--cost-us 1000] [--seconds 1.5] [--rounds 2] [--profile [--profile-seconds 10]]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from typing import Any, Callable

import gymnasium as gym
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic_envs import (  # noqa: E402
    ENV_BOUND_ID,
    FlatEnvBound,
    calibrate_work,
)
from train_cartpole import quiet_progress  # noqa: E402

GOAL_COLLECTION, GOAL_ROLLOUT = 0.9, 0.7


class PlainPolicy(torch.nn.Module):
    """The batched forward pass of the baselines: a 64x64 tanh MLP and a categorical head, in plain torch."""

    def __init__(self, obs_dim: int = 4, n_actions: int = 2, hidden: int = 64) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(obs_dim, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, hidden),
                                       torch.nn.Tanh(), torch.nn.Linear(hidden, n_actions))

    @torch.no_grad()
    def act(self, obs: np.ndarray) -> np.ndarray:
        dist = torch.distributions.Categorical(logits=self.net(torch.as_tensor(obs, dtype=torch.float32)))
        actions = dist.sample()
        dist.log_prob(actions)  # a PPO collection keeps it
        return actions.numpy()


def gym_vector_rate(kind: str, n_envs: int, work: int, seconds: float, policy: PlainPolicy | None) -> float:
    """Env steps/s of a gymnasium vector env (``sync``/``async``), random actions or ``policy``'s."""
    fns = [lambda: gym.make(ENV_BOUND_ID, work_iterations=work)] * n_envs
    # same-step auto-reset, as Maze's vector envs do (gymnasium's default, next-step, spends a whole step on the reset
    # alone after every episode: counted steps without env work, about 4% of this env's)
    same_step = gym.vector.AutoresetMode.SAME_STEP
    env = (gym.vector.SyncVectorEnv(fns, autoreset_mode=same_step) if kind == "sync"
           else gym.vector.AsyncVectorEnv(fns, autoreset_mode=same_step))
    try:
        obs, _ = env.reset(seed=0)
        rng = np.random.default_rng(0)
        for _ in range(20):  # warm-up
            obs, *_ = env.step(rng.integers(0, 2, n_envs))
        steps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            actions = policy.act(obs) if policy is not None else rng.integers(0, 2, n_envs)
            obs, *_ = env.step(actions)
            steps += n_envs
        return steps / (time.perf_counter() - t0)
    finally:
        env.close()


def make_ppo(vector_env: Any, n_rollout_steps: int) -> Any:
    """A Maze PPO trainer with ``model=mlp`` defaults (64x64 tanh); one cheap optimization pass per update."""
    from maze.train.agent.mlp_model_composer import MLPModelComposer
    from maze.train.agent.model_building import build_critic, build_policy
    from maze.train.agent.torch_actor_critic import TorchActorCritic
    from maze.train.trainers.common.trainer import TrainingRun
    from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
    from maze.train.trainers.ppo.ppo_trainer import PPO

    critic = "shared" if len(vector_env.observation_spaces_dict) == 1 else "step"
    composer = MLPModelComposer(vector_env.action_spaces_dict, vector_env.observation_spaces_dict, critic=critic)
    model = TorchActorCritic(build_policy(composer), build_critic(composer))
    cfg = PPOAlgorithmConfig(n_epochs=0, patience=0, epoch_length=2, n_rollout_steps=n_rollout_steps, batch_size=256,
                             n_optimization_epochs=1, rollout_evaluator=None)
    return PPO(cfg, vector_env, model, seed=0, run=TrainingRun(progress_bar=False))


def maze_collection_rate(mode: str, n_envs: int, env_factory: Callable[[], Any], seconds: float,
                         cost_s: float) -> float:
    """Collection env steps/s of Maze PPO from the typed epoch statistics (``time_rollout``, ``total_env_steps``).

    :param mode: ``dev`` (:class:`SequentialVectorEnv`) or ``local`` (:class:`SubprocVectorEnv`), as the runners do.
    """
    from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
    from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv
    from maze.train.trainers.common.actor_critic.actor_critic_events import MultiStepActorCriticEvents

    cls = SequentialVectorEnv if mode == "dev" else SubprocVectorEnv
    env = cls([env_factory] * n_envs, logging_prefix="train")
    try:
        # an epoch (2 updates) lasts about ``seconds / 2``; the first one is a warm-up
        steps_per_env = max(16, int(seconds / 4 / max(cost_s, 1e-5)))
        trainer = make_ppo(env, steps_per_env)
        trainer.train(1)
        t_rollout = steps = 0.0
        for _ in range(2):
            before = trainer.env_steps
            stats = trainer.train(1)
            t_rollout += stats.value("train", MultiStepActorCriticEvents.time_rollout)
            steps += stats.value("train", MultiStepActorCriticEvents.total_env_steps) - before
        return steps / t_rollout
    finally:
        env.close()


def env_factory(structured: bool, work: int) -> Callable[[], Any]:
    """The env factory of the training runners (env config + ``LogStatsWrapper``) for the synthetic env."""
    from maze.train.trainers.common.training_runner import EnvFactory

    target = "synthetic_envs.StructuredEnvBound" if structured else "synthetic_envs.FlatEnvBound"
    return EnvFactory({"_target_": target, "work_iterations": work})


def rollout_runner_rate(kind: str, work: int, policy: Any, seconds: float, cost_s: float) -> tuple[float, float]:
    """Env steps/s of a rollout runner (``sequential`` or ``parallel`` with 2 workers) and the mean episode length.

    The parallel runner's worker start-up is excluded: two runs of different lengths, rate = extra steps / extra
    time.
    """
    from maze.core.rollout.parallel_rollout_runner import ParallelRolloutRunner
    from maze.core.rollout.sequential_rollout_runner import SequentialRolloutRunner

    env_cfg = {"_target_": "synthetic_envs.FlatEnvBound", "work_iterations": work}
    def run(n_episodes: int) -> tuple[int, float]:
        with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()):
            t0 = time.perf_counter()
            if kind == "sequential":
                runner = SequentialRolloutRunner(n_episodes=n_episodes)
                runner.output_dir = out
                results = runner.run_with(FlatEnvBound(work), policy)
                steps = sum(r.steps for r in results)
            else:
                runner = ParallelRolloutRunner(n_processes=2, n_episodes=n_episodes)
                runner.output_dir = out
                steps = sum(r.steps for r in runner.run_with(env_cfg, policy))
            return steps, time.perf_counter() - t0

    workers = 1 if kind == "sequential" else 2
    steps_small, t_small = run(2 * workers)
    mean_length = steps_small / (2 * workers)
    # the parallel runner's rate is a difference of two runs: its long run must dwarf the noise of a start-up
    work_s = seconds if kind == "sequential" else max(4.0, 2 * seconds)
    n_large = max(4 * workers, int(work_s / (mean_length * cost_s) * workers))
    steps_large, t_large = run(n_large)
    if kind == "sequential":
        return steps_large / t_large, steps_large / n_large
    return (steps_large - steps_small) / max(t_large - t_small, 1e-9), steps_large / n_large


def profile_driver(work: int, seconds: float, top_fraction: float) -> str:
    """pyinstrument profile of the Maze driver (PPO collection, ``runner=local``, 2 workers) as text."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "pyinstrument is not installed (pip install -c constraints.txt pyinstrument)"
    from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv

    env = SubprocVectorEnv([env_factory(False, work)] * 2, logging_prefix="train")
    try:
        trainer = make_ppo(env, 256)
        trainer.collect()  # warm-up
        profiler = Profiler(interval=0.0005)
        profiler.start()
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            trainer.collect()
        profiler.stop()
    finally:
        env.close()
    return profiler.output_text(unicode=False, color=False, show_all=False, time="percent_of_total",
                                flat=False) if top_fraction <= 0 else _top_of(profiler, top_fraction)


def _top_of(profiler: Any, min_fraction: float) -> str:
    """The call tree, frames below ``min_fraction`` of the total left out."""
    from pyinstrument.renderers import ConsoleRenderer

    renderer = ConsoleRenderer(unicode=False, color=False, time="percent_of_total",
                               processor_options={"filter_threshold": min_fraction})
    return profiler.output(renderer)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cost-us", type=float, default=1000.0, help="CPU cost of one env step (microseconds)")
    parser.add_argument("--seconds", type=float, default=1.5, help="measured seconds per configuration and round")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (the best is reported)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of the main process")
    parser.add_argument("--profile", action="store_true", help="profile the Maze driver with pyinstrument")
    parser.add_argument("--profile-seconds", type=float, default=10.0)
    parser.add_argument("--skip-rollout-runners", action="store_true")
    args, ignored = parser.parse_known_args(argv)
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    torch.set_num_threads(args.threads)
    torch.distributions.Distribution.set_default_validate_args(False)  # as the training runners do
    torch.manual_seed(0)
    quiet_progress()
    work = calibrate_work(args.cost_us)
    cost_s = args.cost_us * 1e-6
    secs = args.seconds
    print(f"env: {ENV_BOUND_ID} with {work} busy-loop iterations (~{args.cost_us:.0f} us) per step; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")

    plain = PlainPolicy()
    # like for like: in-process envs against gymnasium's sync vector env, worker processes against its async one
    base1, base1w, base2 = "gym sync 1 env + forward", "gym async 1 worker + forward", "gym async 2 workers + forward"
    #: name -> (measurement, name of its baseline or None)
    configs: dict[str, tuple[Callable[[], float], str | None]] = {
        "gym sync 1 env, random": (lambda: gym_vector_rate("sync", 1, work, secs, None), None),
        "gym async 2 workers, random": (lambda: gym_vector_rate("async", 2, work, secs, None), None),
        base1: (lambda: gym_vector_rate("sync", 1, work, secs, plain), None),
        base1w: (lambda: gym_vector_rate("async", 1, work, secs, plain), None),
        base2: (lambda: gym_vector_rate("async", 2, work, secs, plain), None),
    }
    for structured in (False, True):
        factory = env_factory(structured, work)
        for mode, n, base in (("dev", 1, base1), ("local", 1, base1w), ("local", 2, base2)):
            name = f"maze PPO collection {'structured' if structured else 'flat'}, runner={mode}, {n} env{'s' * (n > 1)}"
            configs[name] = (lambda m=mode, k=n, f=factory: maze_collection_rate(m, k, f, secs, cost_s), base)
    lengths: dict[str, float] = {}
    if not args.skip_rollout_runners:
        from maze.train.agent.mlp_model_composer import MLPModelComposer
        from maze.train.agent.model_building import build_policy

        probe = FlatEnvBound(work)
        policy = build_policy(MLPModelComposer(probe.action_spaces_dict, probe.observation_spaces_dict))
        for kind, base in (("sequential", base1), ("parallel", base2)):
            name = f"maze rollout runner {kind}{' (2 workers)' if kind == 'parallel' else ''}"

            def measure(k: str = kind, n: str = name) -> float:
                rate, lengths[n] = rollout_runner_rate(k, work, policy, secs, cost_s)
                return rate

            configs[name] = (measure, base)
    rates = {name: 0.0 for name in configs}
    for _ in range(args.rounds):  # interleaved rounds, the best of each is kept (the machine may be shared)
        for name, (measure, _) in configs.items():
            rates[name] = max(rates[name], measure())

    ratios = {}
    print(f"best of {args.rounds} rounds of {secs:.1f} s; load average now {os.getloadavg()[0]:.1f}")
    print(f"\n{'configuration':<58}{'steps/s':>10}{'ratio':>8}  baseline")
    for name, rate in rates.items():
        base = configs[name][1]
        if base is None:
            print(f"{name:<58}{rate:>10,.0f}")
            continue
        ratios[name] = rate / rates[base]
        goal = GOAL_ROLLOUT if "rollout runner" in name else GOAL_COLLECTION
        print(f"{name:<58}{rate:>10,.0f}{ratios[name]:>8.2f}  {base} (goal >= {goal})")
    for name, length in lengths.items():
        print(f"({name}: mean episode length {length:.0f} steps, untrained policy)")
    if args.profile:
        print(f"\npyinstrument profile of the Maze driver (PPO collection, runner=local, 2 workers, "
              f"{args.profile_seconds:.0f} s; frames >= 1% shown):")
        print(profile_driver(work, args.profile_seconds, 0.01))
    return ratios


if __name__ == "__main__":
    main()
