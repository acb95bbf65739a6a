"""Reference docs, "Environment Wrappers": the wrapper-stack configs (built-in and custom wrappers), the plain Python
example, and wrappers written as the docs write them (``Wrapper[MazeEnv]`` before the env interfaces, attributes
assigned in ``__init__``)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import yaml
from my_project.wrappers.custom_wrapper import CustomObserverWrapper

from maze.core.env.maze_env import MazeEnv
from maze.core.env.structured_env import StructuredEnv
from maze.core.env.structured_env_spaces_mixin import StructuredEnvSpacesMixin
from maze.core.utils.config_utils import make_env
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.random_reset_wrapper import RandomResetWrapper
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper
from maze.core.wrappers.wrapper import Wrapper

ENV = {"_target_": "maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env", "name": "CartPole-v1"}

# Example 1 of the docs: a registered short name and an import path
BUILT_IN = yaml.safe_load("""
RandomResetWrapper:
  min_skip_steps: 0
  max_skip_steps: 100
maze.core.wrappers.time_limit_wrapper.TimeLimitWrapper:
  max_episode_steps: 1000
""")

# Example 2 of the docs: a wrapper of the user's project
CUSTOM = yaml.safe_load("""
my_project.wrappers.custom_wrapper.CustomObserverWrapper:
  parameter_1: 0.5
  parameter_2: 1000
""")


def test_built_in_wrapper_stack_from_config_applies_top_to_bottom():
    env = make_env(ENV, BUILT_IN, call_plugins=False)
    # the last entry is the outermost wrapper
    assert type(env) is TimeLimitWrapper and type(env.env) is RandomResetWrapper
    assert isinstance(env, GymMazeEnv) and isinstance(env, RandomResetWrapper)
    assert (env.env.min_skip_steps, env.env.max_skip_steps, env.max_episode_steps) == (0, 100, 1000)


def test_custom_wrapper_from_config_changes_the_observations():
    plain = make_env(ENV, None, call_plugins=False)
    env = make_env(ENV, CUSTOM, call_plugins=False)
    assert isinstance(env, CustomObserverWrapper) and isinstance(env, MazeEnv)
    assert (env.parameter_1, env.parameter_2) == (0.5, 1000)
    raw, _ = plain.reset(seed=5)
    obs, _ = env.reset(seed=5)
    np.testing.assert_allclose(obs["observation"], raw["observation"] * 0.5)
    assert obs in env.observation_space and obs["observation_count"][0] == pytest.approx(1 / 1000)
    raw, *_ = plain.step({"action": 1})
    obs, *_ = env.step({"action": 1})
    np.testing.assert_allclose(obs["observation"], raw["observation"] * 0.5)
    assert obs["observation_count"][0] == pytest.approx(2 / 1000)


def test_plain_python_wrapping_of_the_docs():
    env = GymMazeEnv("CartPole-v1")
    env = RandomResetWrapper.wrap(env, min_skip_steps=0, max_skip_steps=100)
    env = TimeLimitWrapper.wrap(env, max_episode_steps=1000)
    assert isinstance(env, GymMazeEnv)
    # the random reset skips up to 100 steps with random actions (CartPole episodes often end before: then the
    # env is reset once more)
    skipped = []
    for seed in range(6):
        env.reset(seed=seed)
        skipped.append(env.env.last_skipped_steps)
        assert env.get_env_time() in (0, skipped[-1])
    assert max(skipped) > 0 and all(0 <= s <= 100 for s in skipped)


class LoggingWrapper(Wrapper[MazeEnv]):
    """A user wrapper as the docs write them: assigns its own attributes, also one named after the env's."""

    def __init__(self, env: MazeEnv, label: str):
        super().__init__(env)
        self.label = label
        self.maze_env_seen = env.maze_env
        self.steps = 0

    def step(self, action):
        self.steps += 1
        return self.env.step(action)


class DocsOrderStructuredWrapper(Wrapper[MazeEnv], StructuredEnv, StructuredEnvSpacesMixin):
    """Declared in the base order of the docs' structured env listing (``Wrapper`` first)."""

    def __init__(self, maze_env: MazeEnv):
        Wrapper.__init__(self, maze_env)

    def actor_id(self):
        return self.env.actor_id()

    def is_actor_done(self) -> bool:
        return False

    @property
    def agent_counts_dict(self):
        return {0: 1}

    @property
    def action_space(self) -> gym.spaces.Dict:
        return self.env.action_space

    @property
    def observation_space(self) -> gym.spaces.Dict:
        return self.env.observation_space

    @property
    def action_spaces_dict(self):
        return self.env.action_spaces_dict

    @property
    def observation_spaces_dict(self):
        return self.env.observation_spaces_dict


def test_wrappers_in_the_docs_base_order_are_transparent_for_isinstance():
    env = DocsOrderStructuredWrapper(GymMazeEnv("CartPole-v1"))
    assert isinstance(env, GymMazeEnv) and isinstance(env, MazeEnv) and isinstance(env, DocsOrderStructuredWrapper)
    wrapped = LoggingWrapper(TimeLimitWrapper.wrap(env, max_episode_steps=3), label="outer")
    for cls in (GymMazeEnv, DocsOrderStructuredWrapper, TimeLimitWrapper, LoggingWrapper, StructuredEnv):
        assert isinstance(wrapped, cls), cls
    assert not isinstance(wrapped, RandomResetWrapper)
    # attributes assigned by a wrapper are its own; the others come from the wrapped envs
    assert wrapped.label == "outer" and wrapped.maze_env_seen is env.maze_env and wrapped.max_episode_steps == 3
    wrapped.reset(seed=1)
    results = [wrapped.step({"action": 0}) for _ in range(3)]
    assert wrapped.steps == 3 and results[-1][3]  # truncated by the inner time limit
