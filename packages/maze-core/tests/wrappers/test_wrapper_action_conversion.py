"""DiscretizeActionsWrapper and SplitActionsWrapper: spaces per sub-step, mapped values, bad actions."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from wrapper_test_env import TwoStepMazeEnv

from maze.core.utils.factory import ConfigError
from maze.core.wrappers.discretize_actions_wrapper import DiscretizeActionsWrapper
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.no_dict_spaces_wrapper import NoDictSpacesWrapper
from maze.core.wrappers.split_actions_wrapper import SplitActionsWrapper
from maze.core.wrappers.wrapper_factory import WrapperFactory


def test_discretize_pendulum_action_values():
    env = DiscretizeActionsWrapper.wrap(GymMazeEnv("Pendulum-v1"), discretization_config={"action": {"num_bins": 5}})
    assert env.action_space == gym.spaces.Dict({"action": gym.spaces.Discrete(5)})
    # Pendulum torque range [-2, 2] in 5 bins: -2, -1, 0, 1, 2
    values = [env.action({"action": i})["action"] for i in range(5)]
    assert [v.tolist() for v in values] == [[-2.0], [-1.0], [0.0], [1.0], [2.0]]
    assert values[0].dtype == np.float32
    assert env.reverse_action({"action": np.asarray([0.9], np.float32)}) == {"action": 3}
    env.reset(seed=0)
    env.step({"action": 4})
    assert env.maze_env.get_maze_action().tolist() == [2.0]
    with pytest.raises(ValueError) as info:
        env.step({"action": 5})
    assert "'action'=5" in str(info.value) and "Discrete(5)" in str(info.value)
    with pytest.raises(ValueError, match="outside its space"):
        env.step({"action": -1})
    # usable as a plain gymnasium env with a discrete action space
    flat = NoDictSpacesWrapper.wrap(env)
    assert flat.action_space == gym.spaces.Discrete(5)
    flat.reset(seed=0)
    flat.step(0)
    assert flat.maze_env.get_maze_action().tolist() == [-2.0]


def test_discretize_multi_element_box_per_element_bounds_structured():
    config = {"magnitude": {"num_bins": 3, "low": [-1, 0], "high": 1}}
    env = DiscretizeActionsWrapper.wrap(TwoStepMazeEnv(), discretization_config=config)
    assert env.action_spaces_dict["scale"] == gym.spaces.Dict({"magnitude": gym.spaces.MultiDiscrete([3, 3])})
    assert env.action_spaces_dict["move"] == gym.spaces.Dict({"direction": gym.spaces.Discrete(4)})
    env.reset()
    assert env.action_space == env.action_spaces_dict["move"]
    env.step({"direction": 0})  # (1, 2) -> (2, 2)
    assert env.action_space == env.action_spaces_dict["scale"]
    env.step({"magnitude": np.asarray([0, 2])})  # values: dim 0 in {-1, 0, 1}, dim 1 in {0, 0.5, 1}
    assert env.get_maze_state()["position"].tolist() == [1.0, 3.0]
    env.step({"direction": 1})
    env.step({"magnitude": np.asarray([2, 1])})
    assert env.get_maze_state()["position"].tolist() == [1.0, 3.5]
    _, act = env.get_observation_and_action_dicts(None, {"magnitude": np.asarray([0.1, 0.4])}, False)
    assert act["scale"]["magnitude"].tolist() == [1, 1]
    env.step({"direction": 0})
    with pytest.raises(ValueError) as info:
        env.step({"magnitude": np.asarray([3, 0])})
    assert "'magnitude'=array([3, 0])" in str(info.value) and "MultiDiscrete([3 3])" in str(info.value)


def test_discretize_config_errors():
    with pytest.raises(ConfigError) as info:
        DiscretizeActionsWrapper.wrap(TwoStepMazeEnv(), discretization_config={"torque": {"num_bins": 3}})
    assert "'torque'" in str(info.value) and "['direction', 'magnitude']" in str(info.value)
    with pytest.raises(ConfigError, match="expected a Box"):
        DiscretizeActionsWrapper.wrap(TwoStepMazeEnv(), discretization_config={"direction": {"num_bins": 3}})
    with pytest.raises(ConfigError, match="num_bins must be >= 2"):
        DiscretizeActionsWrapper.wrap(TwoStepMazeEnv(), discretization_config={"magnitude": {"num_bins": 1}})
    with pytest.raises(ConfigError, match="exceeds the action space bounds"):
        DiscretizeActionsWrapper.wrap(TwoStepMazeEnv(), discretization_config={"magnitude": {"num_bins": 3, "high": 2}})


def test_split_actions_box_values_and_spaces():
    env = SplitActionsWrapper.wrap(
        TwoStepMazeEnv(), split_config={"magnitude": {"magnitude_x": {"indices": [0]}, "magnitude_y": {"indices": [1]}}}
    )
    scale = env.action_spaces_dict["scale"]
    assert set(scale.spaces) == {"magnitude_x", "magnitude_y"}
    assert scale["magnitude_x"] == gym.spaces.Box(-1, 1, (1,), np.float32)
    assert env.action_spaces_dict["move"] == TwoStepMazeEnv().action_spaces_dict["move"]
    env.reset()
    env.step({"direction": 2})  # (1, 3)
    assert env.action_space is scale
    env.step({"magnitude_x": np.asarray([-0.5], np.float32), "magnitude_y": np.asarray([0.25], np.float32)})
    assert env.get_maze_state()["position"].tolist() == [0.5, 3.25]
    assert env.maze_env.get_maze_action()["magnitude"].tolist() == [-0.5, 0.25]
    _, act = env.get_observation_and_action_dicts(None, {"magnitude": np.asarray([0.1, 0.2], np.float32)}, False)
    rev = act["scale"]
    assert rev["magnitude_x"].tolist() == pytest.approx([0.1]) and rev["magnitude_y"].tolist() == pytest.approx([0.2])
    env.step({"direction": 0})
    rev = env.reverse_action({"magnitude": np.asarray([0.3, 0.4], np.float32)})  # active sub-step: scale
    assert set(rev) == {"magnitude_x", "magnitude_y"}
    with pytest.raises(ValueError) as info:
        env.step({"magnitude_x": np.asarray([0.1, 0.2]), "magnitude_y": np.asarray([0.0])})
    assert "'magnitude_x' must have 1 element" in str(info.value) and "Box(" in str(info.value)
    with pytest.raises(ValueError, match="lacks 'magnitude_y'"):
        env.step({"magnitude_x": np.asarray([0.1])})


def test_split_actions_from_config_and_errors():
    config = {"SplitActionsWrapper": {"split_config": {"magnitude": {"first": {"indices": [1]}, "both": {"indices": [0]}}}}}
    env = WrapperFactory.wrap_from_config(TwoStepMazeEnv(), config)
    assert set(env.action_spaces_dict["scale"].spaces) == {"first", "both"}
    with pytest.raises(ConfigError, match="cover 0..1 exactly once"):
        SplitActionsWrapper.wrap(TwoStepMazeEnv(), split_config={"magnitude": {"a": {"indices": [0]}, "b": {"indices": [0]}}})
    with pytest.raises(ConfigError, match="available actions"):
        SplitActionsWrapper.wrap(TwoStepMazeEnv(), split_config={"nope": {"a": {"indices": [0]}}})
    with pytest.raises(ConfigError, match="only 1-D Box"):
        SplitActionsWrapper.wrap(TwoStepMazeEnv(), split_config={"direction": {"a": {"indices": [0]}}})
