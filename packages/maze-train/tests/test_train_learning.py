"""Learning tests: A2C and PPO learn CartPole-v1 (fixed seeds, small budgets)."""

from __future__ import annotations

import torch
from train_helpers import make_actor_critic

from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.trainers.a2c.a2c_algorithm_config import A2CAlgorithmConfig
from maze.train.trainers.a2c.a2c_trainer import A2C
from maze.train.trainers.common.evaluators.rollout_evaluator import RolloutEvaluator
from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection
from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
from maze.train.trainers.ppo.ppo_trainer import PPO


def cartpole() -> GymMazeEnv:
    return GymMazeEnv("CartPole-v1")


def _train(trainer_cls, cfg, seed: int) -> BestModelSelection:
    torch.manual_seed(seed)
    env = SequentialVectorEnv([cartpole] * 8)
    model = make_actor_critic(env)
    selection = BestModelSelection(None, model, verbose=False)
    evaluator = RolloutEvaluator(SequentialVectorEnv([cartpole] * 4), n_episodes=4, model_selection=selection, seeds=100)
    trainer = trainer_cls(cfg, env, model, evaluator=evaluator, seed=seed)
    trainer.train()
    env.close()
    return selection


def test_ppo_learns_cartpole() -> None:
    cfg = PPOAlgorithmConfig(n_epochs=8, epoch_length=8, n_rollout_steps=32, lr=0.001, gamma=0.98, gae_lambda=0.8,
                             entropy_coef=0.0, batch_size=256, n_optimization_epochs=20, patience=0, rollout_evaluator=None)
    selection = _train(PPO, cfg, seed=1)  # 8 * 8 * 32 * 8 = 16k env steps
    assert selection.best_reward >= 400, selection.best_reward


def test_a2c_learns_cartpole() -> None:
    cfg = A2CAlgorithmConfig(n_epochs=10, epoch_length=40, n_rollout_steps=8, lr=0.003, gamma=0.99, gae_lambda=1.0,
                             entropy_coef=0.0, patience=0, max_grad_norm=0.5, rollout_evaluator=None)
    selection = _train(A2C, cfg, seed=1)  # 10 * 40 * 8 * 8 = 25.6k env steps
    assert selection.best_reward >= 150, selection.best_reward
