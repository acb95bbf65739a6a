"""Bad input: clear errors naming the offending value, before training starts; NaN losses stop the run safely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from train_helpers import make_actor_critic

from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.wrapper import RewardWrapper
from maze.distributions.distribution_mapper import DistributionMapper
from maze.train.agent.model_building import ModelMismatchError, check_policy_outputs
from maze.train.agent.simple_nets import FlattenConcatMLP
from maze.train.agent.torch_policy import TorchPolicy
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.trainers.a2c.a2c_algorithm_config import A2CAlgorithmConfig
from maze.train.trainers.a2c.a2c_trainer import A2C
from maze.train.trainers.common.config_classes import AlgorithmConfigError
from maze.train.trainers.common.run_dir import RunDir
from maze.train.trainers.common.trainer import TrainingDivergedError, TrainingRun
from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
FAST = ["env.name=CartPole-v1", "algorithm.epoch_length=2", "algorithm.n_rollout_steps=10",
        "algorithm.rollout_evaluator.n_episodes=1", "runner.concurrency=1"]


def run_failing(args: list[str], cwd: Path) -> str:
    proc = subprocess.run([*MAZE_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    return proc.stdout + proc.stderr


def test_unknown_algorithm_lists_options(tmp_path: Path) -> None:
    out = run_failing(["-cn", "conf_train", "algorithm=nope"], tmp_path)
    assert "nope" in out and "a2c" in out and "ppo" in out and "bc" in out


def test_unknown_model_lists_options(tmp_path: Path) -> None:
    out = run_failing(["-cn", "conf_train", "model=nope"], tmp_path)
    assert "nope" in out and "mlp" in out


def test_input_dir_without_checkpoint_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = run_failing(["-cn", "conf_train", "algorithm=a2c", "algorithm.n_epochs=1", *FAST, f"input_dir={empty}",
                       f"hydra.run.dir={tmp_path / 'o'}"], tmp_path)
    assert "neither 'checkpoint.pt' nor 'state_dict.pt'" in out
    assert "Epoch 0" not in out  # refused before training


def test_input_dir_with_incompatible_model_is_refused(tmp_path: Path) -> None:
    first = tmp_path / "first"
    proc = subprocess.run([*MAZE_RUN, "-cn", "conf_train", "algorithm=a2c", "model=mlp", "algorithm.n_epochs=1", *FAST,
                           f"hydra.run.dir={first}"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = run_failing(["-cn", "conf_train", "algorithm=a2c", "model=mlp", "algorithm.n_epochs=1", *FAST, "model.hidden_units=[16]",
                       f"input_dir={first}", f"hydra.run.dir={tmp_path / 'second'}"], tmp_path)
    assert "incompatible" in out and "checkpoint shape" in out
    assert "Epoch 0" not in out


def test_model_output_mismatch_names_head_and_shapes() -> None:
    env = GymMazeEnv("CartPole-v1")
    mapper = DistributionMapper(env.action_spaces_dict[0], {})
    wrong = TorchPolicy({0: FlattenConcatMLP(env.observation_spaces_dict[0], {"action": (3,)})}, mapper)
    with pytest.raises(ModelMismatchError, match=r"'action' outputs logits of shape \(3,\).*needs shape \(2,\)"):
        check_policy_outputs(wrong, env.observation_spaces_dict, env.action_spaces_dict)
    missing = TorchPolicy({0: FlattenConcatMLP(env.observation_spaces_dict[0], {"other": (2,)})}, mapper)
    with pytest.raises(ModelMismatchError, match="no output for action head 'action'"):
        check_policy_outputs(missing, env.observation_spaces_dict, env.action_spaces_dict)


def test_algorithm_config_validation_names_field() -> None:
    with pytest.raises(AlgorithmConfigError, match=r"algorithm.clip_range=1.5 is invalid: expected .*PPOAlgorithmConfig"):
        PPOAlgorithmConfig(clip_range=1.5)
    with pytest.raises(AlgorithmConfigError, match="gamma"):
        A2CAlgorithmConfig(gamma=1.2)
    with pytest.raises(AlgorithmConfigError, match=r"unknown algorithm parameter\(s\) \['algorithm.lrr'\] of PPOAlgorithmConfig"):
        PPOAlgorithmConfig.from_config({"lrr": 0.1})
    with pytest.raises(TypeError):
        A2CAlgorithmConfig(0)  # keyword-only


class NaNAfter(RewardWrapper):
    """Rewards turn NaN once ``limit`` steps were taken (across episodes)."""

    def __init__(self, env, limit: int) -> None:
        super().__init__(env)
        self.limit = limit
        self.count = 0

    def reward(self, reward):
        self.count += 1
        return float("nan") if self.count > self.limit else reward


def test_nan_loss_stops_with_epoch_and_keeps_checkpoint(tmp_path: Path) -> None:
    env = SequentialVectorEnv([lambda: NaNAfter(GymMazeEnv("CartPole-v1"), limit=2 * 10)])
    model = make_actor_critic(env)
    cfg = A2CAlgorithmConfig(n_epochs=3, epoch_length=2, n_rollout_steps=10, rollout_evaluator=None, patience=0)
    trainer = A2C(cfg, env, model, seed=0, run=TrainingRun(run_dir=RunDir(str(tmp_path))))
    with pytest.raises(TrainingDivergedError, match=r"epoch 1: the loss is nan"):
        trainer.train()
    checkpoint = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    assert checkpoint["epoch"] == 1
    for params in checkpoint["model"]["policy"].values():
        assert all(np.isfinite(v.numpy()).all() for v in params.values())
