"""ObservationNormalizationWrapper: estimated vs. hand-computed statistics, manual config, spaces, dump/load, errors."""

from __future__ import annotations

import json
import os
import pickle

import numpy as np
import pytest
from wrapper_test_env import CyclePolicy, TwoStepMazeEnv, collect_observations, make_image

from maze.core.utils.factory import ConfigError
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.observation_normalization.normalization_strategies.mean_zero_std_one import (
    MeanZeroStdOneObservationNormalizationStrategy,
)
from maze.core.wrappers.observation_normalization.normalization_strategies.range_zero_one import (
    RangeZeroOneObservationNormalizationStrategy,
)
from maze.core.wrappers.observation_normalization.observation_normalization_utils import (
    load_normalization_statistics,
    make_normalized_env_factory,
    obtain_normalization_statistics,
)
from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import ObservationNormalizationWrapper
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper
from maze.core.wrappers.wrapper_factory import WrapperFactory

MEAN_STD = "maze.normalization_strategies.MeanZeroStdOneObservationNormalizationStrategy"
RANGE = "maze.normalization_strategies.RangeZeroOneObservationNormalizationStrategy"


def _config(tmp_path, **kw):
    cfg = {
        "default_strategy": MEAN_STD,
        "default_strategy_config": {"clip_range": [None, None], "axis": [0]},
        "default_statistics": None,
        "statistics_dump": str(tmp_path / "statistics.json"),
        "sampling_policy": {"_target_": "wrapper_test_env.CyclePolicy"},
        "exclude": None,
        "manual_config": None,
    }
    cfg.update(kw)
    return cfg


def test_estimated_statistics_match_hand_computation(tmp_path):
    env = ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(max_steps=3), **_config(
        tmp_path, manual_config={"progress": {"strategy_config": {"clip_range": [None, None], "axis": None}}}))
    stats = obtain_normalization_statistics(env, n_samples=20)
    seen = collect_observations(TwoStepMazeEnv(max_steps=3), CyclePolicy(), 20)
    positions = np.stack([o["position"] for o in seen])
    images = np.stack([o["image"] for o in seen if "image" in o]).astype(np.float64)
    progress = np.stack([o["progress"] for o in seen if "progress" in o])
    assert len(positions) == 21 + 20 // 6  # resets after every 6 sub-steps
    assert np.allclose(stats["position"]["mean"], positions.mean(axis=0), atol=1e-5)
    assert np.allclose(stats["position"]["std"], positions.std(axis=0), atol=1e-5)
    assert stats["image"]["mean"].shape == (8, 6, 3)
    assert np.allclose(stats["image"]["mean"], images.mean(axis=0), atol=1e-3)
    assert stats["progress"]["mean"].shape == () and np.isclose(stats["progress"]["mean"], progress.mean(), atol=1e-6)
    # normalized observations of both sub-steps
    obs, _ = env.reset()
    assert np.allclose(obs["position"], (np.asarray([1, 2]) - positions.mean(axis=0)) / positions.std(axis=0), atol=1e-4)
    std = images.std(axis=0)
    expected_image = (make_image(0) - images.mean(axis=0)) / np.where(std > 0, std, 1)
    assert obs["image"].dtype == np.float32 and np.allclose(obs["image"], expected_image, atol=1e-3)
    obs = env.step({"direction": 0})[0]
    assert np.isclose(obs["progress"][0], (0 - progress.mean()) / progress.std(), atol=1e-4)
    # the statistics were dumped and read back identically
    loaded = load_normalization_statistics(str(tmp_path / "statistics.json"))
    assert set(loaded) == {"position", "image", "progress"}
    for key in loaded:
        for name in ("mean", "std"):
            np.testing.assert_array_equal(loaded[key][name], stats[key][name])


def test_spaces_of_every_sub_step_after_normalization(tmp_path):
    env = ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(
        tmp_path, default_strategy=RANGE, default_statistics={"min": 0, "max": 255}, exclude=["progress"],
        default_strategy_config={"clip_range": [0, 1], "axis": None},
        manual_config={"position": {"strategy": MEAN_STD, "strategy_config": {"clip_range": [-3, 3]},
                                    "statistics": {"mean": [1.0, 2.0], "std": [2.0, 4.0]}}}))
    assert env.is_initialized()
    for key in ("move", "scale"):
        position = env.observation_spaces_dict[key]["position"]
        # bounds (-10, 10) normalized to (-5.5, 4.5) and (-3, 2) then clipped to [-3, 3]
        assert position.low.tolist() == [-3.0, -3.0] and position.high.tolist() == [3.0, 2.0]
    assert env.observation_spaces_dict["move"]["image"].high.max() == 1.0
    assert env.observation_spaces_dict["move"]["image"].dtype == np.float32
    assert env.observation_spaces_dict["scale"]["progress"] == TwoStepMazeEnv().observation_spaces_dict["scale"]["progress"]
    obs, _ = env.reset()
    assert env.observation_space is env.observation_spaces_dict["move"] and env.observation_space.contains(obs)
    assert np.allclose(obs["image"], make_image(0) / 255.0) and obs["position"].tolist() == [0.0, 0.0]
    for _ in range(3):
        env.step({"direction": 0})
        obs = env.step({"magnitude": np.asarray([1.0, 0.0], np.float32)})[0]
    assert obs["position"].tolist() == [3.0, 0.0]  # (7 - 1) / 2 = 3 (clip boundary)
    env.step({"direction": 0})
    obs = env.step({"magnitude": np.asarray([1.0, 0.0], np.float32)})[0]
    assert obs["position"].tolist() == [3.0, 0.0]  # (9 - 1) / 2 = 4 clipped to 3
    obs = env.step({"direction": 2})[0]
    assert env.observation_space is env.observation_spaces_dict["scale"]
    assert obs["progress"].tolist() == pytest.approx([0.8])  # excluded: raw value


def test_docs_example_cartpole_obtain_then_reuse(tmp_path):
    config = _config(tmp_path, sampling_policy=None, statistics_dump="statistics.json",
                     default_strategy_config={"clip_range": (None, None), "axis": 0})
    env = ObservationNormalizationWrapper.wrap(GymMazeEnv("CartPole-v1"), **config)
    stats = obtain_normalization_statistics(env, n_samples=200, output_dir=str(tmp_path))
    assert stats["observation"]["mean"].shape == (4,)
    assert os.path.exists(tmp_path / "statistics.json")
    training_env = ObservationNormalizationWrapper.wrap(GymMazeEnv("CartPole-v1"), **config)
    training_env.set_normalization_statistics(stats)
    obs, _ = training_env.reset(seed=7)
    raw, _ = GymMazeEnv("CartPole-v1").reset(seed=7)
    expected = (raw["observation"] - stats["observation"]["mean"]) / stats["observation"]["std"]
    assert np.allclose(obs["observation"], expected, atol=1e-5)
    # a rollout of the trained policy loads the statistics from the training run's output dir
    rollout_env = ObservationNormalizationWrapper.wrap(GymMazeEnv("CartPole-v1"), **config)
    loaded = obtain_normalization_statistics(rollout_env, n_samples=5, input_dir=str(tmp_path), output_dir=str(tmp_path / "rollout"))
    np.testing.assert_array_equal(loaded["observation"]["std"], stats["observation"]["std"])
    factory = make_normalized_env_factory(lambda: ObservationNormalizationWrapper.wrap(GymMazeEnv("CartPole-v1"), **config), stats)
    assert factory().is_initialized()


def test_npz_round_trip_through_wrapper_stack(tmp_path):
    path = tmp_path / "sub" / "stats.npz"
    env = TimeLimitWrapper.wrap(ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(
        tmp_path, statistics_dump=str(path), default_strategy=RANGE)), max_episode_steps=10)
    stats = obtain_normalization_statistics(env, n_samples=10)
    assert path.exists()
    other = ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(tmp_path, statistics_dump=str(path), default_strategy=RANGE))
    other.load_statistics()
    for key in stats:
        for name in ("min", "max"):
            np.testing.assert_array_equal(other.get_statistics()[key][name], stats[key][name])
    assert other.observation_spaces_dict == env.observation_spaces_dict
    assert not list(path.parent.glob(".tmp-*"))  # atomic write left no temp files


def test_auto_estimation_on_reset_and_loading_existing_dump(tmp_path):
    config = _config(tmp_path)
    env = ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **config)
    env.auto_estimation_samples = 12
    assert not env.is_initialized()
    obs, _ = env.reset()
    assert env.is_initialized() and (tmp_path / "statistics.json").exists()
    assert obs["position"].dtype == np.float32 and np.all(np.isfinite(obs["position"]))
    again = ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **config)
    again.reset()  # finds the dump and loads it instead of sampling
    np.testing.assert_array_equal(again.get_statistics()["position"]["mean"], env.get_statistics()["position"]["mean"])


def test_statistics_of_wrong_shape_name_key_and_shapes(tmp_path):
    env = ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(tmp_path))
    with pytest.raises(ValueError) as info:
        env.set_normalization_statistics({"position": {"mean": np.zeros(3), "std": np.ones(3)}})
    message = str(info.value)
    assert "'position'" in message and "(3,)" in message and "expected shape (2,)" in message
    with pytest.raises(ValueError, match="unknown observation"):
        env.set_normalization_statistics({"velocity": {"mean": 0, "std": 1}})
    with pytest.raises(ValueError, match=r"must have the keys \['mean', 'std'\]"):
        env.set_normalization_statistics({"position": {"min": 0, "max": 1}})
    with pytest.raises(ConfigError) as info:
        ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(
            tmp_path, manual_config={"image": {"statistics": {"mean": np.zeros((8, 6)), "std": np.ones((8, 6))}}}))
    assert "'image'" in str(info.value) and "(8, 6)" in str(info.value) and "(8, 6, 3)" in str(info.value)


def test_config_errors_and_pickle_rejected(tmp_path):
    with pytest.raises(ConfigError) as info:
        ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(tmp_path, exclude=["action_mask"]))
    assert "'action_mask'" in str(info.value) and "['image', 'position', 'progress']" in str(info.value)
    with pytest.raises(ConfigError) as info:
        ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(tmp_path, default_strategy="maze.normalization_strategies.ZScore"))
    assert "MeanZeroStdOneObservationNormalizationStrategy" in str(info.value)
    with pytest.raises(ConfigError, match="sample axis 0"):
        ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(tmp_path, default_strategy_config={"axis": [1]}))
    with pytest.raises(ConfigError, match="unknown key"):
        ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(tmp_path, manual_config={"position": {"stats": {}}}))
    legacy = tmp_path / "statistics.pkl"
    legacy.write_bytes(pickle.dumps({"position": {"mean": 0, "std": 1}}))
    with pytest.raises(ValueError, match="pickle files are not loaded"):
        load_normalization_statistics(str(legacy))
    # a .pkl name from an old config gets JSON content
    env = ObservationNormalizationWrapper.wrap(TwoStepMazeEnv(), **_config(
        tmp_path, statistics_dump=str(legacy), default_statistics={"mean": 0, "std": 1}))
    env.dump_statistics()
    assert json.loads(legacy.read_text())["format"] == "maze-observation-normalization-statistics"


def test_strategies_directly():
    import gymnasium as gym

    space = gym.spaces.Box(-1, 1, (2, 3), np.float32)
    samples = [np.arange(6, dtype=np.float32).reshape(2, 3) * k for k in (1, 2, 3)]
    ms = MeanZeroStdOneObservationNormalizationStrategy(space, axis=[0, 2])
    stats = ms.estimate_stats(samples)
    stacked = np.stack(samples)
    assert stats["mean"].shape == (2, 1) == ms.expected_statistics_shape()
    assert np.allclose(stats["mean"][:, 0], stacked.mean(axis=(0, 2)))
    assert np.allclose(stats["std"][:, 0], stacked.std(axis=(0, 2)))
    rz = RangeZeroOneObservationNormalizationStrategy(space, clip_range=(0, 0.5))
    rz.set_statistics(rz.estimate_stats(samples))
    assert rz.get_statistics()["min"] == 0 and rz.get_statistics()["max"] == 15
    out = rz.normalize_and_process_value(np.asarray([[0, 3, 6], [9, 12, 15]], np.float32))
    assert out.dtype == np.float32 and np.allclose(out, [[0, 0.2, 0.4], [0.5, 0.5, 0.5]])
    # declared bounds [-1, 1] map to [-1/15, 1/15], clipped to [0, 0.5]
    assert np.allclose(rz.normalized_space().high, 1 / 15) and np.all(rz.normalized_space().low == 0.0)


def test_wrapper_factory_with_docs_yaml_mapping(tmp_path):
    from omegaconf import OmegaConf

    yaml = f"""
maze.core.wrappers.observation_normalization.observation_normalization_wrapper.ObservationNormalizationWrapper:
  default_strategy: {MEAN_STD}
  default_strategy_config:
    clip_range: [~, ~]
    axis: ~
  default_statistics: ~
  statistics_dump: {tmp_path / 'stats.json'}
  sampling_policy:
    _target_: maze.core.agent.random_policy.RandomPolicy
  exclude: [image]
  manual_config:
    progress:
      strategy: {RANGE}
      strategy_config:
        clip_range: [0, 1]
        axis: ~
      statistics:
        min: 0
        max: 2
"""
    env = WrapperFactory.wrap_from_config(TwoStepMazeEnv(), OmegaConf.create(yaml))
    assert isinstance(env, ObservationNormalizationWrapper)
    assert env.strategies["progress"].get_statistics()["max"] == 2 and "image" not in env.strategies
    stats = obtain_normalization_statistics(env, n_samples=30)
    assert stats["position"]["mean"].shape == ()
