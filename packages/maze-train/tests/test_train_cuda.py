"""``algorithm.device=cuda``: models, batches and distributions on the accelerator, rollouts on the CPU. Runs where
an accelerator is available (skipped elsewhere)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]


def _run(args: list[str], cwd: Path) -> None:
    proc = subprocess.run([*MAZE_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.mark.parametrize("algorithm", ["a2c", "ppo"])
def test_actor_critic_trains_on_cuda(algorithm: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    _run(["-cn", "conf_train", "env.name=CartPole-v1", f"algorithm={algorithm}", "algorithm.device=cuda",
          "algorithm.n_epochs=2", "algorithm.epoch_length=2", "algorithm.n_rollout_steps=16",
          "algorithm.rollout_evaluator.n_episodes=1", "runner.concurrency=2", f"hydra.run.dir={out}"], tmp_path)
    weights = torch.load(out / "state_dict.pt", weights_only=True, map_location="cpu")
    assert weights["policy"] and weights["critic"]


def test_bc_trains_on_cuda(tmp_path: Path) -> None:
    data = tmp_path / "demos"
    _run(["env.name=CartPole-v1", "runner=sequential", "runner.n_episodes=4", "runner.record_trajectory=true",
          "seeding.env_base_seed=1", f"hydra.run.dir={data}"], tmp_path)
    out = tmp_path / "bc"
    _run(["-cn", "conf_train", "env.name=CartPole-v1", "algorithm=bc", "algorithm.device=cuda", "algorithm.n_epochs=2",
          "algorithm.validation_percentage=50", f"runner.dataset.input_data={data / 'trajectory_data'}",
          f"hydra.run.dir={out}"], tmp_path)
    assert (out / "state_dict.pt").is_file()
