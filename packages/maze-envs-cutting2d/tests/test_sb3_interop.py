"""Stable-Baselines3 trains on Cutting-2D flat: its Dict action space becomes a MultiDiscrete (NoDictSpacesWrapper,
DictToMultiDiscreteActionWrapper), built in plain Python and from the Hydra config (make_env_from_hydra)."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from maze.core.utils.config_utils import make_env_from_hydra
from maze.core.wrappers.dict_to_flat_action_wrappers import DictToMultiDiscreteActionWrapper
from maze.core.wrappers.no_dict_spaces_wrapper import NoDictSpacesWrapper
from maze.envs.cutting2d.env.maze_env import Cutting2DEnvironment, make_cutting2d_env

sb3 = pytest.importorskip("stable_baselines3")

SIMPLE_DEMAND = [[1, 2], [1, 2], [1, 1], [2, 2], [1, 2], [1, 1]]


def check_without_warnings(env):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a seed() method, a space mismatch, ... would warn
        check_env(env, skip_render_check=True)


def learn_and_predict(env, policy: str = "MlpPolicy", steps: int = 256):
    model = sb3.PPO(policy, env, n_steps=128, batch_size=64, n_epochs=2, seed=0, device="cpu", verbose=0)
    model.learn(total_timesteps=steps)
    assert model.num_timesteps >= steps
    obs, _ = env.reset(seed=2)
    received = []
    for _ in range(10):
        action, _ = model.predict(obs, deterministic=False)
        assert env.action_space.contains(action), action
        obs, _, terminated, truncated, _ = env.step(action)
        received.append(env.maze_env.get_maze_action())
        if terminated or truncated:
            obs, _ = env.reset()
    return received


def test_plain_python_cutting2d_flat_with_ppo():
    maze_env = make_cutting2d_env(max_pieces_in_inventory=50, raw_piece_size=(4, 3), static_demand=SIMPLE_DEMAND,
                                  max_steps=180)
    env = NoDictSpacesWrapper(maze_env)
    assert env.action_space == gym.spaces.MultiDiscrete([2, 2, 50])  # cut_order, cut_rotation, piece_idx
    assert isinstance(env.observation_space, gym.spaces.Box) and env.observation_space.shape == (50 * 2 + 1 + 2,)
    check_without_warnings(env)
    maze_actions = learn_and_predict(env)
    # the flat actions reached the env as Cutting-2D MazeActions with pieces in the inventory range
    assert all(0 <= a.piece_id < 50 and a.rotate in (0, 1, False, True) for a in maze_actions)


def test_hydra_cutting2d_flat_with_ppo():
    env = NoDictSpacesWrapper(make_env_from_hydra(env="cutting2d_flat", **{"env.core_env.max_steps": 50}))
    assert isinstance(env.maze_env, Cutting2DEnvironment)
    check_without_warnings(env)
    learn_and_predict(env)
    env.reset(seed=0)
    steps, done = 0, False
    while not done:
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        steps, done = steps + 1, terminated or truncated
    assert steps == 50  # the override reached the core env


def test_dict_observations_with_multi_input_policy():
    """Only the actions flattened: SB3's MultiInputPolicy reads the Dict observations directly."""
    env = DictToMultiDiscreteActionWrapper(make_env_from_hydra(env="cutting2d_flat"))
    assert isinstance(env.observation_space, gym.spaces.Dict)
    check_without_warnings(env)
    learn_and_predict(env, policy="MultiInputPolicy", steps=128)


def test_gymnasium_id_gives_the_same_problem_as_the_python_construction():
    """``gym.make("maze/Cutting2D-v0")`` builds the documented simple problem: with the same seed and actions its
    flattened trajectory equals the plain-Python env's."""
    import maze.envs.cutting2d  # noqa: F401  (registers the ids)

    from_id = NoDictSpacesWrapper(gym.make("maze/Cutting2D-v0").unwrapped)
    by_hand = NoDictSpacesWrapper(make_cutting2d_env(max_pieces_in_inventory=50, raw_piece_size=(4, 3),
                                                     static_demand=SIMPLE_DEMAND, max_steps=180))
    obs_a, _ = from_id.reset(seed=0)
    obs_b, _ = by_hand.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(20):
        np.testing.assert_array_equal(obs_a, obs_b)
        action = np.asarray([rng.integers(2), rng.integers(2), rng.integers(3)])
        obs_a, reward_a, *_ = from_id.step(action)
        obs_b, reward_b, *_ = by_hand.step(action)
        assert reward_a == reward_b
