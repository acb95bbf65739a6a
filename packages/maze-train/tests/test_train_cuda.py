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
          "seeding.env_base_seed=1", "seeding.agent_base_seed=1", f"hydra.run.dir={data}"], tmp_path)
    out = tmp_path / "bc"
    _run(["-cn", "conf_train", "env.name=CartPole-v1", "algorithm=bc", "algorithm.device=cuda", "algorithm.n_epochs=2",
          "algorithm.validation_percentage=50", f"runner.dataset.input_data={data / 'trajectory_data'}",
          f"hydra.run.dir={out}"], tmp_path)
    assert (out / "state_dict.pt").is_file()


def test_fused_adam_on_cuda_matches_torch_and_moves_checkpoints_between_devices() -> None:
    from maze.train.utils.adam import FusedAdam, make_adam

    torch.manual_seed(0)
    a = torch.nn.Linear(8, 4).cuda()
    b = torch.nn.Linear(8, 4).cuda()
    b.load_state_dict(a.state_dict())
    theirs = torch.optim.Adam(a.parameters(), lr=1e-2, eps=1e-5, fused=True)
    ours = make_adam(list(b.parameters()), lr=1e-2)
    assert isinstance(ours, FusedAdam)
    for _ in range(5):
        x = torch.randn(16, 8, device="cuda")
        for net, opt in ((a, theirs), (b, ours)):
            opt.zero_grad()
            net(x).pow(2).sum().backward()
            opt.step()
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert ours.state[b.weight]["step"].device.type == "cuda"
    cpu_net = torch.nn.Linear(8, 4)
    cpu_opt = FusedAdam(list(cpu_net.parameters()), lr=1.0)
    cpu_opt.load_state_dict(ours.state_dict())  # a GPU checkpoint resumed on the CPU
    assert cpu_opt.state[cpu_net.weight]["exp_avg"].device.type == "cpu"
