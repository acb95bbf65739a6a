"""Behavioural cloning: imitate a CartPole heuristic from recorded trajectories, then fine-tune with PPO."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from maze.core.rollout.sequential_rollout_runner import SequentialRolloutRunner
from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.agent.serialized_torch_policy import SerializedTorchPolicy

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]


def heuristic(obs: dict) -> dict:
    o = obs["observation"]
    return {"action": np.int64(3 * o[2] + o[3] > 0)}


def record(directory: Path, n_episodes: int, max_steps: int = 200) -> None:
    env = TrajectoryRecordingWrapper(GymMazeEnv("CartPole-v1"), writers=[TrajectoryWriterFile(directory)])
    for ep in range(n_episodes):
        obs, _ = env.reset(seed=ep)
        for _ in range(max_steps):
            obs, _, term, trunc, _ = env.step(heuristic(obs))
            if term or trunc:
                break
    env.close()


def test_bc_imitates_heuristic_and_ppo_fine_tunes(tmp_path: Path) -> None:
    data = tmp_path / "trajectory_data"
    record(data, n_episodes=10)
    bc_dir = tmp_path / "bc"
    proc = subprocess.run([*MAZE_RUN, "-cn", "conf_train", "env.name=CartPole-v1", "algorithm=bc", "algorithm.n_epochs=15", "algorithm.optimizer.lr=0.003",
                           "algorithm.validation_percentage=20", f"runner.dataset.input_data={data}",
                           "seeding.env_base_seed=0", "seeding.agent_base_seed=0", f"hydra.run.dir={bc_dir}"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "eval  ImitationEvents" in proc.stdout and "-> new overall best model" in proc.stdout
    acc = EventAccumulator(str(bc_dir))
    acc.Reload()
    accuracy = acc.Scalars("eval_ImitationEvents/discrete_accuracy/0/action")
    assert accuracy[-1].value > 0.9, [a.value for a in accuracy]

    # the cloned policy acts like the heuristic (it balances the pole)
    env = GymMazeEnv("CartPole-v1")
    policy = SerializedTorchPolicy(str(bc_dir), action_spaces_dict=env.action_spaces_dict,
                                   observation_spaces_dict=env.observation_spaces_dict, deterministic=True)
    runner = SequentialRolloutRunner(n_episodes=3, max_episode_steps=300)
    results = runner.run_with(env, policy)
    assert np.mean([r.total_reward for r in results]) >= 200

    # fine-tuning: PPO starts from the BC weights (policy only; fresh critic)
    ft_dir = tmp_path / "ppo_ft"
    proc = subprocess.run([*MAZE_RUN, "-cn", "conf_train", "env.name=CartPole-v1", "algorithm=ppo", "algorithm.n_epochs=1",
                           "algorithm.epoch_length=1", "algorithm.n_rollout_steps=20", "algorithm.lr=0.0",
                           "algorithm.rollout_evaluator.n_episodes=2", f"input_dir={bc_dir}", "runner.concurrency=2",
                           f"hydra.run.dir={ft_dir}"], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Initializing from" in proc.stdout and "state_dict.pt" in proc.stdout
    bc_weights = torch.load(bc_dir / "state_dict.pt", weights_only=True)["policy"]
    ft_weights = torch.load(ft_dir / "checkpoint.pt", weights_only=True)["model"]["policy"]
    for net, params in bc_weights.items():
        for name, value in params.items():
            torch.testing.assert_close(ft_weights[net][name], value)


@pytest.mark.needs_cutting2d
def test_bc_imitates_the_greedy_cutting2d_policy(tmp_path: Path) -> None:
    """Trajectories of the greedy heuristic recorded by a maze-core rollout → BC → the clone is as good."""
    import re

    def maze_run(*args: str) -> str:
        proc = subprocess.run([*MAZE_RUN, *args], cwd=tmp_path, capture_output=True, text=True, timeout=240,
                              env={**__import__("os").environ, "MPLBACKEND": "Agg"})
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        return proc.stdout

    def raw_pieces(stdout: str) -> float:
        match = re.search(r"InventoryEvents\s+piece_replenished\s+mean_episode_total\s+\|\s+([\d.]+)", stdout)
        assert match, stdout[-2000:]
        return float(match.group(1))

    greedy_dir = tmp_path / "greedy"
    greedy = maze_run("env=cutting2d_struct_masked", "policy=cutting2d_greedy_policy", "runner=sequential",
                      "runner.n_episodes=5", "runner.record_trajectory=true", f"hydra.run.dir={greedy_dir}")
    assert raw_pieces(greedy) == 31.0  # the optimum of the simple problem
    bc_dir = tmp_path / "bc_cutting"
    maze_run("-cn", "conf_train", "env=cutting2d_struct_masked", "model=mlp_cutting2d_masked", "algorithm=bc",
             "algorithm.n_epochs=15", "algorithm.optimizer.lr=0.003", f"runner.dataset.input_data={greedy_dir / 'trajectory_data'}",
             "seeding.env_base_seed=0", "seeding.agent_base_seed=0", f"hydra.run.dir={bc_dir}")
    acc = EventAccumulator(str(bc_dir))
    acc.Reload()
    accuracies = {tag: acc.Scalars(tag)[-1].value for tag in acc.Tags()["scalars"] if "eval_ImitationEvents/discrete_accuracy" in tag}
    # one record per core step pairs each state with its own complete MazeAction: the greedy decisions are a
    # function of the (masked) observations and are learned almost perfectly
    assert accuracies["eval_ImitationEvents/discrete_accuracy/1/cut_rotation"] > 0.95, accuracies
    assert accuracies["eval_ImitationEvents/discrete_accuracy/1/cut_order"] > 0.95, accuracies
    assert accuracies["eval_ImitationEvents/discrete_accuracy/0/piece_idx"] > 0.95, accuracies
    clone = maze_run("env=cutting2d_struct_masked", "policy=torch_policy", "policy.deterministic=true", f"input_dir={bc_dir}",
                     "runner=sequential", "runner.n_episodes=2", f"hydra.run.dir={tmp_path / 'clone_rollout'}")
    random = maze_run("env=cutting2d_struct_masked", "policy=masked_random_policy", "runner=sequential",
                      "runner.n_episodes=2", "seeding.env_base_seed=0", f"hydra.run.dir={tmp_path / 'random_rollout'}")
    # as economical as the heuristic (the optimum of 31) and clearly better than random valid cutting
    assert raw_pieces(clone) == 31.0
    assert raw_pieces(clone) < raw_pieces(random)
