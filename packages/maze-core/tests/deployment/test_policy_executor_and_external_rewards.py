"""AgentDeployment's PolicyExecutor (deterministic flag) and ExternalCoreEnvRewardAggregator (iterable rewards)."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest

from maze.core.agent.dummy_cartpole_policy import DummyCartPolePolicy
from maze.core.agent.policy import Policy
from maze.core.agent_deployment.agent_deployment import AgentDeployment
from maze.core.agent_deployment.external_core_env import ExternalCoreEnvRewardAggregator
from maze.core.agent_deployment.policy_executor import PolicyExecutor
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.wrapper import RewardWrapper


class RewardRecorder(RewardWrapper):
    """Remembers every reward the wrapper stack passes up."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.rewards: list[float] = []

    def reward(self, reward: Any) -> Any:
        self.rewards.append(reward)
        return reward


class DeterministicFlagPolicy(Policy):
    """Action 1 when asked for deterministic actions, else 0."""

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        pass

    def compute_action(self, observation, maze_state=None, env=None, actor_id=None, deterministic=False):
        return {"action": int(deterministic)}


def test_external_rewards_are_summed_when_they_come_as_iterables():
    aggregator = ExternalCoreEnvRewardAggregator()
    for reported, expected in [(1.5, 1.5), ([1.0, 2.0, 0.5], 3.5), (np.array([[1, 2], [3, 4]]), 10.0), (None, 0.0)]:
        aggregator.set_reward(reported)
        assert aggregator.summarize_reward() == expected
    aggregator.set_reward("lots")
    with pytest.raises(TypeError, match="reported reward 'lots'; expected a number or an iterable of numbers"):
        aggregator.summarize_reward()


def test_deployment_passes_summed_external_rewards_up_the_stack():
    env = RewardRecorder(GymMazeEnv("CartPole-v1"))
    with AgentDeployment(policy=DummyCartPolePolicy(), env=env) as deployment:
        assert isinstance(deployment.executor, PolicyExecutor)
        external = gym.make("CartPole-v1")
        state, _ = external.reset(seed=0)
        deployment.act(state, 0.0, False, {})
        for rewards in ([1.0, 0.5], (2.0,), 3.0):
            state, *_ = external.step(1)
            deployment.act(state, rewards, False, {})
        deployment.close(state, [0.25, 0.25], True, {})
    assert env.rewards == [1.5, 2.0, 3.0, 0.5]


@pytest.mark.parametrize("deterministic", [False, True])
def test_policy_executor_asks_for_deterministic_actions_when_configured(deterministic):
    with AgentDeployment(policy=DeterministicFlagPolicy(), env=GymMazeEnv("CartPole-v1"),
                         deterministic=deterministic) as deployment:
        state, _ = gym.make("CartPole-v1").reset(seed=1)
        assert deployment.act(state, 0.0, False, {}) == int(deterministic)
