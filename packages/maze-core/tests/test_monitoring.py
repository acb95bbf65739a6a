"""MazeEnvMonitoringWrapper: observation, action and reward events and their statistics."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from shop_test_env import ShopMazeEnv, clean_log_state, run_episodes  # noqa: F401
from structured_dummy_env import GridMazeEnv

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.base_env_events import (
    ContinuousActionEvents,
    DiscreteActionEvents,
    MultiBinaryActionEvents,
    ObservationEvents,
    RewardEvents,
)
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.log_stats.log_stats import LogStatsLevel
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.monitoring_wrapper import MazeEnvMonitoringWrapper
from maze.core.wrappers.reward_scaling_wrapper import RewardScalingWrapper
from maze.core.wrappers.wrapper import ObservationWrapper

pytestmark = pytest.mark.usefixtures("clean_log_state")
EPOCH = LogStatsLevel.EPOCH


class MixedCore(CoreEnv):
    """State = step counter; episodes of 3 steps; reward = step index."""

    def __init__(self) -> None:
        super().__init__()
        self.t = 0

    def reset(self, *, seed=None, options=None):
        self.t = 0
        return self.t, {}

    def step(self, maze_action: Any):
        self.t += 1
        return self.t, float(self.t), self.t >= 3, False, {}

    def get_maze_state(self):
        return self.t

    def seed(self, seed):
        pass


class MixedObs(ObservationConversionInterface):
    def maze_to_space(self, maze_state):
        return {"pos": np.array([maze_state, -maze_state], dtype=np.float32)}

    def space(self):
        return gym.spaces.Dict({"pos": gym.spaces.Box(-10, 10, (2,), np.float32)})


class MixedAct(ActionConversionInterface):
    def space_to_maze(self, action, maze_state):
        return action

    def maze_to_space(self, maze_action):
        return maze_action

    def space(self):
        return gym.spaces.Dict({"d": gym.spaces.Discrete(4), "c": gym.spaces.Box(-1, 1, (2,), np.float32),
                                "b": gym.spaces.MultiBinary(3)})


def mixed_env() -> MazeEnv:
    return MazeEnv(MixedCore(), {0: MixedAct()}, {0: MixedObs()})


class Doubling(ObservationWrapper):
    def observation(self, observation):
        return {k: 2 * v for k, v in observation.items()}


ACTIONS = [
    {"d": 3, "c": np.array([0.5, -0.5], dtype=np.float32), "b": np.array([1, 0, 1], dtype=np.int8)},
    {"d": 1, "c": np.array([0.0, 1.0], dtype=np.float32), "b": np.array([0, 0, 1], dtype=np.int8)},
    {"d": 1, "c": np.array([-1.0, 0.0], dtype=np.float32), "b": np.array([1, 1, 1], dtype=np.int8)},
]


def run_mixed(env) -> None:
    env.reset()
    for a in ACTIONS:
        env.step(a)


def test_action_events_per_space_type():
    env = LogStatsWrapper.wrap(MazeEnvMonitoringWrapper.wrap(mixed_env(), action_logging=True))
    run_mixed(env)
    env.write_epoch_stats()
    assert env.get_stats_value(DiscreteActionEvents.action, EPOCH) == {("substep_0", "d"): [3, 1, 1]}
    cont = env.get_stats_value(ContinuousActionEvents.action, EPOCH)[("substep_0", "c")]
    np.testing.assert_array_equal(np.stack(cont), np.stack([a["c"] for a in ACTIONS]))
    binary = env.get_stats_value(MultiBinaryActionEvents.action, EPOCH)[("substep_0", "b")]
    assert np.stack(binary).sum(axis=0).tolist() == [2, 1, 3]
    with pytest.raises(KeyError, match="ObservationEvents.observation_processed"):
        env.get_stats_value(ObservationEvents.observation_processed, EPOCH)  # observation logging is off


def test_observation_logging_processed_vs_original():
    env = LogStatsWrapper.wrap(MazeEnvMonitoringWrapper.wrap(Doubling(mixed_env()), observation_logging=True,
                                                             action_logging=False))
    run_mixed(env)
    env.write_epoch_stats()
    processed = env.get_stats_value(ObservationEvents.observation_processed, EPOCH)[("step_key_0", "pos")]
    original = env.get_stats_value(ObservationEvents.observation_original, EPOCH)[("step_key_0", "pos")]
    # reset observation (t=0) plus one per step
    assert np.stack(original).tolist() == [[0, 0], [1, -1], [2, -2], [3, -3]]
    assert np.stack(processed).tolist() == [[0, 0], [2, -2], [4, -4], [6, -6]]
    assert env.get_stats_value(ObservationEvents.observation_processed, LogStatsLevel.EPISODE)[
        ("step_key_0", "pos")][0].tolist() == [0, 0]


def test_reward_logging_original_only_without_reward_wrappers_in_between():
    env = LogStatsWrapper.wrap(MazeEnvMonitoringWrapper.wrap(mixed_env(), action_logging=False, reward_logging=True))
    run_mixed(env)
    env.write_epoch_stats()
    assert env.get_stats_value(RewardEvents.reward_processed, EPOCH) == [1.0, 2.0, 3.0]
    assert env.get_stats_value(RewardEvents.reward_original, EPOCH) == [1.0, 2.0, 3.0]

    scaled = LogStatsWrapper.wrap(MazeEnvMonitoringWrapper.wrap(RewardScalingWrapper(mixed_env(), scale=0.5),
                                                                action_logging=False, reward_logging=True))
    run_mixed(scaled)
    scaled.write_epoch_stats()
    assert scaled.get_stats_value(RewardEvents.reward_processed, EPOCH) == [0.5, 1.0, 1.5]
    with pytest.raises(KeyError, match="reward_original"):
        scaled.get_stats_value(RewardEvents.reward_original, EPOCH)


def test_structured_env_actions_are_labelled_per_sub_step():
    env = LogStatsWrapper.wrap(MazeEnvMonitoringWrapper.wrap(GridMazeEnv(size=3, max_steps=2)))
    env.reset(seed=0)
    for a in ({"row": 0}, {"col": 2}, {"row": 1}, {"col": 1}):
        env.step(a)
    assert env.get_stats_value(DiscreteActionEvents.action, LogStatsLevel.EPISODE) == {
        ("substep_row", "row"): [0, 1], ("substep_col", "col"): [2, 1]}


def test_monitoring_needs_a_maze_env():
    with pytest.raises(TypeError, match="MazeEnvMonitoringWrapper needs a MazeEnv"):
        MazeEnvMonitoringWrapper(gym.make("CartPole-v1"))


def test_monitoring_stack_is_transparent_for_the_agent():
    env = LogStatsWrapper.wrap(MazeEnvMonitoringWrapper.wrap(ShopMazeEnv(), observation_logging=True,
                                                             reward_logging=True))
    obs, _ = env.reset()
    assert set(obs) == {"t"} and isinstance(env, ShopMazeEnv)
    _, reward, *_ = env.step({"action": 1})
    assert reward == 2.0
    run_episodes(env, 1)
    assert env.get_stats_value("BaseEnvEvents.reward", LogStatsLevel.EPISODE, "sum") == 1.0  # episode 2 return


def test_benchmark_script_runs_and_prints_ratios():
    script = Path(__file__).resolve().parents[3] / "benchmarks" / "env_overhead.py"
    res = subprocess.run([sys.executable, str(script), "--steps", "300", "--repeats", "1"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    lines = {line.split()[0]: line.split() for line in res.stdout.splitlines()[2:]}
    assert set(lines) == {"raw", "maze", "monitoring", "monitoring_all"}
    assert float(lines["raw"][2]) == 1.0 and all(float(v[2]) > 0 for v in lines.values())
