"""Peak memory (RSS) of a PPO training on CartPole-v1: Maze beside Stable-Baselines3, measured in the same run.

Every configuration trains in a fresh subprocess (``--budget`` env steps, default 20k); its peak resident set size
is the child's ``ru_maxrss`` (``os.wait4``). Configurations:

* ``python + torch + gymnasium``: a child that only imports them (the floor every framework starts from);
* ``floor loop``: ``floor_ppo.run_floor``;
* ``maze (Python API)``: ``train_cartpole.run_maze`` (Maze's PPO with the settings all three share);
* ``maze-run (CLI)``: ``maze-run -cn conf_train +experiment=cartpole_ppo model=mlp runner=dev`` with the same
  budget, run dir in a temporary folder (Hydra, statistics writers, TensorBoard, checkpoints included);
* ``sb3``: ``train_cartpole.run_sb3``.

Goal (issue 11): Maze's peak training memory <= SB3's (printed as the ratio).

    python benchmarks/memory.py [--budget 20000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOAL = 1.0


def _child(kind: str, budget: int) -> None:
    """The work of one child process."""
    import torch

    torch.set_num_threads(1)
    sys.path.insert(0, HERE)
    if kind == "imports":
        import gymnasium  # noqa: F401
        return
    if kind == "floor":
        from floor_ppo import run_floor

        run_floor(0, budget, 2048)
    elif kind == "maze":
        from train_cartpole import run_maze

        run_maze(0, budget, 2048)
    elif kind == "sb3":
        from train_cartpole import run_sb3

        run_sb3(0, budget, 2048)
    else:
        raise ValueError(f"unknown configuration {kind!r}")


def peak_rss_mib(command: list[str], cwd: str | None = None) -> float:
    """Run ``command`` and return the peak RSS of that process in MiB (``ru_maxrss`` of the child)."""
    with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: a chatty child cannot block on it
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        err = stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {process.returncode}:\n{err[-3000:]}")
    return usage.ru_maxrss / 1024.0  # KiB on Linux


def cli_command(budget: int, run_dir: str) -> list[str]:
    """``maze-run`` training of PPO on CartPole-v1 (the ``cartpole_ppo`` experiment) for about ``budget`` steps."""
    epochs = max(1, round(budget / (8 * 8 * 32)))
    maze_run = os.path.join(os.path.dirname(sys.executable), "maze-run")
    return [maze_run, "-cn", "conf_train", "+experiment=cartpole_ppo", "model=mlp", "runner=dev",
            f"algorithm.n_epochs={epochs}", "runner.progress_bar=false", "runner.console_stats=false",
            f"hydra.run.dir={run_dir}"]


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=20_000, help="env steps of every training")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args, ignored = parser.parse_known_args(argv)
    if args.child:
        _child(args.child, args.budget)
        return 0.0
    if ignored:
        print(f"(ignoring arguments of other benchmarks: {ignored})")
    me = [sys.executable, os.path.abspath(__file__), "--budget", str(args.budget), "--child"]
    peaks: dict[str, float] = {}
    peaks["python + torch + gymnasium"] = peak_rss_mib([*me, "imports"])
    peaks["floor loop"] = peak_rss_mib([*me, "floor"])
    peaks["maze (Python API)"] = peak_rss_mib([*me, "maze"])
    with tempfile.TemporaryDirectory() as tmp:
        try:
            peaks["maze-run (CLI)"] = peak_rss_mib(cli_command(args.budget, os.path.join(tmp, "run")), cwd=tmp)
        except RuntimeError as exc:  # reported, the other measurements stand
            errors = [line for line in str(exc).splitlines() if "Error" in line] or str(exc).splitlines()[-1:]
            print(f"maze-run (CLI) not measured, it failed: {errors[-1] if errors else exc}")
    peaks["sb3"] = peak_rss_mib([*me, "sb3"])
    sb3 = peaks["sb3"]
    base = peaks["python + torch + gymnasium"]
    print(f"peak RSS of a PPO training on CartPole-v1 ({args.budget:,} env steps), each in a fresh process")
    print(f"{'configuration':<30}{'peak MiB':>10}{'x sb3':>8}{'above imports':>15}")
    for name, mib in peaks.items():
        print(f"{name:<30}{mib:>10.0f}{mib / sb3:>8.2f}{mib - base:>12.0f} MiB")
    ratio = peaks["maze (Python API)"] / sb3
    cli = f", {peaks['maze-run (CLI)'] / sb3:.2f} (maze-run)" if "maze-run (CLI)" in peaks else ""
    print(f"maze / sb3 peak RSS: {ratio:.2f} (Python API){cli} (goal <= {GOAL})")
    return ratio


if __name__ == "__main__":
    main()
