"""DummyCartPolePolicy, the LunarLander heuristic (config policy=lunar_lander_heuristics) and DefaultPolicy."""

from __future__ import annotations

import numpy as np
import pytest
from structured_dummy_env import GridMazeEnv

from maze.core.agent.default_policy import DefaultPolicy
from maze.core.agent.dummy_cartpole_policy import DummyCartPolePolicy
from maze.core.agent.heuristic_lunar_lander_policy import HeuristicLunarLanderPolicy
from maze.core.agent.policy import Policy
from maze.core.agent.random_policy import RandomPolicy
from maze.core.env.structured_env import ActorID
from maze.core.utils.config_utils import make_env, make_policy, read_hydra_config
from maze.core.utils.factory import ConfigError
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv


def _episode(env, policy, seed):
    obs, _ = env.reset(seed=seed)
    total, steps, reward = 0.0, 0, 0.0
    while True:
        obs, reward, terminated, truncated, _ = env.step(policy.compute_action(obs, actor_id=env.actor_id()))
        total, steps = total + reward, steps + 1
        if terminated or truncated:
            return total, steps, terminated, reward


def test_dummy_cartpole_policy_balances_far_longer_than_random():
    env = GymMazeEnv("CartPole-v1")
    heuristic = [_episode(env, DummyCartPolePolicy(), seed)[1] for seed in range(5)]
    random = [_episode(env, RandomPolicy(env.action_spaces_dict, seed=0), seed)[1] for seed in range(5)]
    assert np.mean(heuristic) > 300 and np.mean(random) < 60
    candidates, probs = DummyCartPolePolicy().compute_top_action_candidates(env.reset(seed=0)[0], 2)
    assert len(candidates) == 2 and probs == [1.0, 0.0] and candidates[0] != candidates[1]
    with pytest.raises(ValueError, match="4 values"):
        DummyCartPolePolicy().compute_action({"observation": np.zeros(3)})


@pytest.mark.parametrize("continuous", [False, True])
def test_lunar_lander_heuristic_lands(continuous):
    pytest.importorskip("Box2D")
    env = GymMazeEnv("LunarLander-v3", continuous=continuous)
    policy = HeuristicLunarLanderPolicy(env.action_spaces_dict)
    assert policy.continuous is continuous
    for seed in range(3):
        total, steps, terminated, last_reward = _episode(env, policy, seed)
        # gymnasium ends the episode with +100 when the lander comes to rest (-100 for a crash)
        assert terminated and last_reward == 100 and total > 200, (seed, total, steps)
    env.close()


def test_lunar_lander_heuristic_through_its_config():
    pytest.importorskip("Box2D")
    cfg = read_hydra_config(env="gym_env", policy="lunar_lander_heuristics", **{"env.name": "LunarLander-v3"})
    env = make_env(cfg.env, cfg.wrappers)
    policy = make_policy(cfg.policy, env)
    assert isinstance(policy, HeuristicLunarLanderPolicy) and not policy.continuous
    total, _, terminated, _ = _episode(env, policy, seed=4)
    assert terminated and total > 200
    with pytest.raises(ValueError, match="8 values"):
        policy.compute_action({"observation": np.zeros(4)})


class _Constant(Policy):
    def __init__(self, value: int, action_spaces_dict=None) -> None:
        self.value, self.spaces, self.seeds = value, action_spaces_dict, []

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        self.seeds.append(seed)

    def compute_action(self, observation, maze_state=None, env=None, actor_id=None, deterministic=False):
        return {"step" if actor_id is None else actor_id.step_key: self.value}


def test_default_policy_routes_each_sub_step_to_its_policy():
    env = GridMazeEnv(size=3, max_steps=4)
    policy = DefaultPolicy({"row": _Constant(2), "col": {"_target_": "test_builtin_policies._Constant", "value": 1}},
                           action_spaces_dict=env.action_spaces_dict)
    assert policy.policies["col"].spaces is env.action_spaces_dict  # the env's declarations reach configs
    obs, _ = env.reset(seed=0)
    assert policy.compute_action(obs, actor_id=env.actor_id()) == {"row": 2}
    env.step({"row": 2})
    assert policy.compute_action(obs, actor_id=env.actor_id()) == {"col": 1}
    policy.seed(10)
    assert policy.policies["row"].seeds == [10] and policy.policies["col"].seeds == [11]
    with pytest.raises(ValueError, match="pass actor_id"):
        policy.compute_action(obs)
    with pytest.raises(KeyError, match="no policy for policy ID 'other'"):
        policy.compute_action(obs, actor_id=ActorID("other", 0))
    listed = DefaultPolicy([_Constant(0)])
    assert listed.compute_action(obs, actor_id=ActorID(0, 0)) == {0: 0}
    assert listed.compute_action(obs) == {"step": 0}  # a single policy needs no actor ID
    with pytest.raises(ConfigError, match="expected at least one policy"):
        DefaultPolicy({})
