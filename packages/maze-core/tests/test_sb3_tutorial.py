"""The docs' "Combining Maze with other RL Frameworks" tutorial as tested examples: Stable-Baselines3 PPO trains
on an observation-normalized Maze CartPole, built in plain Python and from a Hydra config (make_env_from_hydra)."""

from __future__ import annotations

import json
import sys
import textwrap
import warnings

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from maze.core.agent.random_policy import RandomPolicy
from maze.core.utils.config_utils import make_env_from_hydra
from maze.core.utils.factory import ConfigError
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.no_dict_spaces_wrapper import NoDictSpacesWrapper
from maze.core.wrappers.observation_normalization.observation_normalization_utils import obtain_normalization_statistics
from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import ObservationNormalizationWrapper

HYDRA_CONFIG = """\
# @package _global_
# the tutorial's config: a GymMazeEnv with observation normalization
env:
  _target_: maze.core.wrappers.maze_gym_env_wrapper.GymMazeEnv
  env: CartPole-v1
wrappers:
  maze.core.wrappers.observation_normalization.observation_normalization_wrapper.ObservationNormalizationWrapper:
    default_strategy: MeanZeroStdOneObservationNormalizationStrategy
    default_strategy_config:
      clip_range: [~, ~]
      axis: 0
    default_statistics: ~
    statistics_dump: statistics.json
    sampling_policy:
      _target_: maze.core.agent.random_policy.RandomPolicy
    exclude: ~
    manual_config: ~
"""


def check_without_warnings(env):
    """gymnasium's env checker with every warning an error (a seed() method would warn)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env, skip_render_check=True)


def train_and_predict(env, steps: int = 256):
    """SB3 PPO for a few hundred steps; returns the actions the model predicts over 20 steps of ``env``."""
    sb3 = pytest.importorskip("stable_baselines3")
    model = sb3.PPO("MlpPolicy", env, n_steps=128, batch_size=64, n_epochs=2, seed=0, device="cpu", verbose=0)
    model.learn(total_timesteps=steps)
    assert model.num_timesteps >= steps
    obs, _ = env.reset(seed=1)
    actions = []
    for _ in range(20):
        action, _ = model.predict(obs, deterministic=True)
        assert env.action_space.contains(action), action
        actions.append(action)
        obs, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            obs, _ = env.reset()
    return actions


def assert_normalized(env, steps: int = 1000):
    """Random play in the wrapped env yields observations with per-element mean ~0 and std ~1."""
    env.action_space.seed(5)
    obs, _ = env.reset(seed=5)
    observations = [obs]
    for _ in range(steps):
        obs, _, terminated, truncated, _ = env.step(env.action_space.sample())
        observations.append(obs if not (terminated or truncated) else env.reset()[0])
    data = np.stack(observations)
    assert data.shape == (steps + 1, 4)
    # unseeded estimation and play: loose bounds; raw CartPole observations (std ~0.1 for position and angle) fail
    assert np.all(np.abs(data.mean(axis=0)) < 1.0), data.mean(axis=0)
    assert np.all((data.std(axis=0) > 0.4) & (data.std(axis=0) < 2.5)), data.std(axis=0)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # statistics.json is dumped into the working dir outside Hydra runs
    return tmp_path


def test_plain_python_part(in_tmp):
    pytest.importorskip("stable_baselines3")
    env = GymMazeEnv("CartPole-v1")
    env = ObservationNormalizationWrapper(
        env=env, default_strategy="MeanZeroStdOneObservationNormalizationStrategy",
        default_strategy_config={"clip_range": (None, None), "axis": 0}, default_statistics=None,
        statistics_dump="statistics.json", sampling_policy=RandomPolicy(env.action_spaces_dict),
        exclude=None, manual_config=None)
    statistics = obtain_normalization_statistics(env, n_samples=1000)
    env.set_normalization_statistics(statistics)
    env = NoDictSpacesWrapper(env)  # SB3 does not support Dict spaces

    assert (in_tmp / "statistics.json").exists()
    stats = json.loads((in_tmp / "statistics.json").read_text())
    assert "observation" in json.dumps(stats)
    check_without_warnings(env)
    # normalization applies: observations of random play have mean ~0 and std ~1 per element
    assert_normalized(env)
    actions = train_and_predict(env)
    assert {int(a) for a in actions} <= {0, 1}


def test_hydra_part(in_tmp, monkeypatch):
    pytest.importorskip("stable_baselines3")
    package = in_tmp / "sb3_tutorial_conf"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cartpole_normalized.yaml").write_text(textwrap.dedent(HYDRA_CONFIG))
    monkeypatch.syspath_prepend(str(in_tmp))
    sys.modules.pop("sb3_tutorial_conf", None)

    env = make_env_from_hydra("sb3_tutorial_conf", "cartpole_normalized")
    assert isinstance(env, ObservationNormalizationWrapper)
    statistics = obtain_normalization_statistics(env, n_samples=1000)
    env.set_normalization_statistics(statistics)
    env = NoDictSpacesWrapper(env)
    assert (in_tmp / "statistics.json").exists()
    check_without_warnings(env)
    assert_normalized(env)
    actions = train_and_predict(env)
    assert {int(a) for a in actions} <= {0, 1}


def test_make_env_from_hydra_uses_the_plugin_search_path_and_overrides(in_tmp):
    env = make_env_from_hydra(env="gym_env", **{"env.name": "Acrobot-v1"})
    assert env.observation_space["observation"].shape == (6,)
    with pytest.raises(ConfigError) as info:
        make_env_from_hydra(env="no_such_env")
    assert "no_such_env" in str(info.value) and "gym_env" in str(info.value)  # Hydra lists the valid options
    with pytest.raises(ConfigError, match="no_such_module"):
        make_env_from_hydra("no_such_module.conf", "x")
