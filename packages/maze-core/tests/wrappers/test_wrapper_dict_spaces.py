"""SortedSpaces, (No)Dict observation/action/spaces wrappers: spaces of every sub-step, values, errors."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from wrapper_test_env import POSITION_SPACE, TwoStepMazeEnv

from maze.core.env.maze_env import MazeEnv
from maze.core.wrappers.dict_action_wrapper import DictActionWrapper
from maze.core.wrappers.dict_observation_wrapper import DictObservationWrapper
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.no_dict_action_wrapper import NoDictActionWrapper
from maze.core.wrappers.no_dict_observation_wrapper import NoDictObservationWrapper
from maze.core.wrappers.no_dict_spaces_wrapper import NoDictSpacesWrapper
from maze.core.wrappers.sorted_spaces_wrapper import SortedSpacesWrapper


def test_sorted_spaces_wrapper_sorts_spaces_and_observations():
    env = SortedSpacesWrapper.wrap(TwoStepMazeEnv())
    assert list(env.observation_spaces_dict["move"].spaces) == ["image", "position"]
    assert list(env.observation_spaces_dict["scale"].spaces) == ["position", "progress"]
    obs, _ = env.reset()
    assert list(obs) == ["image", "position"]
    assert env.observation_space is env.observation_spaces_dict["move"]
    obs = env.step({"direction": 2})[0]
    assert list(obs) == ["position", "progress"] and env.observation_space is env.observation_spaces_dict["scale"]
    assert env.action_space is env.action_spaces_dict["scale"]
    obs_dict, act_dict = env.get_observation_and_action_dicts(env.get_maze_state(), {"magnitude": np.ones(2)}, False)
    assert list(obs_dict["scale"]) == ["position", "progress"] and list(act_dict) == ["scale"]


@pytest.mark.parametrize("name", ["CartPole-v1", "Pendulum-v1"])
def test_no_dict_spaces_wrapper_makes_a_plain_gymnasium_env(name):
    maze_env = GymMazeEnv(name)
    env = NoDictSpacesWrapper.wrap(maze_env)
    assert env.observation_space == maze_env.observation_space["observation"]
    assert env.action_space == maze_env.action_space["action"]
    assert env.observation_spaces_dict == {0: env.observation_space}
    assert env.action_spaces_dict == {0: env.action_space}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_env(env, skip_render_check=True)
    # usable by gymnasium's own wrappers
    limited = gym.wrappers.TimeLimit(env, max_episode_steps=2)
    obs, _ = limited.reset(seed=4)
    assert env.observation_space.contains(obs)
    limited.step(limited.action_space.sample())
    assert limited.step(limited.action_space.sample())[3] is True
    assert isinstance(env, MazeEnv)
    with pytest.raises(ValueError, match="got a dict"):
        env.step({"action": env.action_space.sample()})


def test_no_dict_spaces_wrapper_on_single_key_structured_env():
    env = NoDictActionWrapper.wrap(TwoStepMazeEnv())
    assert env.action_spaces_dict == {"move": gym.spaces.Discrete(4), "scale": gym.spaces.Box(-1, 1, (2,), np.float32)}
    env.reset()
    assert env.action_space == gym.spaces.Discrete(4)
    env.step(2)
    assert env.action_space == gym.spaces.Box(-1, 1, (2,), np.float32)
    obs = env.step(np.asarray([0.5, -1.0], np.float32))[0]
    assert np.allclose(obs["position"], [1.5, 2.0])
    assert env.observation_spaces_dict == TwoStepMazeEnv().observation_spaces_dict  # observations untouched
    _, act = env.get_observation_and_action_dicts(None, {"direction": 3}, False)
    assert act == {"move": 3}
    # NoDictSpacesWrapper flattens multi-key observations (image 8x6x3 + position 2 -> one Box of 146)
    flat = NoDictSpacesWrapper.wrap(TwoStepMazeEnv())
    assert flat.observation_spaces_dict["move"].shape == (8 * 6 * 3 + 2,)
    assert flat.observation_spaces_dict["scale"].shape == (3,)


def test_no_dict_observation_wrapper_errors_and_flat_values():
    with pytest.raises(ValueError, match="single-key"):
        NoDictObservationWrapper.wrap(TwoStepMazeEnv())
    env = NoDictObservationWrapper.wrap(GymMazeEnv("CartPole-v1"))
    obs, _ = env.reset(seed=0)
    assert isinstance(obs, np.ndarray) and obs.shape == (4,)
    assert env.observation_space.shape == (4,) and env.action_space == gym.spaces.Dict({"action": gym.spaces.Discrete(2)})
    obs_dict, _ = env.get_observation_and_action_dicts(np.arange(4, dtype=np.float32), None, True)
    assert obs_dict[0].tolist() == [0, 1, 2, 3]


def test_dict_observation_and_action_wrappers_on_plain_gymnasium_env():
    gym_env = gym.make("CartPole-v1")
    env = DictActionWrapper.wrap(DictObservationWrapper.wrap(gym_env))
    assert env.observation_space == gym.spaces.Dict({"observation": gym_env.observation_space})
    assert env.action_space == gym.spaces.Dict({"action": gym.spaces.Discrete(2)})
    assert env.observation_spaces_dict == {0: env.observation_space}
    assert env.actor_id().step_key == 0
    obs, _ = env.reset(seed=1)
    assert set(obs) == {"observation"} and obs["observation"].shape == (4,)
    obs = env.step({"action": 1})[0]
    assert set(obs) == {"observation"}
    assert env.reverse_action(1) == {"action": 1}
    with pytest.raises(ValueError) as info:
        env.step(1)
    assert "expects a dict action" in str(info.value) and "Discrete(2)" in str(info.value)


def test_dict_action_wrapper_tuple_space_and_no_dict_round_trip():
    class TupleEnv(gym.Env):
        observation_space = gym.spaces.Box(0, 1, (2,), np.float32)
        action_space = gym.spaces.Tuple((gym.spaces.Discrete(3), gym.spaces.Box(-1, 1, (1,), np.float32)))

        def reset(self, *, seed=None, options=None):
            return np.zeros(2, np.float32), {}

        def step(self, action):
            self.last = action
            return np.ones(2, np.float32), 0.0, False, False, {}

    inner = TupleEnv()
    env = DictActionWrapper.wrap(inner)
    assert env.action_space == gym.spaces.Dict({"action_0": gym.spaces.Discrete(3), "action_1": gym.spaces.Box(-1, 1, (1,), np.float32)})
    env.reset()
    env.step({"action_0": 2, "action_1": np.asarray([0.5], np.float32)})
    assert inner.last[0] == 2 and inner.last[1].tolist() == [0.5]
    assert env.reverse_action((1, np.zeros(1))) == {"action_0": 1, "action_1": np.zeros(1)}
    with pytest.raises(ValueError, match="lacks key 'action_1'"):
        env.step({"action_0": 1})


def test_dict_observation_wrapper_leaves_dict_spaces_alone():
    env = DictObservationWrapper.wrap(TwoStepMazeEnv())
    assert env.observation_spaces_dict == TwoStepMazeEnv().observation_spaces_dict
    obs, _ = env.reset()
    assert set(obs) == {"image", "position"}
    flat = DictObservationWrapper.wrap(NoDictObservationWrapper.wrap(GymMazeEnv("CartPole-v1")))
    assert flat.observation_space == GymMazeEnv("CartPole-v1").observation_space
    assert POSITION_SPACE.shape == (2,)
