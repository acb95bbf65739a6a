"""ObservationStackWrapper: stacked values, deltas, spaces per sub-step, recorded-observation replay."""

from __future__ import annotations

import numpy as np
import pytest
from wrapper_test_env import TwoStepMazeEnv

from maze.core.utils.factory import ConfigError
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.observation_stack_wrapper import ObservationStackWrapper


def _cfg(**kw):
    base = {"observation": "position", "keep_original": False, "tag": None, "delta": False, "stack_steps": 3}
    base.update(kw)
    return [base]


def test_stack_values_per_sub_step():
    env = ObservationStackWrapper.wrap(TwoStepMazeEnv(), stack_config=_cfg())
    for key in ("move", "scale"):
        space = env.observation_spaces_dict[key]["position"]
        assert space.shape == (3, 2) and np.all(space.low == -10) and np.all(space.high == 10)
    obs, _ = env.reset()
    assert obs["position"].tolist() == [[1, 2]] * 3  # padded with the first observation
    assert env.observation_space.contains(obs)
    obs = env.step({"direction": 0})[0]  # scale sub-step sees (2, 2): its own first observation
    assert obs["position"].tolist() == [[2, 2]] * 3
    obs = env.step({"magnitude": np.asarray([0.5, 0.0], np.float32)})[0]  # move sees (2.5, 2)
    assert obs["position"].tolist() == [[1, 2], [1, 2], [2.5, 2]]
    obs = env.step({"direction": 2})[0]  # scale sees (2.5, 3)
    assert obs["position"].tolist() == [[2, 2], [2, 2], [2.5, 3]]
    env.step({"magnitude": np.zeros(2, np.float32)})  # move sees (2.5, 3)
    env.step({"direction": 3})
    obs = env.step({"magnitude": np.asarray([1.0, 1.0], np.float32)})[0]  # move sees (3.5, 3)
    assert obs["position"].tolist() == [[2.5, 2], [2.5, 3], [3.5, 3]]
    assert "image" in obs and env.observation_space.contains(obs)
    obs, _ = env.reset()
    assert obs["position"].tolist() == [[1, 2]] * 3  # histories reset


def test_stack_delta_with_tag_keeps_original():
    env = ObservationStackWrapper.wrap(GymMazeEnv("CartPole-v1"),
                                       stack_config=_cfg(observation="observation", tag="stacked", keep_original=True,
                                                         delta=True, stack_steps=2))
    space = env.observation_space
    assert set(space.spaces) == {"observation", "observation-stacked"}
    stacked_space = space["observation-stacked"]
    assert stacked_space.shape == (2, 4)
    assert stacked_space.low[0, 0] == pytest.approx(-9.6) and stacked_space.high[0, 0] == pytest.approx(9.6)  # delta bounds
    assert stacked_space.low[1, 0] == pytest.approx(-4.8)
    obs0, _ = env.reset(seed=0)
    assert np.all(obs0["observation-stacked"][0] == 0) and np.allclose(obs0["observation-stacked"][1], obs0["observation"])
    obs1 = env.step({"action": 1})[0]
    assert np.allclose(obs1["observation-stacked"][0], obs1["observation"] - obs0["observation"])
    assert np.allclose(obs1["observation-stacked"][1], obs1["observation"])


def test_stack_replays_recorded_observations():
    env = ObservationStackWrapper.wrap(TwoStepMazeEnv(), stack_config=_cfg(stack_steps=2))
    inner = env.maze_env
    states = [{"position": np.asarray(p, np.float32), "phase": "move", "steps": 0, "max_steps": 5}
              for p in ([0, 0], [1, 0], [2, 0])]
    out = [env.get_observation_and_action_dicts(s, None, i == 0)[0]["move"]["position"].tolist() for i, s in enumerate(states)]
    assert out == [[[0, 0], [0, 0]], [[0, 0], [1, 0]], [[1, 0], [2, 0]]]
    first = env.get_observation_and_action_dicts(states[2], None, True)[0]["move"]["position"]
    assert first.tolist() == [[2, 0], [2, 0]]
    assert inner is env.maze_env


def test_stack_config_errors():
    with pytest.raises(ConfigError) as info:
        ObservationStackWrapper.wrap(TwoStepMazeEnv(), stack_config=_cfg(observation="velocity"))
    assert "'velocity'" in str(info.value) and "['image', 'position', 'progress']" in str(info.value)
    with pytest.raises(ConfigError, match="needs a 'tag'"):
        ObservationStackWrapper.wrap(TwoStepMazeEnv(), stack_config=_cfg(keep_original=True))
    with pytest.raises(ConfigError, match="unknown key"):
        ObservationStackWrapper.wrap(TwoStepMazeEnv(), stack_config=[{"observation": "position", "steps": 2}])
