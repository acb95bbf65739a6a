"""Reference docs, "Observation Pre-Processing": the four examples (pre-processors per observation, a cascade,
a custom pre-processor, plain Python with CarRacing)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import yaml
from docs_example_envs import image_and_category_env

from maze.core.utils.config_utils import make_env
from maze.core.utils.factory import ConfigError
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.observation_preprocessing.preprocessing_wrapper import PreProcessingWrapper

WRAPPER = "maze.core.wrappers.observation_preprocessing.preprocessing_wrapper.PreProcessingWrapper"

EXAMPLE_1 = yaml.safe_load(f"""
{WRAPPER}:
    pre_processor_mapping:
        - observation: rgb_image
          _target_: maze.preprocessors.Rgb2GrayPreProcessor
          keep_original: true
          config:
            rgb_dim: -1
        - observation: categorical_feature
          _target_: maze.preprocessors.OneHotPreProcessor
          keep_original: false
          config: {{}}
""")

EXAMPLE_2 = yaml.safe_load(f"""
{WRAPPER}:
  pre_processor_mapping:
    - observation: rgb_image
      _target_: maze.preprocessors.Rgb2GrayPreProcessor
      keep_original: false
      config:
        rgb_dim: -1
    - observation: rgb_image-rgb2gray
      _target_: maze.preprocessors.ResizeImgPreProcessor
      keep_original: false
      config:
        target_size: [96, 96]
        transpose: false
    - observation: rgb_image-rgb2gray-resize_img
      _target_: maze.preprocessors.UnSqueezePreProcessor
      keep_original: false
      config:
        dim: -3
""")

EXAMPLE_3 = yaml.safe_load(f"""
{WRAPPER}:
    pre_processor_mapping:
        - observation: rgb_image
          _target_: my_project.preprocessors.custom.CustomPreProcessor
          keep_original: true
          config:
            num_flatten_dims: 2
""")


def test_example_1_observation_specific_pre_processors():
    env = PreProcessingWrapper.wrap(GymMazeEnv(image_and_category_env()), **EXAMPLE_1[WRAPPER])
    assert set(env.observation_space.spaces) == {"rgb_image", "rgb_image-rgb2gray", "categorical_feature-one_hot"}
    obs, _ = env.reset(seed=1)
    assert obs in env.observation_space
    assert obs["rgb_image"].shape == (32, 32, 3) and obs["rgb_image-rgb2gray"].shape == (32, 32)
    # the gray image is a weighted sum of the channels
    assert obs["rgb_image-rgb2gray"].max() <= obs["rgb_image"].max() + 1e-3
    one_hot = obs["categorical_feature-one_hot"]
    assert one_hot.shape == (12,) and one_hot.sum() == 1


def test_example_1_of_the_docs_with_an_argument_the_pre_processor_does_not_take_is_one_clear_error():
    """The docs' listing passes ``num_flatten_dims`` to the gray-scale pre-processor (see the differences page)."""
    config = yaml.safe_load(yaml.safe_dump(EXAMPLE_1))
    config[WRAPPER]["pre_processor_mapping"][0]["config"] = {"num_flatten_dims": 2}
    with pytest.raises((ConfigError, TypeError), match="num_flatten_dims"):
        PreProcessingWrapper.wrap(GymMazeEnv(image_and_category_env()), **config[WRAPPER])


def test_example_2_cascaded_pre_processing():
    env = make_env(GymMazeEnv(image_and_category_env()), EXAMPLE_2, call_plugins=False)
    assert set(env.observation_space.spaces) == {"rgb_image-rgb2gray-resize_img-unsqueeze", "categorical_feature"}
    obs, _ = env.reset(seed=2)
    assert obs["rgb_image-rgb2gray-resize_img-unsqueeze"].shape == (1, 96, 96)
    assert obs in env.observation_space


def test_example_3_custom_pre_processor_is_tagged_with_its_module_name():
    env = make_env(GymMazeEnv(image_and_category_env()), EXAMPLE_3, call_plugins=False)
    assert set(env.observation_space.spaces) == {"rgb_image", "rgb_image-custom", "categorical_feature"}
    obs, _ = env.reset(seed=3)
    custom = obs["rgb_image-custom"]
    assert custom.shape == (32, 96) and 0.0 <= custom.min() and custom.max() <= 1.0
    np.testing.assert_allclose(custom, obs["rgb_image"].reshape(32, 96) / 255.0, rtol=1e-6)


@pytest.mark.skipif(importlib.util.find_spec("Box2D") is None, reason="CarRacing needs Box2D (pip install box2d)")
def test_example_4_plain_python_with_car_racing():
    config = {"pre_processor_mapping": [
        {"observation": "observation", "_target_": "maze.preprocessors.Rgb2GrayPreProcessor", "keep_original": False,
         "config": {"rgb_dim": -1}}]}
    env = GymMazeEnv("CarRacing-v3")  # the docs' CarRacing-v0
    env = PreProcessingWrapper.wrap(env, pre_processor_mapping=config["pre_processor_mapping"])
    pre_processed_obs, _ = env.reset(seed=0)
    assert set(pre_processed_obs) == {"observation-rgb2gray"}
    assert pre_processed_obs["observation-rgb2gray"].shape == (96, 96)
    env.close()
