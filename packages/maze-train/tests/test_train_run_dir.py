"""The run-dir format every algorithm shares: a run always ends with a loadable best model (also a resumed run whose
saved best score cannot be beaten), unreadable files are named, and a truncated checkpoint falls back to the best
model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from maze.train.trainers.common.run_dir import RunDir, RunDirError, load_torch_file

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
PPO = ["-cn", "conf_train", "env.name=CartPole-v1", "model=mlp", "algorithm=ppo", "algorithm.epoch_length=1",
       "algorithm.n_rollout_steps=16", "algorithm.rollout_evaluator.n_episodes=1", "runner.concurrency=1",
       "seeding.env_base_seed=1", "seeding.agent_base_seed=2"]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([*MAZE_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("runs")
    out = cwd / "first"
    _run([*PPO, "algorithm.n_epochs=1", f"hydra.run.dir={out}"], cwd)
    return out


def test_a_resumed_run_that_cannot_beat_the_saved_best_still_holds_the_best_model(first_run: Path, tmp_path: Path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("state_dict.pt", "spaces_config.json"):
        (source / name).write_bytes((first_run / name).read_bytes())
    checkpoint = torch.load(first_run / "checkpoint.pt", weights_only=True)
    checkpoint["model_selection"]["best_reward"] = 500.0  # CartPole's maximum: no later evaluation can beat it
    torch.save(checkpoint, source / "checkpoint.pt")

    resumed = tmp_path / "resumed"
    proc = _run([*PPO, "algorithm.n_epochs=2", f"input_dir={source}", f"hydra.run.dir={resumed}"], tmp_path)
    assert "Resuming at epoch 1" in proc.stdout and "new overall best model" not in proc.stdout
    carried = torch.load(resumed / "state_dict.pt", weights_only=True)  # the best model it resumed with
    original = torch.load(source / "state_dict.pt", weights_only=True)
    for net, params in original["policy"].items():
        for name, value in params.items():
            assert torch.equal(carried["policy"][net][name], value)
    rollout = _run(["env.name=CartPole-v1", "policy=torch_policy", f"input_dir={resumed}", "runner=sequential",
                    "runner.n_episodes=1", f"hydra.run.dir={tmp_path / 'rollout'}"], tmp_path)
    assert "episode 1/1" in rollout.stdout


def test_a_truncated_checkpoint_falls_back_to_the_best_model(first_run: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("state_dict.pt", "spaces_config.json"):
        (source / name).write_bytes((first_run / name).read_bytes())
    data = (first_run / "checkpoint.pt").read_bytes()
    (source / "checkpoint.pt").write_bytes(data[: len(data) // 2])

    with pytest.raises(RunDirError, match=r"cannot read '.*checkpoint\.pt': the file is truncated"):
        load_torch_file(str(source / "checkpoint.pt"))
    with pytest.warns(RuntimeWarning, match="fine-tuning from the best model"):
        initial = RunDir.existing(str(source)).initial_state("actor_critic")
    assert not initial.resume and initial.path.endswith("state_dict.pt") and "policy" in initial.model_state

    out = tmp_path / "finetuned"
    proc = _run([*PPO, "algorithm.n_epochs=1", f"input_dir={source}", f"hydra.run.dir={out}"], tmp_path)
    assert "Initializing from" in proc.stdout and "state_dict.pt" in proc.stdout
    assert (out / "state_dict.pt").is_file()


def test_input_dir_problems_name_the_directory_or_file(tmp_path: Path) -> None:
    with pytest.raises(RunDirError, match="input_dir is empty"):
        RunDir.existing("")
    with pytest.raises(RunDirError, match="does not exist"):
        RunDir.existing(str(tmp_path / "missing"))
    with pytest.raises(RunDirError, match="contains neither 'checkpoint.pt' nor 'state_dict.pt'"):
        RunDir.existing(str(tmp_path)).initial_state("actor_critic")
    (tmp_path / "state_dict.pt").write_bytes(b"not a zip file at all")
    with pytest.raises(RunDirError, match=r"cannot read '.*state_dict\.pt'"):
        RunDir.existing(str(tmp_path)).load_best_model()


def test_a_truncated_best_model_in_a_rollout_names_the_file_in_one_line(first_run: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / ".hydra").mkdir(parents=True)
    for name in ("spaces_config.json", ".hydra/config.yaml"):
        (source / name).write_bytes((first_run / name).read_bytes())
    data = (first_run / "state_dict.pt").read_bytes()
    (source / "state_dict.pt").write_bytes(data[: len(data) // 3])
    proc = subprocess.run([*MAZE_RUN, "env.name=CartPole-v1", "policy=torch_policy", f"input_dir={source}",
                           "runner=sequential", "runner.n_episodes=1", f"hydra.run.dir={tmp_path / 'rollout'}"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert f"cannot read '{source / 'state_dict.pt'}': the file is truncated" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr  # one clear error, not torch's raw stack
