"""Benchmark: Maze PPO vs. Stable-Baselines3 PPO on CartPole-v1 (same machine, same run).

Both use RL-Zoo's CartPole-v1 PPO settings (8 envs x 32 steps, batch 256, 20 epochs, gamma 0.98, GAE lambda 0.8,
linear lr 1e-3 -> 0 and clip 0.2 -> 0 over the budget, no entropy bonus, 64x64 tanh MLPs for policy and value,
grad-norm clip 0.5) and the same env-step budget (default 50k). Every ``--eval-every`` env steps the training
clock is paused and the deterministic policy is evaluated on 5 fixed-seed episodes; the benchmark reports the
training wall seconds and env steps until the mean evaluation return first reaches 475, and their ratio
(Maze / SB3), plus training throughput (env steps/s including updates) and its ratio to raw env stepping.

The runs of this module (:func:`run_maze`, :func:`run_sb3`, for PPO and A2C with :data:`SETTINGS`) are shared
with ``floor_ppo.py``, which adds a minimal plain-torch loop as the floor, and ``learning_seeds.py`` (time-to-475 over
seeds, with :class:`LearningSummary`).

Run: ``/work/venv/bin/python benchmarks/train_cartpole.py [--seeds 3] [--budget 50000]``
(Stable-Baselines3 is a benchmark-only dependency: ``pip install -c constraints.txt stable-baselines3``).
"""

from __future__ import annotations

import argparse
import logging
import math
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import gymnasium as gym
import numpy as np
import torch

TARGET = 475.0
EVAL_SEEDS = [10_000 + i for i in range(5)]


@dataclass(frozen=True)
class Settings:
    """Hyper-parameters every implementation of one algorithm uses (Maze, SB3, the floor loop)."""

    n_envs: int
    n_steps: int
    lr: float
    gamma: float
    gae_lambda: float
    max_grad_norm: float = 0.5
    value_coef: float = 0.5
    #: PPO only
    batch_size: int = 0
    n_epochs: int = 0
    clip: float = 0.0

    @property
    def steps_per_update(self) -> int:
        return self.n_envs * self.n_steps


#: PPO: RL-Zoo's CartPole-v1 settings (linear lr and clip schedules); A2C: 8 envs x 8 steps, constant lr, Adam
SETTINGS = {
    "ppo": Settings(n_envs=8, n_steps=32, lr=1e-3, gamma=0.98, gae_lambda=0.8, batch_size=256, n_epochs=20, clip=0.2),
    "a2c": Settings(n_envs=8, n_steps=8, lr=1e-3, gamma=0.99, gae_lambda=1.0),
}
# the PPO constants under their previous names
N_ENVS, N_STEPS, BATCH, N_EPOCHS = 8, 32, 256, 20
GAMMA, LAMBDA, LR, CLIP = 0.98, 0.8, 1e-3, 0.2


def evaluate(act: Callable[[np.ndarray], int], n_episodes: int = 5) -> float:
    """Mean return of ``act(obs) -> int`` over fixed-seed CartPole-v1 episodes."""
    env = gym.make("CartPole-v1")
    returns = []
    for seed in EVAL_SEEDS[:n_episodes]:
        obs, _ = env.reset(seed=seed)
        done, total = False, 0.0
        while not done:
            obs, r, term, trunc, _ = env.step(act(obs))
            total += r
            done = term or trunc
        returns.append(total)
    return float(np.mean(returns))


class TrainingClock:
    """Training wall time with evaluations excluded; records when the evaluation first reaches :data:`TARGET`.

    :param eval_every: env steps between evaluations.
    :param stop_at_target: :meth:`done` turns true once the target is reached (saves time in short modes).
    """

    def __init__(self, eval_every: int, stop_at_target: bool = False) -> None:
        self.eval_every, self.stop_at_target = eval_every, stop_at_target
        self.train_time, self.next_eval = 0.0, eval_every
        self.reached: tuple[float, int] | None = None
        self.evals: list[tuple[int, float, float]] = []
        self._t0 = time.perf_counter()

    def start(self) -> None:
        self._t0 = time.perf_counter()

    def pause(self, env_steps: int, act: Callable[[np.ndarray], int]) -> None:
        """Stop the clock; evaluate ``act`` if ``env_steps`` reached the next evaluation point."""
        self.train_time += time.perf_counter() - self._t0
        if env_steps >= self.next_eval:
            self.next_eval += self.eval_every
            score = evaluate(act)
            self.evals.append((env_steps, round(self.train_time, 2), score))
            if self.reached is None and score >= TARGET:
                self.reached = (self.train_time, env_steps)

    def done(self) -> bool:
        return self.stop_at_target and self.reached is not None

    def result(self, steps: int) -> dict:
        return {"reached": self.reached, "train_time": self.train_time, "steps": steps, "evals": self.evals}


@dataclass(frozen=True)
class LearningSummary:
    """Time-to-target of one framework over seeds; a run that never reached the target counts as infinitely slow
    (so a median or quartile that falls on unreached runs reads "not reached", never a too-good number).

    :param times: training wall seconds until the target, per seed (``inf``: not reached within the budget).
    :param steps: env steps until the target, per seed (``inf``: not reached).
    """

    times: tuple[float, ...]
    steps: tuple[float, ...]

    @classmethod
    def of(cls, reached: Sequence[tuple[float, int] | None]) -> LearningSummary:
        """From the ``reached`` entries of the runs' results (``(train seconds, env steps)`` or ``None``)."""
        if not reached:
            raise ValueError("LearningSummary needs the results of at least one run")
        return cls(tuple(math.inf if r is None else float(r[0]) for r in reached),
                   tuple(math.inf if r is None else float(r[1]) for r in reached))

    @property
    def n(self) -> int:
        return len(self.times)

    @property
    def successes(self) -> int:
        return sum(not math.isinf(t) for t in self.times)

    @property
    def median_time(self) -> float:
        return statistics.median(self.times)

    @property
    def median_steps(self) -> float:
        return statistics.median(self.steps)

    @staticmethod
    def _quartiles(values: Sequence[float]) -> tuple[float, float]:
        # "nearest": a quartile is one of the runs (no inf - inf interpolation between unreached runs)
        q1, q3 = np.percentile(values, [25, 75], method="nearest")
        return float(q1), float(q3)

    @property
    def time_iqr(self) -> tuple[float, float]:
        """First and third quartile of the times."""
        return self._quartiles(self.times)

    @property
    def steps_iqr(self) -> tuple[float, float]:
        """First and third quartile of the env steps."""
        return self._quartiles(self.steps)


def ratio_of(a: float, b: float) -> float:
    """``a / b``; NaN where either did not reach the target (a ratio to an unreached run says nothing)."""
    return math.nan if math.isinf(a) or math.isinf(b) else a / b


def quiet_progress() -> None:
    """Silence the trainers' progress log lines (the benchmarks print their own results)."""
    logging.getLogger("maze.core.utils.progress").setLevel(logging.WARNING)


def raw_env_rate(n_steps: int = 20_000) -> float:
    """Env steps/s of 8 raw gymnasium CartPole envs stepped with random actions (the stepping baseline)."""
    envs = [gym.make("CartPole-v1") for _ in range(N_ENVS)]
    for i, e in enumerate(envs):
        e.reset(seed=i)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for _ in range(n_steps // N_ENVS):
        for e, a in zip(envs, rng.integers(0, 2, N_ENVS)):
            _, _, term, trunc, _ = e.step(int(a))
            if term or trunc:
                e.reset()
    return n_steps / (time.perf_counter() - t0)


def run_maze(seed: int, budget: int, eval_every: int, algorithm: str = "ppo", stop_at_target: bool = False) -> dict:
    """Train Maze's PPO/A2C (``model=mlp``: 64x64 tanh, ``runner=dev``'s sequential vector env) epoch by epoch
    through ``Trainer.train``; one epoch = ``eval_every`` env steps, evaluated with the clock paused."""
    from maze.core.env.structured_env import ActorID
    from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
    from maze.train.agent.mlp_model_composer import MLPModelComposer
    from maze.train.agent.model_building import build_critic, build_policy
    from maze.train.agent.torch_actor_critic import TorchActorCritic
    from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
    from maze.train.trainers.a2c.a2c_algorithm_config import A2CAlgorithmConfig
    from maze.train.trainers.a2c.a2c_trainer import A2C
    from maze.train.trainers.common.trainer import TrainingRun
    from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
    from maze.train.trainers.ppo.ppo_trainer import PPO

    s = SETTINGS[algorithm]
    quiet_progress()
    torch.manual_seed(seed)
    torch.distributions.Distribution.set_default_validate_args(False)  # as the training runners do
    env = SequentialVectorEnv([lambda: GymMazeEnv("CartPole-v1")] * s.n_envs)
    composer = MLPModelComposer(env.action_spaces_dict, env.observation_spaces_dict, hidden_units=(64, 64))
    model = TorchActorCritic(build_policy(composer), build_critic(composer))
    updates_per_epoch = max(1, eval_every // s.steps_per_update)
    n_epochs = -(-budget // (updates_per_epoch * s.steps_per_update))
    common = dict(n_epochs=n_epochs, epoch_length=updates_per_epoch, patience=0, n_rollout_steps=s.n_steps, lr=s.lr,
                  gamma=s.gamma, gae_lambda=s.gae_lambda, entropy_coef=0.0, value_loss_coef=s.value_coef,
                  max_grad_norm=s.max_grad_norm, rollout_evaluator=None)
    if algorithm == "ppo":
        cfg = PPOAlgorithmConfig(**common, lr_schedule="linear", batch_size=s.batch_size, n_optimization_epochs=s.n_epochs,
                                 clip_range=s.clip, clip_range_schedule="linear")
        trainer = PPO(cfg, env, model, seed=seed, run=TrainingRun(progress_bar=False))
    else:
        trainer = A2C(A2CAlgorithmConfig(**common), env, model, seed=seed, run=TrainingRun(progress_bar=False))
    policy = model.policy

    def act(obs: np.ndarray) -> int:
        return int(policy.compute_action({"observation": obs}, actor_id=ActorID(0, 0), deterministic=True)["action"])

    clock = TrainingClock(updates_per_epoch * s.steps_per_update, stop_at_target)
    while trainer.epoch < n_epochs and not clock.done():
        clock.start()
        trainer.train(1)
        clock.pause(trainer.env_steps, act)
    env.close()
    return clock.result(trainer.env_steps)


def run_sb3(seed: int, budget: int, eval_every: int, algorithm: str = "ppo", stop_at_target: bool = False) -> dict:
    """Train SB3's PPO/A2C (``MlpPolicy``: 64x64 tanh, ``DummyVecEnv``); A2C with Adam (eps 1e-5) and normalized
    advantages, as Maze's."""
    from stable_baselines3 import A2C as SB3A2C
    from stable_baselines3 import PPO as SB3PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env

    s = SETTINGS[algorithm]

    def linear(start: float):
        return lambda progress_remaining: progress_remaining * start

    class Clock(BaseCallback):
        def __init__(self) -> None:
            super().__init__()
            self.clock = TrainingClock(eval_every, stop_at_target)

        def _on_training_start(self) -> None:
            self.clock.start()

        def _on_step(self) -> bool:
            return True

        def _on_rollout_start(self) -> None:
            # called after the previous update: check/evaluate with the clock paused
            self.clock.pause(self.num_timesteps, lambda obs: int(self.model.predict(obs, deterministic=True)[0]))
            self.clock.start()

        def _on_training_end(self) -> None:
            self.clock.pause(self.num_timesteps, lambda obs: int(self.model.predict(obs, deterministic=True)[0]))

    class StopAtTarget(Clock):
        def _on_step(self) -> bool:
            return not self.clock.done()

    env = make_vec_env("CartPole-v1", n_envs=s.n_envs, seed=seed)
    if algorithm == "ppo":
        model = SB3PPO("MlpPolicy", env, n_steps=s.n_steps, batch_size=s.batch_size, n_epochs=s.n_epochs, gamma=s.gamma,
                       gae_lambda=s.gae_lambda, learning_rate=linear(s.lr), clip_range=linear(s.clip), ent_coef=0.0,
                       vf_coef=s.value_coef, max_grad_norm=s.max_grad_norm, seed=seed, device="cpu", verbose=0)
    else:
        model = SB3A2C("MlpPolicy", env, n_steps=s.n_steps, gamma=s.gamma, gae_lambda=s.gae_lambda, learning_rate=s.lr,
                       ent_coef=0.0, vf_coef=s.value_coef, max_grad_norm=s.max_grad_norm, normalize_advantage=True,
                       policy_kwargs={"optimizer_class": torch.optim.Adam, "optimizer_kwargs": {"eps": 1e-5}},
                       seed=seed, device="cpu", verbose=0)
    callback = StopAtTarget() if stop_at_target else Clock()
    model.learn(total_timesteps=budget, callback=callback)
    env.close()
    return callback.clock.result(model.num_timesteps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (seeds first-seed, first-seed + 1, ...)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--budget", type=int, default=50_000)
    parser.add_argument("--eval-every", type=int, default=2048)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args, ignored = parser.parse_known_args()
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    torch.set_num_threads(args.threads)

    raw = raw_env_rate()
    print(f"raw env stepping (8 gymnasium CartPole-v1, random actions): {raw:,.0f} steps/s")
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        result = {"maze": run_maze(seed, args.budget, args.eval_every), "sb3": run_sb3(seed, args.budget, args.eval_every)}
        for name in ("maze", "sb3"):
            r = result[name]
            reached = f"{r['reached'][0]:6.2f} s / {r['reached'][1]:6d} steps" if r["reached"] else "not reached"
            rate = r["steps"] / r["train_time"]
            print(f"seed {seed} {name:4s}: 475 after {reached}; throughput {rate:,.0f} env steps/s "
                  f"({rate / raw:.2f} x raw stepping)")
            if args.verbose:
                print("    evals (steps, train s, mean return):", r["evals"])
        rows.append(result)

    ratios = [r["maze"]["reached"][0] / r["sb3"]["reached"][0] for r in rows if r["maze"]["reached"] and r["sb3"]["reached"]]
    n_maze = sum(r["maze"]["reached"] is not None for r in rows)
    n_sb3 = sum(r["sb3"]["reached"] is not None for r in rows)
    print(f"\nreached 475 within {args.budget} env steps: maze {n_maze}/{len(rows)}, sb3 {n_sb3}/{len(rows)}")
    if ratios:
        print(f"wall-time ratio maze/sb3 per seed: {[round(x, 2) for x in ratios]}; median {statistics.median(ratios):.2f}")
    step_ratios = [r["maze"]["reached"][1] / r["sb3"]["reached"][1] for r in rows if r["maze"]["reached"] and r["sb3"]["reached"]]
    if step_ratios:
        print(f"env-step ratio maze/sb3 per seed: {[round(x, 2) for x in step_ratios]}; median {statistics.median(step_ratios):.2f}")
    tp = statistics.median(r["maze"]["steps"] / r["maze"]["train_time"] for r in rows)
    tp_sb3 = statistics.median(r["sb3"]["steps"] / r["sb3"]["train_time"] for r in rows)
    print(f"training throughput (median): maze {tp:,.0f} steps/s ({tp / raw:.2f} x raw), sb3 {tp_sb3:,.0f} steps/s "
          f"({tp_sb3 / raw:.2f} x raw); maze/sb3 {tp / tp_sb3:.2f}")


if __name__ == "__main__":
    main()
