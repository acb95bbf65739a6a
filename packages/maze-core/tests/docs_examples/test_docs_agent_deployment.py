"""Reference docs, "Agent Deployment": a deployment agent from instances and from a Hydra config, driven by an
external CartPole that the agent does not step (gymnasium adaptation: the external env's 5-tuple ``step``)."""

from __future__ import annotations

import gymnasium as gym
import pytest

from maze.core.agent.random_policy import RandomPolicy
from maze.core.agent_deployment.agent_deployment import AgentDeployment
from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.log_stats.log_stats import LogStatsLevel
from maze.core.utils.config_utils import read_hydra_config
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv


def test_full_cartpole_example_runs_an_episode_from_external_states():
    env = GymMazeEnv("CartPole-v1")  # the docs' CartPole-v0
    policy = RandomPolicy(action_spaces_dict=env.action_spaces_dict)
    stats_env = LogStatsWrapper.wrap(env)  # to check what the stack saw
    agent_deployment = AgentDeployment(policy=policy, env=stats_env)

    # an external production env that does not use Maze
    external_env = gym.make("CartPole-v1")
    maze_state, _ = external_env.reset(seed=11)
    reward, done, info = 0, False, {}
    actions = []
    for _ in range(10):
        maze_action = agent_deployment.act(maze_state, reward, done, info)
        assert external_env.action_space.contains(maze_action)  # a MazeAction of the gym env: its own action
        actions.append(maze_action)
        maze_state, reward, terminated, truncated, info = external_env.step(maze_action)
        done = terminated or truncated
        if done:
            break
    agent_deployment.close(maze_state, reward, done, info)

    assert agent_deployment.episode_count == 1
    # the wrapper stack stepped once per external step, with the external rewards
    assert stats_env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPISODE, name="count") == len(actions)
    assert stats_env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPISODE, name="sum") == pytest.approx(len(actions))
    agent_deployment.shutdown()
    external_env.close()


def test_deployment_from_a_rollout_config():
    # a rollout config (conf_rollout), so that the policy config is there as well; the docs' module name maze.conf
    cfg = read_hydra_config(config_module="maze.conf", config_name="conf_rollout", env="gym_env")
    assert cfg.env.name == "CartPole-v1" and cfg.policy._target_ == "maze.core.agent.random_policy.RandomPolicy"
    with AgentDeployment(policy=cfg.policy, env=cfg.env, wrappers=cfg.wrappers) as agent_deployment:
        external_env = gym.make(cfg.env.name)
        maze_state, _ = external_env.reset(seed=2)
        reward, done, info = 0.0, False, {}
        for _ in range(5):
            maze_action = agent_deployment.act(maze_state, reward, done, info)
            assert maze_action in (0, 1)
            maze_state, reward, terminated, truncated, info = external_env.step(maze_action)
            done = terminated or truncated
            if done:
                break
        agent_deployment.close(maze_state, reward, done, info)
        assert agent_deployment.episode_count == 1
        external_env.close()
