"""Learning benchmark over seeds: PPO time-to-475 on CartPole-v1 for Maze, Stable-Baselines3 and the plain-torch floor
loop, and masked structured PPO time to the Cutting-2D optimum.

CartPole-v1: each framework trains seeds ``first-seed .. first-seed + seeds - 1`` with the shared settings and runs of
``floor_ppo.py`` / ``train_cartpole.py`` (``floor_ppo.RUNNERS``, ``train_cartpole.SETTINGS["ppo"]``); every run is
capped at ``--budget`` env steps (default 50k) and stops at its first evaluation (deterministic, 5 fixed-seed episodes,
every ``--eval-every`` env steps, training clock paused) with a mean return >= 475. Printed per framework: the median
training wall time to 475 and its interquartile range, the median env steps to 475 and their IQR, and the success
count within the budget (a run that never reached 475 counts as infinitely slow, so a median over failed runs reads
"not reached"); then Maze/SB3 and Maze/floor as ratios of the medians.

Cutting-2D (``train_cutting2d.py``'s simple problem, optimum 31 raw pieces per episode): masked structured PPO with the
same seeds, each capped at ``--budget-s`` training seconds and stopped at its first optimal evaluation; printed: the
median time and sub-steps to the optimum, their IQR and the success count.

Goals (issue 11): PPO time-to-475 median <= 0.5x SB3, 10/10 seeds within 50k env steps.

    python benchmarks/learning_seeds.py [--seeds 3]        # the full measurement: --seeds 10
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import Callable

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor_ppo import RUNNERS  # noqa: E402
from train_cartpole import TARGET, LearningSummary, quiet_progress, ratio_of  # noqa: E402
from train_cutting2d import OPTIMUM  # noqa: E402
from train_cutting2d import run as run_cutting2d  # noqa: E402

GOAL_TIME_VS_SB3 = 0.5
FRAMEWORKS = ("maze", "sb3", "floor")


def _seconds(x: float) -> str:
    return "not reached" if math.isinf(x) else f"{x:.2f} s"


def _count(x: float) -> str:
    return "not reached" if math.isinf(x) else f"{x:,.0f}"


def _range(s: LearningSummary, q: tuple[float, float], fmt: Callable[[float], str]) -> str:
    return "-" if s.n == 1 else f"{fmt(q[0])} - {fmt(q[1])}"


def _ratio_text(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.2f}"


def print_table(title: str, rows: dict[str, LearningSummary], unit: str) -> None:
    """One row per framework: median time, its IQR, median steps, their IQR, success count."""
    print(f"\n== {title}")
    print(f"{'':<8}{'median time':>14}{'IQR time':>26}{'median ' + unit:>18}{'IQR ' + unit:>26}{'reached':>10}")
    for name, s in rows.items():
        print(f"{name:<8}{_seconds(s.median_time):>14}{_range(s, s.time_iqr, _seconds):>26}{_count(s.median_steps):>18}"
              f"{_range(s, s.steps_iqr, _count):>26}{s.successes:>7}/{s.n}")


def cartpole(seeds: list[int], budget: int, eval_every: int, verbose: bool,
             frameworks: tuple[str, ...] = FRAMEWORKS) -> dict[str, float]:
    """Train PPO of every framework on every seed until 475 or the budget; print the table and the ratios.

    :param frameworks: the frameworks to train (``maze`` and at least one of ``sb3``/``floor`` for the ratios).
    :return: the ratios of the medians (``maze/sb3 time``, ``maze/floor time``, ``maze/sb3 steps``, ``maze/floor
        steps``; NaN where a median was not reached) of the frameworks trained, and Maze's success count.
    """
    reached: dict[str, list[tuple[float, int] | None]] = {name: [] for name in frameworks}
    for seed in seeds:
        for name in frameworks:
            r = RUNNERS[name](seed, budget, eval_every, "ppo", stop_at_target=True)
            reached[name].append(r["reached"])
            result = f"{r['reached'][0]:6.2f} s / {r['reached'][1]:6d} env steps" if r["reached"] else "not reached"
            print(f"cartpole seed {seed} {name:5s}: {TARGET:.0f} after {result}", flush=True)
            if verbose:
                print("    evals (env steps, train s, mean return):", r["evals"])
    rows = {name: LearningSummary.of(values) for name, values in reached.items()}
    print_table(f"PPO on CartPole-v1: time to an evaluation >= {TARGET:.0f}, seeds {seeds[0]}..{seeds[-1]}, each run "
                f"capped at {budget:,} env steps", rows, "env steps")
    maze = rows["maze"]
    out = {"maze successes": float(maze.successes)}
    parts = []
    for other in ("sb3", "floor"):
        if other in rows:
            out[f"maze/{other} time"] = ratio_of(maze.median_time, rows[other].median_time)
            out[f"maze/{other} steps"] = ratio_of(maze.median_steps, rows[other].median_steps)
            goal = f" (goal <= {GOAL_TIME_VS_SB3})" if other == "sb3" else ""
            parts.append(f"maze/{other} time {_ratio_text(out[f'maze/{other} time'])}{goal}, "
                         f"env steps {_ratio_text(out[f'maze/{other} steps'])}")
    print(f"ratios of the medians: {'; '.join(parts)}; maze reached {TARGET:.0f} in {maze.successes}/{maze.n} "
          f"(goal {maze.n}/{maze.n})" + (" (n/a: a median was not reached)" if any(map(math.isnan, out.values())) else ""))
    return out


def cutting2d(seeds: list[int], budget_s: float, eval_every: int, n_envs: int, verbose: bool) -> LearningSummary:
    """Masked structured PPO on every seed until the optimum or ``budget_s`` training seconds; print the table."""
    firsts = []
    for seed in seeds:
        r = run_cutting2d(seed, budget_s, eval_every, n_envs, verbose, stop_at_optimum=True)
        firsts.append(r["first"])
        best = min(p for _, _, p in r["history"])
        result = f"{r['first'][0]:6.2f} s / {r['first'][1]:6d} sub-steps" if r["first"] else f"not reached (best {best})"
        print(f"cutting2d seed {seed}: optimum {OPTIMUM} after {result}", flush=True)
    summary = LearningSummary.of(firsts)
    print_table(f"masked structured PPO on Cutting-2D (simple problem): time to the optimum ({OPTIMUM} raw pieces), "
                f"seeds {seeds[0]}..{seeds[-1]}, each run capped at {budget_s:g} s of training",
                {"maze": summary}, "sub-steps")
    return summary


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (10: the full learning benchmark)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--problems", nargs="+", default=["cartpole", "cutting2d"], choices=["cartpole", "cutting2d"])
    parser.add_argument("--frameworks", nargs="+", default=list(FRAMEWORKS), choices=FRAMEWORKS,
                        help="CartPole: frameworks to train (maze plus sb3 and/or floor)")
    parser.add_argument("--budget", type=int, default=50_000, help="CartPole: env steps per run at most")
    parser.add_argument("--eval-every", type=int, default=2048, help="CartPole: env steps between evaluations")
    parser.add_argument("--budget-s", type=float, default=30.0, help="Cutting-2D: training seconds per run at most")
    parser.add_argument("--cutting2d-eval-every", type=int, default=5, help="Cutting-2D: updates between evaluations")
    parser.add_argument("--n-envs", type=int, default=8, help="Cutting-2D: envs of the vector env")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args, ignored = parser.parse_known_args(argv)
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    for name in ("seeds", "budget", "eval_every", "cutting2d_eval_every", "n_envs", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if not args.budget_s > 0:
        parser.error(f"--budget-s must be > 0, got {args.budget_s}")
    if "maze" not in args.frameworks or len(args.frameworks) < 2:
        parser.error(f"--frameworks must name maze and at least one of sb3/floor (the ratios), got {args.frameworks}")
    torch.set_num_threads(args.threads)
    torch.distributions.Distribution.set_default_validate_args(False)  # as the training runners do
    quiet_progress()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; torch threads {args.threads}")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    results: dict[str, float] = {}
    if "cartpole" in args.problems:
        frameworks = tuple(name for name in FRAMEWORKS if name in args.frameworks)
        results.update(cartpole(seeds, args.budget, args.eval_every, args.verbose, frameworks))
    if "cutting2d" in args.problems:
        summary = cutting2d(seeds, args.budget_s, args.cutting2d_eval_every, args.n_envs, args.verbose)
        results.update({"cutting2d median time": summary.median_time, "cutting2d successes": float(summary.successes)})
    return results


if __name__ == "__main__":
    main()
