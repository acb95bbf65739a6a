"""The floor: a minimal PPO and A2C written directly in torch + gymnasium (CleanRL-style), against which Maze's and
Stable-Baselines3's training throughput and time-to-475 on CartPole-v1 are reported, measured in the same run.

All three use the same settings (``train_cartpole.SETTINGS``): 8 envs stepped one after the other (the floor:
gymnasium's ``SyncVectorEnv`` with same-step auto-reset; Maze: ``runner=dev``'s sequential vector env; SB3: its
``DummyVecEnv``), the rollout length, mini-batches and epochs, 64x64 tanh MLPs for policy and value (orthogonal
init, head gains 0.01 and 1, as Maze's ``model=mlp``), Adam (eps 1e-5), grad-norm clip 0.5, advantages normalized
over the batch, truncated episodes bootstrapped from their final observation, and PPO's linear lr/clip schedules.
Every ``--eval-every`` env steps the training clock pauses for a deterministic evaluation on 5 fixed-seed episodes
(``train_cartpole.evaluate``); every run trains for ``--budget`` env steps (``--stop-at-475``: until it reaches 475),
so the throughputs cover the same steps.

Printed per algorithm: training throughput (env steps/s including updates) and time-to-475 of Maze and SB3 as
ratios to the floor; with several seeds the median, interquartile range and success count within the budget of each,
and Maze's time-to-475 relative to SB3's. The learning benchmark over 10 seeds (each run stopped at 475) is
``learning_seeds.py --seeds 10``, with these runners.
Goals (issue 11): Maze throughput >= 0.9x the floor; PPO time-to-475 median <= 0.5x SB3, 10/10 within 50k steps.

    python benchmarks/floor_ppo.py [--seeds 1] [--algorithms ppo a2c] [--budget 50000]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
from typing import Callable

import gymnasium as gym
import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_cartpole import SETTINGS, LearningSummary, TrainingClock, ratio_of, run_maze, run_sb3  # noqa: E402

GOAL_THROUGHPUT, GOAL_TIME_VS_SB3 = 0.9, 0.5


def _layer(n_in: int, n_out: int, gain: float) -> nn.Linear:
    layer = nn.Linear(n_in, n_out)
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


def _mlp(n_in: int, n_out: int, head_gain: float) -> nn.Sequential:
    return nn.Sequential(_layer(n_in, 64, math.sqrt(2)), nn.Tanh(), _layer(64, 64, math.sqrt(2)), nn.Tanh(),
                         _layer(64, n_out, head_gain))


def run_floor(seed: int, budget: int, eval_every: int, algorithm: str = "ppo", stop_at_target: bool = False) -> dict:
    """Train the minimal PPO (``algorithm="ppo"``) or A2C; the result has the layout of ``train_cartpole.run_maze``."""
    s = SETTINGS[algorithm]
    torch.manual_seed(seed)
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1")] * s.n_envs,
                                    autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    actor, critic = _mlp(4, 2, 0.01), _mlp(4, 1, 1.0)
    params = [*actor.parameters(), *critic.parameters()]
    try:
        optimizer = torch.optim.Adam(params, lr=s.lr, eps=1e-5, fused=True)
    except (RuntimeError, TypeError, ValueError):
        optimizer = torch.optim.Adam(params, lr=s.lr, eps=1e-5, foreach=True)
    T, N = s.n_steps, s.n_envs
    updates_per_epoch = max(1, eval_every // s.steps_per_update)  # the evaluation cadence of run_maze
    total_updates = -(-budget // (updates_per_epoch * s.steps_per_update)) * updates_per_epoch
    obs_buf, act_buf, logp_buf = torch.zeros((T, N, 4)), torch.zeros((T, N), dtype=torch.long), torch.zeros((T, N))
    rewards, terminated, truncated = np.zeros((T, N)), np.zeros((T, N), dtype=bool), np.zeros((T, N), dtype=bool)

    def act(o: np.ndarray) -> int:
        with torch.no_grad():
            return int(actor(torch.as_tensor(o, dtype=torch.float32)[None]).argmax())

    clock = TrainingClock(updates_per_epoch * s.steps_per_update, stop_at_target)
    obs, _ = envs.reset(seed=seed)
    env_steps = 0
    for update in range(total_updates):
        if clock.done():
            break
        clock.start()
        progress = 1.0 - update / total_updates
        for group in optimizer.param_groups:
            group["lr"] = s.lr * progress if algorithm == "ppo" else s.lr
        finals: list[tuple[int, int, np.ndarray]] = []
        with torch.no_grad():  # ---- rollout
            for t in range(T):
                o = torch.as_tensor(obs, dtype=torch.float32)
                dist = torch.distributions.Categorical(logits=actor(o))
                a = dist.sample()
                obs_buf[t], act_buf[t], logp_buf[t] = o, a, dist.log_prob(a)
                obs, rewards[t], terminated[t], truncated[t], info = envs.step(a.numpy())
                if "final_obs" in info:
                    for i in np.flatnonzero(info["_final_obs"] & truncated[t] & ~terminated[t]):
                        finals.append((t, int(i), info["final_obs"][i]))
            # ---- values, bootstrap values (truncated episodes: their final observation), GAE
            values = critic(obs_buf.reshape(T * N, 4)).reshape(T, N).numpy().astype(np.float64)
            next_values = np.empty_like(values)
            next_values[:-1] = values[1:]
            next_values[-1] = critic(torch.as_tensor(obs, dtype=torch.float32)).reshape(N).numpy()
            for t, i, final in finals:
                next_values[t, i] = float(critic(torch.as_tensor(final, dtype=torch.float32)[None]))
        deltas = rewards + s.gamma * next_values * (1.0 - terminated) - values
        continues = 1.0 - (terminated | truncated)
        advantages = np.empty_like(deltas)
        last = np.zeros(N)
        for t in range(T - 1, -1, -1):
            last = deltas[t] + s.gamma * s.gae_lambda * continues[t] * last
            advantages[t] = last
        returns = torch.as_tensor((advantages + values).reshape(-1), dtype=torch.float32)
        adv = advantages.reshape(-1)
        adv = torch.as_tensor((adv - adv.mean()) / (adv.std() + 1e-8), dtype=torch.float32)
        b_obs, b_act, b_logp = obs_buf.reshape(T * N, 4), act_buf.reshape(-1), logp_buf.reshape(-1)
        # ---- update
        if algorithm == "ppo":
            clip = s.clip * progress
            n_mb = max(1, math.ceil(T * N / s.batch_size))
            for _ in range(s.n_epochs):
                perm = torch.randperm(T * N) if n_mb > 1 else None
                for mb in range(n_mb):
                    idx = slice(None) if perm is None else perm[mb * s.batch_size:(mb + 1) * s.batch_size]
                    logits = actor(b_obs[idx])
                    log_prob = torch.distributions.Categorical(logits=logits).log_prob(b_act[idx])
                    ratio = torch.exp(log_prob - b_logp[idx])
                    a_mb = adv[idx]
                    policy_loss = -torch.min(ratio * a_mb, torch.clamp(ratio, 1 - clip, 1 + clip) * a_mb).mean()
                    value_loss = nn.functional.mse_loss(critic(b_obs[idx]).reshape(-1), returns[idx])
                    optimizer.zero_grad(set_to_none=True)
                    (policy_loss + s.value_coef * value_loss).backward()
                    nn.utils.clip_grad_norm_(params, s.max_grad_norm)
                    optimizer.step()
        else:
            log_prob = torch.distributions.Categorical(logits=actor(b_obs)).log_prob(b_act)
            value_loss = nn.functional.mse_loss(critic(b_obs).reshape(-1), returns)
            optimizer.zero_grad(set_to_none=True)
            (-(log_prob * adv).mean() + s.value_coef * value_loss).backward()
            nn.utils.clip_grad_norm_(params, s.max_grad_norm)
            optimizer.step()
        env_steps += T * N
        clock.pause(env_steps, act)  # evaluates at the epoch boundaries (multiples of updates_per_epoch)
    envs.close()
    return clock.result(env_steps)


RUNNERS: dict[str, Callable[..., dict]] = {"floor": run_floor, "maze": run_maze, "sb3": run_sb3}


def _fmt(x: float, unit: str = "s") -> str:
    if math.isinf(x):
        return "not reached"
    return f"{x:.2f} s" if unit == "s" else f"{x:,.0f}"


def _fmt_ratio(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.2f}"


def summarize(algorithm: str, runs: dict[str, list[dict]], budget: int) -> dict[str, float]:
    """Print the comparison of one algorithm; returns the ratios to the floor (throughput, time-to-475 medians)."""
    n = len(runs["floor"])
    out: dict[str, float] = {}
    rate = {name: statistics.median(r["steps"] / r["train_time"] for r in rs) for name, rs in runs.items()}
    learning = {name: LearningSummary.of([r["reached"] for r in rs]) for name, rs in runs.items()}
    times = {name: summary.times for name, summary in learning.items()}
    success = {name: summary.successes for name, summary in learning.items()}
    print(f"\n== {algorithm.upper()} on CartPole-v1, {n} seed{'s' if n > 1 else ''} (budget {budget:,} env steps; "
          f"time-to-475 = training wall time until the evaluation first reaches 475)")
    print(f"{'':<7}{'steps/s':>10}{'x floor':>9}{'time-to-475':>14}{'x floor':>9}{'IQR':>16}{'env steps':>13}"
          f"{'reached':>10}")
    for name in ("floor", "maze", "sb3"):
        med = learning[name].median_time
        q1, q3 = learning[name].time_iqr
        iqr = "-" if n == 1 else f"{q1:.2f}-{q3:.2f} s"
        out[f"{name} throughput x floor"] = rate[name] / rate["floor"]
        out[f"{name} time-to-475 x floor"] = ratio_of(med, learning["floor"].median_time)
        print(f"{name:<7}{rate[name]:>10,.0f}{rate[name] / rate['floor']:>9.2f}{_fmt(med):>14}"
              f"{_fmt_ratio(out[f'{name} time-to-475 x floor']):>9}{iqr:>16}{_fmt(learning[name].median_steps, 'steps'):>13}"
              f"{success[name]:>7}/{n}")
    out["maze/sb3 time-to-475"] = ratio_of(learning["maze"].median_time, learning["sb3"].median_time)
    print(f"maze throughput {out['maze throughput x floor']:.2f}x the floor (goal >= {GOAL_THROUGHPUT}), "
          f"sb3 {out['sb3 throughput x floor']:.2f}x; time-to-475 median maze/sb3 "
          f"{_fmt_ratio(out['maze/sb3 time-to-475'])}"
          + (f" (goal <= {GOAL_TIME_VS_SB3}); maze reached 475 in {success['maze']}/{n} runs (goal {n}/{n})"
             if algorithm == "ppo" else ""))
    if n > 1:
        paired = [m / f for m, f in zip(times["maze"], times["floor"]) if not (math.isinf(m) or math.isinf(f))]
        if paired:
            print(f"per-seed time-to-475 maze/floor: median {statistics.median(paired):.2f} over {len(paired)} seeds "
                  f"reached by both")
    return out


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1, help="number of seeds (10: the learning benchmark)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--algorithms", nargs="+", default=["ppo", "a2c"], choices=sorted(SETTINGS))
    parser.add_argument("--budget", type=int, default=50_000, help="env steps per run")
    parser.add_argument("--eval-every", type=int, default=2048, help="env steps between evaluations")
    parser.add_argument("--stop-at-475", action="store_true",
                        help="stop each run when it reaches 475 (faster; throughput then covers different stretches)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args, ignored = parser.parse_known_args(argv)
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    if args.seeds < 1:
        parser.error(f"--seeds must be >= 1, got {args.seeds}")
    torch.set_num_threads(args.threads)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; torch threads {args.threads}")
    results = {}
    for algorithm in args.algorithms:
        runs: dict[str, list[dict]] = {name: [] for name in RUNNERS}
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for name, run in RUNNERS.items():
                r = run(seed, args.budget, args.eval_every, algorithm, stop_at_target=args.stop_at_475)
                runs[name].append(r)
                reached = f"{r['reached'][0]:6.2f} s / {r['reached'][1]:6d} steps" if r["reached"] else "not reached"
                print(f"{algorithm} seed {seed} {name:5s}: 475 after {reached}; {r['steps']:6d} steps in "
                      f"{r['train_time']:6.2f} s = {r['steps'] / r['train_time']:,.0f} steps/s", flush=True)
                if args.verbose:
                    print("    evals (steps, train s, mean return):", r["evals"])
        results[algorithm] = summarize(algorithm, runs, args.budget)
    return results


if __name__ == "__main__":
    main()
