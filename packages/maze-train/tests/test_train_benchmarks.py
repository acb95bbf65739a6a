"""The learning benchmark over seeds (``benchmarks/learning_seeds.py``): its statistics count unreached runs as
infinitely slow, its command line refuses frameworks it cannot compare, and the script runs end to end with tiny
budgets (real Maze/floor/SB3 trainings on CartPole-v1 and masked PPO on Cutting-2D); the image-observation
benchmark steps all its vector envs end to end."""

from __future__ import annotations

import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


@pytest.fixture(scope="module")
def benchmarks_on_path():
    sys.path.insert(0, str(BENCHMARKS))
    yield
    sys.path.remove(str(BENCHMARKS))


def test_learning_summary_counts_unreached_runs_as_infinitely_slow(benchmarks_on_path) -> None:
    from train_cartpole import LearningSummary, ratio_of

    s = LearningSummary.of([(4.0, 8192), None, (2.0, 4096), (6.0, 12288), None])
    assert s.n == 5 and s.successes == 3
    assert s.median_time == 6.0 and s.median_steps == 12288  # the sorted times: 2, 4, 6, inf, inf
    assert s.time_iqr == (4.0, math.inf) and s.steps_iqr == (8192, math.inf)
    failed = LearningSummary.of([None, None, (3.0, 6144)])
    assert math.isinf(failed.median_time) and failed.successes == 1
    assert math.isnan(ratio_of(failed.median_time, s.median_time)) and ratio_of(s.median_time, 3.0) == 2.0
    with pytest.raises(ValueError, match="at least one run"):
        LearningSummary.of([])


@pytest.mark.parametrize("args, message", [
    (["--frameworks", "sb3", "floor"], r"--frameworks must name maze and at least one of sb3/floor"),
    (["--frameworks", "maze"], r"--frameworks must name maze and at least one of sb3/floor"),
    (["--seeds", "0"], r"--seeds must be >= 1, got 0"),
    (["--budget-s", "0"], r"--budget-s must be > 0, got 0.0"),
])
def test_learning_seeds_refuses_bad_arguments(benchmarks_on_path, capsys, args, message) -> None:
    import learning_seeds

    with pytest.raises(SystemExit) as exc:
        learning_seeds.main(args)
    assert exc.value.code == 2
    assert re.search(message, capsys.readouterr().err)


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported (``find_spec`` raises when a parent package, e.g. ``maze.envs``, is missing)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def test_learning_seeds_runs_with_tiny_budgets() -> None:
    frameworks = ["maze", "floor"] + (["sb3"] if importlib.util.find_spec("stable_baselines3") else [])
    problems = ["cartpole"] + (["cutting2d"] if _installed("maze.envs.cutting2d") else [])
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / "learning_seeds.py"), "--seeds", "1", "--first-seed", "5", "--budget", "512",
         "--eval-every", "256", "--budget-s", "0.3", "--cutting2d-eval-every", "1", "--frameworks", *frameworks,
         "--problems", *problems],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    assert "PPO on CartPole-v1: time to an evaluation >= 475, seeds 5..5, each run capped at 512 env steps" in out
    for name in frameworks:
        assert re.search(rf"^cartpole seed 5 {name}\s*: 475 after ", out, re.M)
        assert re.search(rf"^{name}\s+.*\s[01]/1$", out, re.M)  # its table row with the success count
    assert re.search(r"^ratios of the medians: .*maze/floor time (n/a|[\d.]+), env steps (n/a|[\d.]+)", out, re.M)
    if "cutting2d" in problems:
        assert re.search(r"^cutting2d seed 5: optimum 31 after ", out, re.M)
        assert "time to the optimum (31 raw pieces), seeds 5..5, each run capped at 0.3 s of training" in out


def test_image_obs_benchmark_runs_every_configuration() -> None:
    """``image_obs.py`` steps every vector env (Maze pickled/shared memory/chunked, gymnasium, SB3 where installed)
    in real worker processes and prints each one's rate, its ratio to the pickled path and the default's ratios."""
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / "image_obs.py"), "--n-envs", "2", "--seconds", "0.1", "--rounds", "1",
         "--slice", "0.05"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    rows = ["maze pickled", "maze shared memory", "maze shared memory, 2 envs per worker", "gymnasium async, pickled",
            "gymnasium async, shared memory"]
    if importlib.util.find_spec("stable_baselines3"):
        rows.append(r"sb3 SubprocVecEnv \(pickled\)")
    for row in rows:
        # best steps/s, x pickled, x per round, CPU us per step: all positive numbers
        assert re.search(rf"^{row}\s+[\d,]+\s+\d+\.\d\d\s+\d+\.\d\d\s+(\d+\.\d|nan)$", out, re.M), (row, out)
    assert re.search(r"^maze pickled\s+[\d,]+\s+1\.00\s+1\.00\s", out, re.M)
    assert re.search(r"^shared memory / pickled with the default configuration .*: \d+\.\d\d median per round", out, re.M)
    for reference in rows[-2:]:
        assert re.search(rf"^maze shared memory / {reference}: \d+\.\d\d median per round$", out, re.M), reference
