"""What a training run leaves in its run dir and shows while it runs, through real ``maze-run`` subprocesses: the log
file (epoch headers, statistics tables, new best models, warnings, the output directory), the progress (a one-line
log in non-interactive runs, a tqdm bar when forced), and TensorBoard's env-step axis read back with TensorBoard's
own reader."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
PPO = ["-cn", "conf_train", "env.name=CartPole-v1", "model=mlp", "algorithm=ppo", "algorithm.n_epochs=2",
       "algorithm.epoch_length=2", "algorithm.n_rollout_steps=20", "algorithm.rollout_evaluator.n_episodes=2",
       "runner.concurrency=2", "seeding.env_base_seed=1", "seeding.agent_base_seed=2"]

#: a wrapper that issues a Python warning when it is created (in the main process, too): a real warning of a real run
WARNING_WRAPPER = textwrap.dedent('''
    import warnings

    from maze.core.wrappers.wrapper import Wrapper


    class WarningWrapper(Wrapper):
        def __init__(self, env):
            super().__init__(env)
            warnings.warn("WarningWrapper: nothing to see here", UserWarning)
''')


def _maze_run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "warning_wrapper.py").write_text(WARNING_WRAPPER)
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
               "MPLBACKEND": "Agg", **env}
    if "MAZE_LOG_LEVEL" not in env:
        environ.pop("MAZE_LOG_LEVEL", None)
    proc = subprocess.run([*MAZE_RUN, *args], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_training_log_progress_and_env_step_axis(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    proc = _maze_run([*PPO, "+wrappers={warning_wrapper.WarningWrapper:{}}", f"hydra.run.dir={run_dir}"], tmp_path)
    log = (run_dir / "cli.log").read_text()

    # the log file holds what the console showed: headers, tables, best models, output dir, warnings
    for line in ("********** Epoch 0 **********", "********** Epoch 1 **********", f"Output directory: {run_dir}"):
        assert line in proc.stdout and line in log, line
    assert log.count(f"Output directory: {run_dir}") == 2
    rows = [line for line in proc.stdout.splitlines() if re.match(r"^\s+[12]\|(train|eval)\s", line)]
    assert len(rows) > 40 and all(row in log for row in rows)
    assert any(re.match(r"^\s+2\|eval\s+BaseEnvEvents\s+reward\s+mean\s+\|", row) for row in rows)
    best = re.findall(r"^-> new overall best model .+!$", proc.stdout, re.M)
    assert best and all(line in log for line in best)
    assert "UserWarning: WarningWrapper: nothing to see here" in proc.stderr
    assert re.search(r"\[py\.warnings\]\[WARNING\] - .*WarningWrapper: nothing to see here", log)

    # stderr is no terminal: the progress is a periodic one-line log (here: every 10 %), ending with "done in"
    progress = re.findall(r"^epoch [\d.]+/2 \|.*$", proc.stdout, re.M)
    assert progress and all(line in log for line in progress)
    assert re.fullmatch(r"epoch 1/2 \| [\d,.]+ env steps/s \| eval [-\d.e+]+ \| ETA \d:\d\d:\d\d", progress[1]), progress
    assert re.fullmatch(r"epoch 2/2 \| [\d,.]+ env steps/s \| eval [-\d.e+]+ \| done in \d:\d\d:\d\d",
                        progress[-1]), progress
    assert "\r" not in proc.stderr and "%|" not in proc.stderr  # no bar

    # TensorBoard: the epoch axis keeps the docs' tags; the env_steps sub-run has the same scalars at step=env steps
    by_epoch = EventAccumulator(str(run_dir), size_guidance={"scalars": 0, "histograms": 0})
    by_steps = EventAccumulator(str(run_dir / "env_steps"), size_guidance={"scalars": 0, "histograms": 0})
    by_epoch.Reload()
    by_steps.Reload()
    total = by_epoch.Scalars("train_MultiStepActorCriticEvents/total_env_steps")
    assert [e.step for e in total] == [1, 2]
    env_steps = [int(e.value) for e in total]
    checkpoint = torch.load(run_dir / "checkpoint.pt", weights_only=True)
    assert env_steps == [2 * 20 * 2, 2 * 2 * 20 * 2] and env_steps[-1] == checkpoint["env_steps"]
    assert set(by_steps.Tags()["scalars"]) == set(by_epoch.Tags()["scalars"])
    assert by_steps.Tags()["histograms"] == [] and by_epoch.Tags()["histograms"]
    for tag in by_steps.Tags()["scalars"]:
        assert [e.step for e in by_steps.Scalars(tag)] == env_steps, tag
        assert [e.value for e in by_steps.Scalars(tag)] == [e.value for e in by_epoch.Scalars(tag)], tag


def test_forced_progress_bar_and_a_quiet_log_level(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    proc = _maze_run([*PPO, "runner.progress_bar=true", f"hydra.run.dir={run_dir}"], tmp_path,
                     MAZE_LOG_LEVEL="WARNING")
    # the bar on stderr (drawn at the start, redrawn at most 5 times a second, and at the end): position,
    # env steps/s, the latest evaluation score, percentage and ETA ("\r" reads as a new line in text mode)
    # (tqdm pads a redraw with spaces where the previous one was longer: depends on timing, so it is stripped)
    draws = [draw.rstrip() for draw in proc.stderr.splitlines()]
    assert any(re.fullmatch(r"epoch 0/2\s+0%\|\s+\| \[00:00<\?\]", draw) for draw in draws), draws
    assert re.fullmatch(r"epoch 2/2 \| [\d,]+ env steps/s \| eval [-\d.e+]+\s+100%\|█+\| \[\d\d:\d\d<\d\d:\d\d\]",
                        draws[-1]), draws
    # MAZE_LOG_LEVEL=WARNING: no tables, headers or progress lines, neither on the console nor in the log
    log = (run_dir / "cli.log").read_text()
    for text in (proc.stdout, log):
        assert "Epoch 0" not in text and "BaseEnvEvents" not in text and "env steps/s" not in text
    assert (run_dir / "state_dict.pt").is_file()
