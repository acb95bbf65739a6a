"""Benchmark: masked structured PPO on the simple Cutting-2D problem.

Problem (maze-envs-cutting2d's "simple problem"): raw pieces 4x3, orders [1,2],[1,2],[1,1],[2,2],[1,2],[1,1]
cycled, 50 inventory slots, 180-step episodes; the proven optimum is 31 raw pieces per episode (the initial
one plus 30 replenishments). The env is structured (sub-step 0: select a piece, masked by ``inventory_mask``;
sub-step 1: cutting rotation/order, rotation masked by ``cutting_mask``).

PPO (maze-train) with small MLPs per sub-step and a critic per sub-step trains in one process (``dev`` mode,
sequential vector env). Every ``--eval-every`` updates the training clock is paused and one deterministic
episode is rolled out; the benchmark prints the raw pieces used per evaluated episode over training wall time,
the time until the optimum (31) is first reached, and whether it stays there; over the seeds the median,
interquartile range and success count (optimum reached within the budget). ``--seeds 10`` is the learning
benchmark.

Run: ``/work/venv/bin/python benchmarks/train_cutting2d.py [--seeds 3] [--budget-s 30]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_cartpole import LearningSummary  # noqa: E402

SIMPLE = {"max_pieces_in_inventory": 50, "raw_piece_size": (4, 3),
          "static_demand": [[1, 2], [1, 2], [1, 1], [2, 2], [1, 2], [1, 1]], "max_steps": 180}
OPTIMUM = 31


def make_env():
    from maze.envs.cutting2d.env.struct_env_masked import masked_struct_env_factory

    return masked_struct_env_factory(**SIMPLE)


def raw_pieces_of_episode(policy) -> int:
    """Raw pieces entering the inventory in one deterministic episode (the initial one included)."""
    from maze.envs.cutting2d.env.events import InventoryEvents

    env = make_env()
    obs, _ = env.reset(seed=0)
    replenished, done = 1, False
    while not done:
        action = policy.compute_action(obs, actor_id=env.actor_id(), deterministic=True)
        obs, _, terminated, truncated, _ = env.step(action)
        done = terminated or truncated
        for e in env.get_step_events():
            replenished += e.interface_method is InventoryEvents.piece_replenished
    return replenished


def run(seed: int, budget_s: float, eval_every: int, n_envs: int, verbose: bool, stop_at_optimum: bool = False) -> dict:
    """Train masked structured PPO for ``budget_s`` training seconds (evaluations excluded), evaluating every
    ``eval_every`` updates; ``stop_at_optimum``: stop at the first optimal evaluation (the learning benchmark's
    time-to-optimum; ``stable_from``/``share_after`` then only cover that evaluation)."""
    from maze.train.agent.mlp_model_composer import MLPModelComposer
    from maze.train.agent.model_building import build_critic, build_policy
    from maze.train.agent.torch_actor_critic import TorchActorCritic
    from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
    from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
    from maze.train.trainers.ppo.ppo_trainer import PPO

    torch.manual_seed(seed)
    env = SequentialVectorEnv([make_env] * n_envs)
    composer = MLPModelComposer(env.action_spaces_dict, env.observation_spaces_dict, hidden_units=(64, 64), critic="step",
                                mask_keys={"piece_idx": "inventory_mask", "cut_rotation": "cutting_mask"})
    model = TorchActorCritic(build_policy(composer), build_critic(composer))
    cfg = PPOAlgorithmConfig(n_rollout_steps=64, lr=1e-3, gamma=0.99, gae_lambda=0.95, entropy_coef=0.0, max_grad_norm=0.5,
                             batch_size=256, n_optimization_epochs=4, clip_range=0.2, rollout_evaluator=None)
    trainer = PPO(cfg, env, model, seed=seed)
    train_time, history, first = 0.0, [], None
    while train_time < budget_s:
        t0 = time.perf_counter()
        for _ in range(eval_every):
            batch = trainer.collect()
            trainer.update(trainer.prepare_batch(batch), train_policy=True)
            trainer.n_updates += 1
        train_time += time.perf_counter() - t0
        pieces = raw_pieces_of_episode(model.policy)
        history.append((round(train_time, 2), trainer.env_steps, pieces))
        if verbose:
            print(f"  seed {seed}: {train_time:6.2f} s, {trainer.env_steps:7d} sub-steps: {pieces} raw pieces", flush=True)
        if first is None and pieces <= OPTIMUM:
            first = (train_time, trainer.env_steps)
            if stop_at_optimum:
                break
    env.close()
    after = [p for t, _, p in history if first is not None and t >= first[0]]
    stable_from = None  # earliest evaluation from which on every evaluation is optimal
    for t, _, p in reversed(history):
        if p > OPTIMUM:
            break
        stable_from = t
    return {"first": first, "history": history, "stable_from": stable_from,
            "share_after": (sum(p <= OPTIMUM for p in after) / len(after)) if after else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (seeds first-seed, first-seed + 1, ...)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--budget-s", type=float, default=30.0, help="training wall seconds per seed")
    parser.add_argument("--eval-every", type=int, default=5, help="updates between evaluations")
    parser.add_argument("--n-envs", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args, ignored = parser.parse_known_args()
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    torch.set_num_threads(args.threads)
    torch.distributions.Distribution.set_default_validate_args(False)

    firsts: list[tuple[float, int] | None] = []
    stable_times: list[float] = []
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    for seed in seeds:
        r = run(seed, args.budget_s, args.eval_every, args.n_envs, args.verbose)
        hist = r["history"]
        step = max(1, len(hist) // 25)
        series = ", ".join(f"{t:.1f}s:{p}" for t, _, p in hist[::step])
        print(f"seed {seed}: raw pieces per evaluated episode over training wall time: {series}")
        stable_times.append(r["stable_from"] if r["stable_from"] is not None else float("inf"))
        firsts.append(r["first"])
        if r["first"]:
            stable = f"{r['stable_from']:.1f} s" if r["stable_from"] is not None else "never (last evaluation above it)"
            print(f"seed {seed}: optimum {OPTIMUM} first reached after {r['first'][0]:.1f} s / {r['first'][1]} sub-steps; "
                  f"optimal in {100 * r['share_after']:.0f}% of later evaluations; optimal in every evaluation from {stable}")
        else:
            print(f"seed {seed}: optimum not reached within {args.budget_s:.0f} s (best {min(p for _, _, p in r['history'])})")
    summary = LearningSummary.of(firsts)
    q1, q3 = summary.time_iqr
    print(f"\nwall time to the optimum over {len(seeds)} seeds: median {summary.median_time:.1f} s (target <= 30 s), "
          f"IQR {q1:.1f}-{q3:.1f} s, reached by {summary.successes}/{len(seeds)} within {args.budget_s:.0f} s; "
          f"median time from which every evaluation is optimal: {statistics.median(stable_times):.1f} s")

if __name__ == "__main__":
    main()
