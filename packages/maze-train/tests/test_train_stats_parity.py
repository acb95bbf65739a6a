"""Typed statistics end to end: A2C, PPO and BC runs through ``maze-run`` write exactly the statistics they wrote when
trainers reported flat strings (same TensorBoard tags, same console rows in the docs' format), read back with
TensorBoard's own reader, and the console values match the TensorBoard values."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
SEEDS = ["seeding.env_base_seed=1", "seeding.agent_base_seed=2"]
RL = ["env.name=CartPole-v1", "model=mlp", "algorithm.n_epochs=2", "algorithm.epoch_length=2",
      "algorithm.n_rollout_steps=20", "algorithm.rollout_evaluator.n_episodes=2", "runner.concurrency=2", *SEEDS]

REWARD = ["mean", "std", "min", "max", "episode_count", "total_episode_count", "total_step_count", "mean_step_count",
          "median_step_count"]
AC_COMMON = ["policy_loss/0", "policy_entropy/0", "critic_value_loss/0", "grad_norm", "learning_rate", "time_rollout",
             "time_update", "time_epoch", "env_steps_per_second", "total_env_steps"]
EXPECTED_SCALARS = {
    "a2c": {*(f"train_MultiStepActorCriticEvents/{s}" for s in [*AC_COMMON, "critic_value/0"]),
            *(f"train_BaseEnvEvents/reward/{s}" for s in REWARD), *(f"eval_BaseEnvEvents/reward/{s}" for s in REWARD)},
    "ppo": {*(f"train_MultiStepActorCriticEvents/{s}" for s in [*AC_COMMON, "approx_kl/0", "clip_fraction/0", "clip_range"]),
            *(f"train_BaseEnvEvents/reward/{s}" for s in REWARD), *(f"eval_BaseEnvEvents/reward/{s}" for s in REWARD)},
    "bc": {*(f"train_ImitationEvents/{s}" for s in ["policy_loss/0", "policy_entropy/0", "discrete_accuracy/0/action",
                                                    "policy_grad_norm/0", "policy_l2_norm/0", "time_epoch"]),
           *(f"eval_ImitationEvents/{s}" for s in ["policy_loss/0", "policy_entropy/0", "discrete_accuracy/0/action"])},
}
EXPECTED_HISTOGRAMS = {"a2c": {"train_DiscreteActionEvents/action/substep_0/action"},
                       "ppo": {"train_DiscreteActionEvents/action/substep_0/action"}, "bc": set()}


def _run(args: list[str], cwd: Path) -> str:
    proc = subprocess.run([*MAZE_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def _console_rows(stdout: str) -> dict[str, tuple[str, str | None]]:
    """``{"<prefix>_<Topic>/<event>/<label>": (value, unit)}`` of the epoch tables printed for the last epoch (step 2);
    ``unit`` is the text after a scalar value (``"s"`` of ``"1.234 s"``), ``None`` for plain numbers and value lists."""
    rows = {}
    for line in stdout.splitlines():
        m = re.match(r"^\s*2\|(\S+)\s+(\S+)\s+(\S+)\s+(\S+)?\s*\|\s*(.+)$", line)
        if m:
            prefix, topic, event, label, value = m.groups()
            tag = f"{prefix}_{topic}/{event}" + ("" if label is None or set(label) == {"·"} else f"/{label}")
            number = re.fullmatch(r"(-?[\d.]+(?:e[-+]\d+)?) (\S+)", value.strip())  # "<number> <unit>"
            rows[tag] = (number.group(1), number.group(2)) if number else (value.strip(), None)
    return rows


#: units the console shows after the values of these statistics (TensorBoard holds the plain numbers)
UNITS = {"time_rollout": "s", "time_update": "s", "time_epoch": "s", "env_steps_per_second": "steps/s"}


@pytest.mark.parametrize("algorithm", ["a2c", "ppo", "bc"])
def test_statistics_are_the_same_as_with_flat_strings(algorithm: str, tmp_path: Path) -> None:
    if algorithm == "bc":
        data = tmp_path / "demos"
        _run(["env.name=CartPole-v1", "policy=random_policy", "runner=sequential", "runner.n_episodes=6",
              "runner.record_trajectory=true", "seeding.env_base_seed=3", "seeding.agent_base_seed=3",
              f"hydra.run.dir={data}"], tmp_path)
        args = ["-cn", "conf_train", "env.name=CartPole-v1", "model=mlp", "algorithm=bc", "algorithm.n_epochs=2",
                "algorithm.validation_percentage=50", f"runner.dataset.input_data={data / 'trajectory_data'}", *SEEDS]
    else:
        args = ["-cn", "conf_train", f"algorithm={algorithm}", *RL]
    out = tmp_path / "run"
    stdout = _run([*args, f"hydra.run.dir={out}"], tmp_path)

    acc = EventAccumulator(str(out), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    scalars, histograms = set(acc.Tags()["scalars"]), set(acc.Tags()["histograms"])
    assert scalars == EXPECTED_SCALARS[algorithm], (sorted(scalars - EXPECTED_SCALARS[algorithm]),
                                                    sorted(EXPECTED_SCALARS[algorithm] - scalars))
    assert histograms == EXPECTED_HISTOGRAMS[algorithm]
    for tag in scalars:  # one value per epoch, at log steps 1 and 2
        assert [e.step for e in acc.Scalars(tag)] == [1, 2], tag

    console = _console_rows(stdout)
    assert set(console) == scalars | histograms, sorted(set(console) ^ (scalars | histograms))
    for tag in scalars:  # the console rounds to 3 decimals (3 significant digits for small values)
        value, unit = console[tag]
        assert unit == UNITS.get(tag.split("/")[1]), (tag, console[tag])
        tb_value = acc.Scalars(tag)[-1].value  # a plain float: the unit is the console's only
        assert float(value) == pytest.approx(tb_value, abs=1e-3, rel=1e-3), (tag, value, tb_value)
    if algorithm == "ppo":  # the real epoch table shows the seconds of the epoch with their unit
        line = next(row for row in stdout.splitlines() if re.match(r"^\s*2\|train\s+MultiStepActorCriticEvents\s+"
                                                                  r"time_epoch\s", row))
        assert re.search(r"\|\s+\d+\.\d+ s$", line), line
    for tag in histograms:  # histograms: "[len:N, μ:mean]" on the console, N samples in TensorBoard
        n = int(re.match(r"\[len:(\d+),", console[tag][0]).group(1))
        assert n == acc.Histograms(tag)[-1].histogram_value.num == 2 * 20 * 2
