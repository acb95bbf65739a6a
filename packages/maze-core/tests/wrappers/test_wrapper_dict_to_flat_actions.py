"""Dict action spaces → MultiDiscrete / Box (flat_action_conversion, DictToMultiDiscreteActionWrapper,
DictToBoxActionWrapper) and NoDictSpacesWrapper over multi-key Dict spaces, on a real MazeEnv."""

from __future__ import annotations

import warnings
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.wrappers.dict_to_flat_action_wrappers import DictToBoxActionWrapper, DictToMultiDiscreteActionWrapper
from maze.core.wrappers.flat_action_conversion import (
    BoxActionConversion,
    MultiDiscreteActionConversion,
    SoleKeyActionConversion,
    flat_action_conversion,
)
from maze.core.wrappers.no_dict_spaces_wrapper import NoDictSpacesWrapper
from maze.core.wrappers.wrapper_factory import WrapperFactory

DISCRETE_SPACE = gym.spaces.Dict({
    "a": gym.spaces.Discrete(3), "b": gym.spaces.Discrete(4, start=1), "c": gym.spaces.MultiBinary(2),
    "d": gym.spaces.MultiDiscrete([2, 3]),
})
BOX_SPACE = gym.spaces.Dict({
    "x": gym.spaces.Box(-1.0, 1.0, (2,), np.float32), "y": gym.spaces.Box(0.0, 5.0, (2, 2), np.float32),
})


class ArmCoreEnv(CoreEnv):
    """Records every MazeAction it receives; five steps per episode, reward = step index."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict] = []
        self.t = 0

    def step(self, maze_action: Any):
        self.received.append(maze_action)
        self.t += 1
        return self.t, float(self.t), self.t >= 5, False, {}

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        self.t = 0
        return self.t, {}

    def get_maze_state(self) -> int:
        return self.t

    def seed(self, seed: Any) -> None:
        pass

    def close(self) -> None:
        pass


class ArmObs(ObservationConversionInterface):
    def maze_to_space(self, maze_state: int) -> dict:
        return {"count": maze_state % 5, "position": np.asarray([maze_state, -maze_state], np.float32)}

    def space(self) -> gym.spaces.Dict:
        return gym.spaces.Dict({"count": gym.spaces.Discrete(5), "position": gym.spaces.Box(-10, 10, (2,), np.float32)})


class ArmAct(ActionConversionInterface):
    def __init__(self, space: gym.spaces.Dict) -> None:
        self._space = space

    def space_to_maze(self, action: dict, maze_state: Any) -> dict:
        return dict(action)

    def maze_to_space(self, maze_action: dict) -> dict:
        return dict(maze_action)

    def space(self) -> gym.spaces.Dict:
        return self._space


class ArmMazeEnv(MazeEnv[ArmCoreEnv]):
    """A flat MazeEnv with a multi-key Dict action space and a multi-key Dict observation space."""

    def __init__(self, action_space: gym.spaces.Dict = DISCRETE_SPACE) -> None:
        super().__init__(ArmCoreEnv(), {0: ArmAct(action_space)}, {0: ArmObs()})


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a)


def test_multi_discrete_conversion_round_trips():
    conv = MultiDiscreteActionConversion(DISCRETE_SPACE)
    assert conv.space == gym.spaces.MultiDiscrete([3, 4, 2, 2, 2, 3])  # 0-based, parts in key order
    conv.space.seed(0)
    DISCRETE_SPACE.seed(1)
    for _ in range(50):
        flat = conv.space.sample()
        as_dict = conv.to_dict(flat)
        assert DISCRETE_SPACE.contains(as_dict), as_dict
        np.testing.assert_array_equal(conv.from_dict(as_dict), flat)
        sample = DISCRETE_SPACE.sample()
        assert _same(conv.to_dict(conv.from_dict(sample)), sample)
    assert conv.to_dict(np.zeros(6, np.int64))["b"] == 1  # Discrete(4, start=1): flat 0 is action 1


def test_box_conversion_round_trips_and_keeps_bounds():
    conv = BoxActionConversion(BOX_SPACE)
    assert conv.space.shape == (6,) and conv.space.dtype == np.float32
    np.testing.assert_array_equal(conv.space.low, [-1, -1, 0, 0, 0, 0])
    np.testing.assert_array_equal(conv.space.high, [1, 1, 5, 5, 5, 5])
    flat = np.asarray([0.5, -0.5, 1, 2, 3, 4], np.float32)
    as_dict = conv.to_dict(flat)
    assert as_dict["y"].shape == (2, 2) and BOX_SPACE.contains(as_dict)
    np.testing.assert_array_equal(conv.from_dict(as_dict), flat)


def test_flat_action_conversion_picks_or_refuses():
    assert isinstance(flat_action_conversion(DISCRETE_SPACE), MultiDiscreteActionConversion)
    assert isinstance(flat_action_conversion(BOX_SPACE), BoxActionConversion)
    sole = flat_action_conversion(gym.spaces.Dict({"action": gym.spaces.Discrete(2)}))
    assert isinstance(sole, SoleKeyActionConversion) and sole.space == gym.spaces.Discrete(2)
    mixed = gym.spaces.Dict({"piece": gym.spaces.Discrete(3), "force": gym.spaces.Box(0, 1, (1,))})
    with pytest.raises(ValueError) as info:
        flat_action_conversion(mixed, "sub-step 0")
    message = str(info.value)
    assert "sub-step 0" in message and "piece: Discrete(3)" in message and "force: Box" in message
    assert "DiscretizeActionsWrapper" in message
    with pytest.raises(ValueError, match="not discrete"):
        MultiDiscreteActionConversion(BOX_SPACE)
    with pytest.raises(ValueError, match="not Box"):
        BoxActionConversion(DISCRETE_SPACE)


def test_multi_discrete_wrapper_passes_dict_actions_to_the_env():
    env = DictToMultiDiscreteActionWrapper.wrap(ArmMazeEnv())
    assert env.action_space == gym.spaces.MultiDiscrete([3, 4, 2, 2, 2, 3])
    assert env.action_spaces_dict == {0: env.action_space}
    assert isinstance(env.observation_space, gym.spaces.Dict)  # observations untouched
    env.reset(seed=0)
    env.step(np.asarray([2, 3, 1, 0, 1, 2]))
    received = env.maze_env.core_env.received[-1]
    assert _same(received, {"a": 2, "b": 4, "c": np.asarray([1, 0]), "d": np.asarray([1, 2])})
    assert isinstance(env, MazeEnv) and isinstance(env, ArmMazeEnv)  # still a Maze env for isinstance
    np.testing.assert_array_equal(env.reverse_action(received), [2, 3, 1, 0, 1, 2])
    _, act = env.get_observation_and_action_dicts(None, received, False)
    np.testing.assert_array_equal(act[0], [2, 3, 1, 0, 1, 2])
    with pytest.raises(ValueError, match=r"shape \(6,\)"):
        env.step(np.asarray([1, 2]))
    with pytest.raises(ValueError) as info:
        DictToMultiDiscreteActionWrapper.wrap(ArmMazeEnv(BOX_SPACE))
    assert "sub-step 0" in str(info.value) and "'x'" in str(info.value)


def test_box_wrapper_and_registered_names():
    env = WrapperFactory.wrap_from_config(ArmMazeEnv(BOX_SPACE), {"DictToBoxActionWrapper": {}})
    assert type(env) is DictToBoxActionWrapper and env.action_space.shape == (6,)
    env.reset()
    env.step(np.asarray([1, -1, 0, 1, 2, 3], np.float32))
    received = env.maze_env.core_env.received[-1]
    np.testing.assert_array_equal(received["y"], [[0, 1], [2, 3]])
    md = WrapperFactory.wrap_from_config(ArmMazeEnv(), {"DictToMultiDiscreteActionWrapper": {}})
    assert type(md) is DictToMultiDiscreteActionWrapper


def test_no_dict_spaces_wrapper_flattens_multi_key_spaces_and_passes_check_env_without_warnings():
    env = NoDictSpacesWrapper.wrap(ArmMazeEnv())
    # observation: Discrete(5) one-hot + position (2,) in key order; action: one MultiDiscrete
    assert env.observation_space == gym.spaces.flatten_space(ArmObs().space())
    assert env.observation_space.shape == (7,)
    assert env.action_space == gym.spaces.MultiDiscrete([3, 4, 2, 2, 2, 3])
    obs, _ = env.reset(seed=0)
    obs, reward, *_ = env.step(env.action_space.sample())
    np.testing.assert_array_equal(obs, [0, 1, 0, 0, 0, 1, -1])  # count 1 one-hot, position (1, -1)
    assert reward == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at all, in particular none about a seed() method
        check_env(env, skip_render_check=True)
    assert not hasattr(env, "seed") and env.unwrapped is env and env.maze_env.core_env is not None
    with pytest.raises(AttributeError, match=r"reset\(seed=\.\.\.\)"):
        env.seed(1)
    # gymnasium's own wrappers and vector envs take it as it is
    vec = gym.vector.SyncVectorEnv([lambda: NoDictSpacesWrapper.wrap(ArmMazeEnv()) for _ in range(2)])
    obs, _ = vec.reset(seed=3)
    assert obs.shape == (2, 7)
    _, rewards, *_ = vec.step(vec.action_space.sample())
    np.testing.assert_array_equal(rewards, [1.0, 1.0])


def test_no_dict_spaces_wrapper_refuses_mixed_action_parts():
    mixed = gym.spaces.Dict({"piece": gym.spaces.Discrete(3), "force": gym.spaces.Box(0, 1, (1,), np.float32)})
    with pytest.raises(ValueError) as info:
        NoDictSpacesWrapper.wrap(ArmMazeEnv(mixed))
    assert "NoDictSpacesWrapper: action space of sub-step 0" in str(info.value)
