"""Benchmark: Maze PPO vs. Stable-Baselines3 PPO on CartPole-v1 (same machine, same run).

Both use RL-Zoo's CartPole-v1 PPO settings (8 envs x 32 steps, batch 256, 20 epochs, gamma 0.98, GAE lambda 0.8,
linear lr 1e-3 -> 0 and clip 0.2 -> 0 over the budget, no entropy bonus, 64x64 tanh MLPs for policy and value,
grad-norm clip 0.5) and the same env-step budget (default 50k). Every ``--eval-every`` env steps the training
clock is paused and the deterministic policy is evaluated on 5 fixed-seed episodes; the benchmark reports the
training wall seconds and env steps until the mean evaluation return first reaches 475, and their ratio
(Maze / SB3), plus training throughput (env steps/s including updates) and its ratio to raw env stepping.

Run: ``/work/venv/bin/python benchmarks/train_cartpole.py [--seeds 0 1 2] [--budget 50000]``
(Stable-Baselines3 is a benchmark-only dependency: ``pip install -c constraints.txt stable-baselines3``).
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym
import numpy as np
import torch

N_ENVS, N_STEPS, BATCH, N_EPOCHS = 8, 32, 256, 20
GAMMA, LAMBDA, LR, CLIP, TARGET = 0.98, 0.8, 1e-3, 0.2, 475.0
EVAL_SEEDS = [10_000 + i for i in range(5)]


def evaluate(act, n_episodes: int = 5) -> float:
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


def run_maze(seed: int, budget: int, eval_every: int) -> dict:
    from maze.core.env.structured_env import ActorID
    from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
    from maze.train.agent.mlp_model_composer import MLPModelComposer
    from maze.train.agent.model_building import build_critic, build_policy
    from maze.train.agent.torch_actor_critic import TorchActorCritic
    from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
    from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
    from maze.train.trainers.ppo.ppo_trainer import PPO

    torch.manual_seed(seed)
    torch.distributions.Distribution.set_default_validate_args(False)
    env = SequentialVectorEnv([lambda: GymMazeEnv("CartPole-v1")] * N_ENVS)
    composer = MLPModelComposer(env.action_spaces_dict, env.observation_spaces_dict, hidden_units=(64, 64))
    model = TorchActorCritic(build_policy(composer), build_critic(composer))
    n_updates = -(-budget // (N_ENVS * N_STEPS))
    cfg = PPOAlgorithmConfig(n_epochs=n_updates, epoch_length=1, n_rollout_steps=N_STEPS, lr=LR, lr_schedule="linear",
                             gamma=GAMMA, gae_lambda=LAMBDA, entropy_coef=0.0, value_loss_coef=0.5, max_grad_norm=0.5,
                             batch_size=BATCH, n_optimization_epochs=N_EPOCHS, clip_range=CLIP,
                             clip_range_schedule="linear", rollout_evaluator=None)
    trainer = PPO(cfg, env, model, seed=seed)
    policy = model.policy

    def act(obs: np.ndarray) -> int:
        return int(policy.compute_action({"observation": obs}, actor_id=ActorID(0, 0), deterministic=True)["action"])

    train_time, reached, next_eval, evals = 0.0, None, eval_every, []
    while trainer.env_steps < budget:
        t0 = time.perf_counter()
        trainer._apply_lr_schedule()
        batch = trainer.collect()
        trainer.update(trainer.prepare_batch(batch), train_policy=True)
        trainer.n_updates += 1
        train_time += time.perf_counter() - t0
        if trainer.env_steps >= next_eval:
            next_eval += eval_every
            score = evaluate(act)
            evals.append((trainer.env_steps, round(train_time, 2), score))
            if reached is None and score >= TARGET:
                reached = (train_time, trainer.env_steps)
    env.close()
    return {"reached": reached, "train_time": train_time, "steps": trainer.env_steps, "evals": evals}


def run_sb3(seed: int, budget: int, eval_every: int) -> dict:
    from stable_baselines3 import PPO as SB3PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env

    def linear(start: float):
        return lambda progress_remaining: progress_remaining * start

    class Clock(BaseCallback):
        def __init__(self) -> None:
            super().__init__()
            self.train_time, self.reached, self.next_eval, self.evals = 0.0, None, eval_every, []
            self._t0 = 0.0

        def _on_training_start(self) -> None:
            self._t0 = time.perf_counter()

        def _on_step(self) -> bool:
            return True

        def _on_rollout_start(self) -> None:
            # called after the previous update: check/evaluate with the clock paused
            self.train_time += time.perf_counter() - self._t0
            if self.num_timesteps >= self.next_eval:
                self.next_eval += eval_every
                score = evaluate(lambda obs: int(self.model.predict(obs, deterministic=True)[0]))
                self.evals.append((self.num_timesteps, round(self.train_time, 2), score))
                if self.reached is None and score >= TARGET:
                    self.reached = (self.train_time, self.num_timesteps)
            self._t0 = time.perf_counter()

        def _on_training_end(self) -> None:
            self._on_rollout_start()

    env = make_vec_env("CartPole-v1", n_envs=N_ENVS, seed=seed)
    model = SB3PPO("MlpPolicy", env, n_steps=N_STEPS, batch_size=BATCH, n_epochs=N_EPOCHS, gamma=GAMMA, gae_lambda=LAMBDA,
                   learning_rate=linear(LR), clip_range=linear(CLIP), ent_coef=0.0, seed=seed, device="cpu", verbose=0)
    clock = Clock()
    model.learn(total_timesteps=budget, callback=clock)
    env.close()
    return {"reached": clock.reached, "train_time": clock.train_time, "steps": model.num_timesteps, "evals": clock.evals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--budget", type=int, default=50_000)
    parser.add_argument("--eval-every", type=int, default=2048)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    raw = raw_env_rate()
    print(f"raw env stepping (8 gymnasium CartPole-v1, random actions): {raw:,.0f} steps/s")
    rows = []
    for seed in args.seeds:
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
