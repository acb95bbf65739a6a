"""GAE against hand-computed values, including bootstrapping on truncation vs. termination."""

from __future__ import annotations

import numpy as np
import torch
from train_helpers import make_actor_critic

from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.trainers.a2c.a2c_algorithm_config import A2CAlgorithmConfig
from maze.train.trainers.a2c.a2c_trainer import A2C
from maze.train.trainers.common.actor_critic.rollout import compute_gae
from maze.train.utils.train_utils import to_tensor_dict

R = np.array([[1.0], [1.0], [1.0]])
V = np.array([[0.5], [0.4], [0.3]])


def _next(v_final: float, v_boot: float) -> np.ndarray:
    return np.array([[0.4], [v_final], [v_boot]])


def test_truncation_bootstraps_from_final_observation_value() -> None:
    term = np.zeros((3, 1), dtype=bool)
    trunc = np.array([[False], [True], [False]])
    adv, ret = compute_gae(R, V, _next(2.0, 0.7), term, trunc, gamma=0.9, gae_lambda=1.0)
    # deltas: 1+0.9*0.4-0.5=0.86, 1+0.9*2.0-0.4=2.4, 1+0.9*0.7-0.3=1.33; no propagation across t=1
    np.testing.assert_allclose(adv[:, 0], [0.86 + 0.9 * 2.4, 2.4, 1.33])
    np.testing.assert_allclose(ret[:, 0], [1 + 0.9 * (1 + 0.9 * 2.0), 1 + 0.9 * 2.0, 1 + 0.9 * 0.7])


def test_termination_does_not_bootstrap() -> None:
    term = np.array([[False], [True], [False]])
    trunc = np.zeros((3, 1), dtype=bool)
    adv, ret = compute_gae(R, V, _next(2.0, 0.7), term, trunc, gamma=0.9, gae_lambda=1.0)
    np.testing.assert_allclose(ret[:, 0], [1.9, 1.0, 1.63])
    np.testing.assert_allclose(adv[:, 0], [1.9 - 0.5, 0.6, 1.33])


def test_lambda_mixes_td_errors() -> None:
    term = np.zeros((3, 1), dtype=bool)
    trunc = np.array([[False], [True], [False]])
    adv, _ = compute_gae(R, V, _next(2.0, 0.7), term, trunc, gamma=0.9, gae_lambda=0.5)
    np.testing.assert_allclose(adv[:, 0], [0.86 + 0.45 * 2.4, 2.4, 1.33])
    adv0, _ = compute_gae(R, V, _next(2.0, 0.7), term, trunc, gamma=0.9, gae_lambda=0.0)
    np.testing.assert_allclose(adv0[:, 0], [0.86, 2.4, 1.33])


def test_trainer_uses_final_observation_on_truncation() -> None:
    """CartPole cut by a 5-step time limit: returns at truncated steps are r + gamma * V(final observation)."""
    torch.manual_seed(0)
    env = SequentialVectorEnv([lambda: GymMazeEnv("CartPole-v1", max_episode_steps=5)] * 2)
    model = make_actor_critic(env)
    cfg = A2CAlgorithmConfig(n_rollout_steps=12, gamma=0.9, gae_lambda=0.0, normalize_advantages=False, rollout_evaluator=None)
    trainer = A2C(cfg, env, model, seed=3)
    batch = trainer.collect()
    trainer.prepare_batch(batch)
    assert batch.final_observations, "the 5-step limit must truncate episodes within 12 steps"
    for t, i, final_obs, _ in batch.final_observations:
        with torch.no_grad():
            obs = to_tensor_dict({k: np.asarray(v)[None] for k, v in final_obs.items()})
            v_final = float(model.critic.predict_value(obs, 0)[0])
        assert batch.truncated[t][i] and not batch.terminated[t][i]
        np.testing.assert_allclose(batch.returns[t, i], batch.rewards[t][i] + 0.9 * v_final, rtol=1e-5)
        # the value of the reset observation (stored at t+1) must NOT be used
        if t + 1 < len(batch):
            assert abs(batch.values[t + 1, i] - v_final) > 1e-7
    env.close()
