"""Reference docs, "Observation Normalization": the five examples (estimated statistics, manual statistics, per-key
config with exclusions, a custom strategy, plain Python with CartPole)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from docs_example_envs import masked_features_env
from my_project.normalization_strategies.custom import CustomObservationNormalizationStrategy

from maze.core.agent.random_policy import RandomPolicy
from maze.core.utils.config_utils import make_env
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.observation_normalization.observation_normalization_utils import (
    obtain_normalization_statistics,
)
from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import (
    ObservationNormalizationWrapper,
)

WRAPPER = "maze.core.wrappers.observation_normalization.observation_normalization_wrapper.ObservationNormalizationWrapper"

EXAMPLE_1 = yaml.safe_load(f"""
{WRAPPER}:
    default_strategy: maze.normalization_strategies.MeanZeroStdOneObservationNormalizationStrategy
    default_strategy_config:
        clip_range: [~, ~]
        axis: ~
    default_statistics: ~
    statistics_dump: statistics.pkl
    sampling_policy:
        _target_: maze.core.agent.random_policy.RandomPolicy
    exclude: ~
    manual_config: ~
""")

EXAMPLE_2 = yaml.safe_load(f"""
{WRAPPER}:
    default_strategy: maze.normalization_strategies.RangeZeroOneObservationNormalizationStrategy
    default_strategy_config:
        clip_range: [0, 1]
        axis: ~
    default_statistics:
        min: 0
        max: 255
    statistics_dump: statistics.pkl
    sampling_policy:
        _target_: maze.core.agent.random_policy.RandomPolicy
    exclude: ~
    manual_config: ~
""")

EXAMPLE_3 = yaml.safe_load(f"""
{WRAPPER}:
    default_strategy: maze.normalization_strategies.MeanZeroStdOneObservationNormalizationStrategy
    default_strategy_config:
        clip_range: [~, ~]
        axis: ~
    default_statistics: ~
    statistics_dump: statistics.pkl
    sampling_policy:
        _target_: maze.core.agent.random_policy.RandomPolicy
    exclude: [action_mask]
    manual_config:
        pixel_image:
          strategy: maze.normalization_strategies.RangeZeroOneObservationNormalizationStrategy
          strategy_config:
            clip_range: [0, 1]
            axis: ~
          statistics:
            min: 0
            max: 255
        feature_vector:
          strategy: maze.normalization_strategies.MeanZeroStdOneObservationNormalizationStrategy
          strategy_config:
            clip_range: [-3, 3]
            axis: [0]
""")


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):
    """``statistics_dump: statistics.pkl`` is relative: the estimated statistics are written to the working dir."""
    monkeypatch.chdir(tmp_path)


def _wrapped(config: dict, env) -> ObservationNormalizationWrapper:
    return make_env(env, config, call_plugins=False)


def test_example_1_estimated_statistics_normalize_to_mean_zero_std_one(tmp_path):
    env = _wrapped(EXAMPLE_1, GymMazeEnv("CartPole-v1"))
    assert not env.is_initialized()
    obtain_normalization_statistics(env, n_samples=500)
    assert (tmp_path / "statistics.pkl").is_file()  # dumped where the docs' config says
    stats = env.get_statistics()["observation"]
    assert set(stats) == {"mean", "std"} and np.shape(stats["mean"]) == ()  # axis ~: one scalar per observation
    samples = [env.reset(seed=s)[0]["observation"] for s in range(50)]
    samples += [env.step({"action": i % 2})[0]["observation"] for i in range(20)]
    # the statistics of random play: normalized observations have moderate values around zero
    assert abs(float(np.mean(samples))) < 1.0 and 0.1 < float(np.std(samples)) < 3.0
    # the dump (named .pkl as in the docs) holds JSON: nothing is unpickled when it is read back
    path = env.dump_statistics(str(tmp_path / "statistics.pkl"))
    with open(path, encoding="utf-8") as file:
        assert set(json.load(file)["statistics"]) == {"observation"}


def test_example_2_manual_statistics_map_pixels_to_zero_one():
    env = _wrapped(EXAMPLE_2, GymMazeEnv(masked_features_env()))
    assert env.is_initialized()  # nothing to estimate
    obs, _ = env.reset(seed=3)
    raw, _ = GymMazeEnv(masked_features_env()).reset(seed=3)
    np.testing.assert_allclose(obs["pixel_image"], raw["pixel_image"] / 255.0, rtol=1e-6)
    np.testing.assert_allclose(obs["feature_vector"], raw["feature_vector"] / 255.0, rtol=1e-6)
    for key in ("pixel_image", "feature_vector", "action_mask"):
        assert 0.0 <= obs[key].min() and obs[key].max() <= 1.0
    assert obs["pixel_image"].max() > 0.5  # random pixels up to 255 → close to 1


def test_example_3_per_observation_config_and_exclusion():
    env = _wrapped(EXAMPLE_3, GymMazeEnv(masked_features_env()))
    assert set(env.strategies) == {"pixel_image", "feature_vector"}  # action_mask is excluded
    raw_env = GymMazeEnv(masked_features_env())
    obtain_normalization_statistics(env, n_samples=200)
    feature_stats = env.get_statistics()["feature_vector"]
    assert np.shape(feature_stats["mean"]) == (10,)  # axis [0]: element-wise statistics
    np.testing.assert_allclose(feature_stats["mean"], 5.0, atol=0.6)  # uniform in [1, 9]
    raw, _ = raw_env.reset(seed=7)
    obs, _ = env.reset(seed=7)
    np.testing.assert_array_equal(obs["action_mask"], raw["action_mask"])  # not normalized
    np.testing.assert_allclose(obs["pixel_image"], raw["pixel_image"] / 255.0, rtol=1e-6)
    expected = np.clip((raw["feature_vector"] - feature_stats["mean"]) / feature_stats["std"], -3, 3)
    np.testing.assert_allclose(obs["feature_vector"], expected, rtol=1e-5, atol=1e-6)


def test_example_4_custom_normalization_strategy():
    config = yaml.safe_load(yaml.safe_dump(EXAMPLE_1))
    config[WRAPPER]["default_strategy"] = "my_project.normalization_strategies.custom.CustomObservationNormalizationStrategy"
    env = _wrapped(config, GymMazeEnv(masked_features_env()))
    assert all(isinstance(s, CustomObservationNormalizationStrategy) for s in env.strategies.values())
    obtain_normalization_statistics(env, n_samples=200)
    stats = env.get_statistics()["feature_vector"]
    assert set(stats) == {"median", "iqr"}
    np.testing.assert_allclose(stats["median"], 5.0, atol=0.6)
    np.testing.assert_allclose(stats["iqr"], 4.0, atol=0.8)  # uniform in [1, 9]: quartiles 3 and 7
    obs, _ = env.reset(seed=1)
    raw, _ = GymMazeEnv(masked_features_env()).reset(seed=1)
    np.testing.assert_allclose(obs["feature_vector"], (raw["feature_vector"] - stats["median"]) / stats["iqr"],
                               rtol=1e-5, atol=1e-6)


def test_example_5_plain_python_estimate_then_reuse_statistics(tmp_path):
    env = GymMazeEnv("CartPole-v1")  # the docs' CartPole-v0
    normalization_config = {
        "default_strategy": "maze.normalization_strategies.MeanZeroStdOneObservationNormalizationStrategy",
        "default_strategy_config": {"clip_range": (None, None), "axis": 0},
        "default_statistics": None,
        "statistics_dump": "statistics.pkl",
        "sampling_policy": RandomPolicy(env.action_spaces_dict),
        "exclude": None,
        "manual_config": None,
    }
    env = ObservationNormalizationWrapper.wrap(env, **normalization_config)
    normalization_statistics = obtain_normalization_statistics(env, n_samples=1000)
    assert np.shape(normalization_statistics["observation"]["mean"]) == (4,)  # axis 0: per element

    training_env = GymMazeEnv("CartPole-v1")
    training_env = ObservationNormalizationWrapper.wrap(training_env, **normalization_config)
    training_env.set_normalization_statistics(normalization_statistics)
    normalized_obs, _ = training_env.reset(seed=4)
    raw, _ = GymMazeEnv("CartPole-v1").reset(seed=4)
    stats = normalization_statistics["observation"]
    np.testing.assert_allclose(normalized_obs["observation"], (raw["observation"] - stats["mean"]) / stats["std"],
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="observation"):
        training_env.set_normalization_statistics({"observation": {"mean": [0.0, 1.0]}})
