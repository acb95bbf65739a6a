"""AgentDeployment driven by an external gymnasium CartPole: the full wrapper stack under inverted control."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest

from maze.core.agent.policy import Policy
from maze.core.agent_deployment.agent_deployment import AgentDeployment, AgentDeploymentError, MazeActionCandidates
from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.log_stats.log_stats import LogStatsLevel
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import ObservationNormalizationWrapper
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper

MEAN = np.array([0.0, 0.0, 0.0, 0.0], dtype=np.float32)
STD = np.array([1.0, 2.0, 0.1, 2.0], dtype=np.float32)


class BalancingPolicy(Policy):
    """Pushes towards the side the pole leans to; remembers every observation it saw."""

    def __init__(self) -> None:
        self.seen: list[np.ndarray] = []
        self.resets = 0

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        pass

    def reset(self) -> None:
        self.resets += 1

    def compute_action(self, observation: Any, maze_state: Any = None, env: Any = None, actor_id: Any = None,
                       deterministic: bool = False) -> Any:
        obs = np.asarray(observation["observation"])
        self.seen.append(obs.copy())
        return {"action": int(obs[2] + 0.5 * obs[3] > 0)}

    def compute_top_action_candidates(self, observation, num_candidates, maze_state=None, env=None, actor_id=None):
        best = self.compute_action(observation)["action"]
        return [{"action": best}, {"action": 1 - best}][:num_candidates], [0.9, 0.1][:num_candidates]


def _stack(max_steps: int):
    env = GymMazeEnv("CartPole-v1")
    env = ObservationNormalizationWrapper.wrap(
        env, default_strategy="MeanZeroStdOneObservationNormalizationStrategy",
        default_statistics={"mean": MEAN, "std": STD}, statistics_dump=None)
    env = TimeLimitWrapper.wrap(env, max_episode_steps=max_steps)
    return LogStatsWrapper.wrap(env)


def _direct_rollout(seed: int, max_steps: int) -> tuple[list[int], float]:
    """The same stack and policy stepped normally (reference for the deployment)."""
    env, policy = _stack(max_steps), BalancingPolicy()
    obs, _ = env.reset(seed=seed)
    actions, total, done = [], 0.0, False
    while not done:
        action = policy.compute_action(obs)
        actions.append(action["action"])
        obs, r, term, trunc, _ = env.step(action)
        total, done = total + r, term or trunc
    return actions, total


def test_deployment_loop_matches_a_normal_rollout_over_two_episodes():
    policy = BalancingPolicy()
    env = _stack(max_steps=30)
    deployment = AgentDeployment(policy=policy, env=env)
    external = gym.make("CartPole-v1")  # the "production" env, not a Maze env
    episode_ids = []
    for seed in (1, 2):
        state, _ = external.reset(seed=seed)
        reward, info, actions, total, states = 0.0, {}, [], 0.0, []
        seen_before = len(policy.seen)
        while True:
            states.append(state)
            maze_action = deployment.act(state, reward, False, info)
            actions.append(int(maze_action))
            state, reward, terminated, truncated, info = external.step(maze_action)
            total += reward
            if terminated or truncated or len(actions) == 30:
                break
        deployment.close(state, reward, terminated, info)
        episode_ids.append(env.get_episode_id())
        # the wrapper stack normalized the external states before the policy saw them
        np.testing.assert_allclose(policy.seen[seen_before:], (np.array(states) - MEAN) / STD, rtol=1e-5)
        # same actions and return as stepping the same stack and policy normally
        assert (actions, total) == _direct_rollout(seed, max_steps=30)
        # statistics of the finished episode are available right after close()
        assert env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPISODE, name="sum") == pytest.approx(total)
    env.write_epoch_stats()
    assert env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPOCH, name="episode_count") == 2
    assert policy.resets == 2 and deployment.episode_count == 2 and episode_ids[0] != episode_ids[1]
    deployment.shutdown()


def test_time_limit_inside_the_stack_restarts_the_episode_on_the_running_external_env():
    policy = BalancingPolicy()
    env = _stack(max_steps=5)
    with AgentDeployment(policy=policy, env=env) as deployment:
        external = gym.make("CartPole-v1")
        state, _ = external.reset(seed=3)
        reward = 0.0
        for _ in range(12):
            maze_action = deployment.act(state, reward, False, {})
            state, reward, terminated, truncated, _ = external.step(maze_action)
            assert not terminated
        deployment.close(state, reward, False, {})
        env.write_epoch_stats()
        # 12 external steps = stack episodes of 5, 5 and 2 steps (the last one cut by close(done=False))
        assert env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPOCH, name="total_step_count") == 12
        assert env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPOCH, name="episode_count") == 3
        assert policy.resets == 3


def test_policy_errors_surface_with_traceback_and_bad_calls_are_refused():
    class Failing(BalancingPolicy):
        def compute_action(self, observation, **kwargs):
            if len(self.seen) == 2:
                raise RuntimeError("policy exploded")
            return super().compute_action(observation, **kwargs)

    deployment = AgentDeployment(policy=Failing(), env=GymMazeEnv("CartPole-v1"))
    external = gym.make("CartPole-v1")
    state, _ = external.reset(seed=0)
    with pytest.raises(ValueError, match="done=True"):
        deployment.act(state, 0.0, True, {})
    deployment.act(state, 0.0, False, {})
    deployment.act(state, 1.0, False, {})
    with pytest.raises(AgentDeploymentError, match="policy exploded") as info:
        deployment.act(state, 1.0, False, {})
    assert "Traceback" in str(info.value) and "compute_action" in str(info.value)
    with pytest.raises(RuntimeError, match="failed earlier"):
        deployment.act(state, 1.0, False, {})
    deployment.shutdown()


def test_action_candidates_are_converted_to_maze_actions():
    with AgentDeployment(policy=BalancingPolicy(), env=GymMazeEnv("CartPole-v1"), num_candidates=2) as deployment:
        state, _ = gym.make("CartPole-v1").reset(seed=0)
        candidates = deployment.act(state, 0.0, False, {})
        assert isinstance(candidates, MazeActionCandidates)
        assert sorted(candidates.candidates) == [0, 1] and candidates.probabilities == [0.9, 0.1]
