"""Every file a training run and a rollout of its result write has the permissions of a file made with ``open()``.

Files written atomically through a temp file (graph pictures, ``statistics.json``, ``spaces_config.json``, model
files, trajectories) used to be ``0600``; they must follow the umask like any other output.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from pathlib import Path

from test_train_cli import FAST, MAZE_RUN

UMASK = 0o022


def _maze_run(args: list[str], cwd: Path) -> None:
    proc = subprocess.run([*MAZE_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=180, umask=UMASK)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


@contextlib.contextmanager
def _umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _modes(directory: Path) -> dict[str, int]:
    return {str(p.relative_to(directory)): stat.S_IMODE(p.stat().st_mode) for p in directory.rglob("*") if p.is_file()}


def test_training_and_rollout_outputs_have_the_mode_of_plain_files(tmp_path: Path) -> None:
    with _umask(UMASK):
        with open(tmp_path / "plain.txt", "w") as f:
            f.write("reference")
    expected = stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)
    assert expected == 0o644

    train = tmp_path / "train"
    _maze_run(["-cn", "conf_train", "wrappers=vector_obs", "algorithm=ppo", "algorithm.n_epochs=1", *FAST,
               f"hydra.run.dir={train}"], tmp_path)
    rollout = tmp_path / "rollout"
    _maze_run(["env.name=CartPole-v1", "wrappers=vector_obs", "policy=torch_policy", f"input_dir={train}", "runner=sequential",
               "runner.n_episodes=1", "runner.record_trajectory=true", "runner.record_event_logs=true",
               f"hydra.run.dir={rollout}"], tmp_path)

    train_modes, rollout_modes = _modes(train), _modes(rollout)
    for name in ("policy_0.png", "policy_0.pdf", "critic_0.png", "critic_0.pdf", "statistics.json", "spaces_config.json",
                 "state_dict.pt", "checkpoint.pt", ".hydra/config.yaml"):
        assert name in train_modes, f"{name} missing in {sorted(train_modes)}"
    assert "statistics.json" in rollout_modes
    assert any(n.startswith("trajectory_data/") and n.endswith(".traj.zip") for n in rollout_modes), sorted(rollout_modes)
    assert any(n.startswith("event_logs/") and n.endswith(".tsv") for n in rollout_modes), sorted(rollout_modes)
    wrong = {f"{d.name}/{n}": oct(m) for d, modes in ((train, train_modes), (rollout, rollout_modes)) for n, m in modes.items()
             if m != expected}
    assert not wrong, f"files not {oct(expected)} like a plain open(): {wrong}"
    assert not [n for n in {**train_modes, **rollout_modes} if ".tmp-" in n]  # no temp files left behind
