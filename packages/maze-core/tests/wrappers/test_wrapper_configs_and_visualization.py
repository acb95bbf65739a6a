"""Shipped wrapper configs (Hydra group ``wrappers``), registry names, ObservationVisualizationWrapper."""

from __future__ import annotations

import os

import gymnasium as gym
import numpy as np
import pytest
from wrapper_test_env import TwoStepMazeEnv

from maze.core.utils.config_utils import make_env
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.observation_normalization.observation_normalization_utils import obtain_normalization_statistics
from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import ObservationNormalizationWrapper
from maze.core.wrappers.observation_preprocessing.preprocessing_wrapper import PreProcessingWrapper
from maze.core.wrappers.observation_visualization_wrapper import ObservationVisualizationWrapper


def _compose(overrides):
    from hydra import compose, initialize_config_module

    with initialize_config_module(config_module="maze.core.conf", version_base=None):
        return compose(config_name="conf_rollout", overrides=overrides)


def test_vector_obs_config_normalizes_cartpole(tmp_path):
    cfg = _compose(["wrappers=vector_obs", "env=gym_env", "env.name=CartPole-v1"])
    env = make_env(cfg.env, cfg.wrappers, call_plugins=False)
    assert isinstance(env, ObservationNormalizationWrapper)
    stats = obtain_normalization_statistics(env, n_samples=300, output_dir=str(tmp_path))
    assert stats["observation"]["mean"].shape == (4,)
    assert os.path.exists(tmp_path / "statistics.json")
    obs, _ = env.reset(seed=0)
    assert obs["observation"].dtype == np.float32 and np.all(np.abs(obs["observation"]) < 5)


class PixelEnv(gym.Env):
    observation_space = gym.spaces.Box(0, 255, (192, 160, 3), np.uint8)
    action_space = gym.spaces.Discrete(3)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return self.np_random.integers(0, 256, self.observation_space.shape, dtype=np.uint8), {}

    def step(self, action):
        return self.np_random.integers(0, 256, self.observation_space.shape, dtype=np.uint8), 0.0, False, False, {}


def test_pixel_obs_config_builds_cnn_input():
    from maze.core.wrappers.wrapper_factory import WrapperFactory

    cfg = _compose(["wrappers=pixel_obs"])
    env = WrapperFactory.wrap_from_config(GymMazeEnv(PixelEnv()), cfg.wrappers)
    assert isinstance(env, PreProcessingWrapper) and env.is_initialized()
    space = env.observation_space["observation-rgb2gray-resize_img-unsqueeze"]
    assert space.shape == (1, 96, 96) and space.low.min() == 0 and space.high.max() == 1
    obs, _ = env.reset(seed=0)
    assert set(obs) == {"observation-rgb2gray-resize_img-unsqueeze"} and env.observation_space.contains(obs)


def test_registered_names_resolve(plugin_manager):
    registry = plugin_manager.registry
    for name in ("TimeLimitWrapper", "RandomResetWrapper", "SortedSpacesWrapper", "NoDictSpacesWrapper",
                 "DictObservationWrapper", "NoDictObservationWrapper", "ObservationStackWrapper", "DictActionWrapper",
                 "NoDictActionWrapper", "SplitActionsWrapper", "DiscretizeActionsWrapper", "RewardScalingWrapper",
                 "RewardClippingWrapper", "ReturnNormalizationRewardWrapper", "ObservationVisualizationWrapper",
                 "PreProcessingWrapper", "ObservationNormalizationWrapper"):
        assert registry.resolve(name, "wrapper").__name__ == name
    assert len(registry.names("preprocessor")) >= 6 and len(registry.names("normalization_strategy")) >= 2


def test_observation_visualization_figures(tmp_path):
    from matplotlib.figure import Figure

    def plot(value, groups, **kwargs):
        if groups[1] == "progress":
            return None  # skip this group
        fig = Figure()
        fig.add_subplot(1, 1, 1).plot(np.stack(value).reshape(len(value), -1).mean(axis=1))
        return fig

    env = ObservationVisualizationWrapper.wrap(TwoStepMazeEnv(max_steps=2), plot_function=plot, max_samples=2)
    env.reset()
    for _ in range(2):
        env.step({"direction": 0})
        env.step({"magnitude": np.zeros(2, np.float32)})
    collected = env.collected_observations()
    assert sorted(collected) == [("step_key_move", "image"), ("step_key_move", "position"),
                                 ("step_key_scale", "position"), ("step_key_scale", "progress")]
    assert len(collected[("step_key_move", "position")]) == 2  # 3 seen, latest 2 kept
    figures = env.write_observation_figures(global_step=3, output_dir=str(tmp_path))
    assert set(figures) == {("step_key_move", "image"), ("step_key_move", "position"), ("step_key_scale", "position")}
    assert sorted(os.listdir(tmp_path / "observation_visualization")) == [
        "step_key_move-image-3.png", "step_key_move-position-3.png", "step_key_scale-position-3.png"]
    assert env.collected_observations() == {}


def test_default_plot_function_writes_tensorboard_images(tmp_path):
    tensorboard = pytest.importorskip("torch.utils.tensorboard")  # any writer with add_figure works; torch's is at hand
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    env = ObservationVisualizationWrapper.wrap(TwoStepMazeEnv(max_steps=2))
    env.reset()
    env.step({"direction": 0})
    writer = tensorboard.SummaryWriter(log_dir=str(tmp_path))
    figures = env.write_observation_figures(summary_writer=writer, global_step=5)
    writer.close()
    assert len(figures) == 4 and all(fig.axes for fig in figures.values())
    events = EventAccumulator(str(tmp_path))
    events.Reload()
    tags = events.Tags()["images"]
    assert sorted(tags) == ["observation_visualization/step_key_move/image", "observation_visualization/step_key_move/position",
                            "observation_visualization/step_key_scale/position", "observation_visualization/step_key_scale/progress"]
    image = events.Images("observation_visualization/step_key_move/image")[0]
    assert image.step == 5 and image.width > 100 and image.height > 100
