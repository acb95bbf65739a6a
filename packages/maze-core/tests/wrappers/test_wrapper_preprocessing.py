"""PreProcessingWrapper and the built-in pre-processors: cascades, keep_original, values, spaces, errors."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from wrapper_test_env import TwoStepMazeEnv, make_image

from maze.core.utils.factory import ConfigError
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.observation_preprocessing.preprocessing_wrapper import PreProcessingWrapper
from maze.core.wrappers.observation_preprocessing.preprocessors.flatten import FlattenPreProcessor
from maze.core.wrappers.observation_preprocessing.preprocessors.one_hot import OneHotPreProcessor
from maze.core.wrappers.observation_preprocessing.preprocessors.resize_img import ResizeImgPreProcessor
from maze.core.wrappers.observation_preprocessing.preprocessors.rgb2gray import Rgb2GrayPreProcessor
from maze.core.wrappers.observation_preprocessing.preprocessors.transpose import TransposePreProcessor
from maze.core.wrappers.observation_preprocessing.preprocessors.unsqueeze import UnSqueezePreProcessor
from maze.core.wrappers.wrapper_factory import WrapperFactory

IMAGE_SPACE = gym.spaces.Box(0, 255, (8, 6, 3), np.uint8)


def _gray(img: np.ndarray) -> np.ndarray:
    img = img.astype(np.float64)
    return 0.299 * img[..., 0] + 0.587 * img[..., 1] + 0.114 * img[..., 2]


class CategoricalEnv(gym.Env):
    """Dict observations with a categorical ``month`` and an ``rgb_image``."""

    observation_space = gym.spaces.Dict({"month": gym.spaces.Discrete(12),
                                         "rgb_image": gym.spaces.Box(0, 255, (4, 4, 3), np.uint8)})
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return self._obs(), {}

    def _obs(self):
        return {"month": self.t % 12, "rgb_image": np.full((4, 4, 3), self.t, np.uint8)}

    def step(self, action):
        self.t += 5
        return self._obs(), 0.0, False, False, {}


def test_cascade_from_docs_example():
    mapping = [
        {"observation": "image", "_target_": "maze.preprocessors.Rgb2GrayPreProcessor", "keep_original": False,
         "config": {"rgb_dim": -1}},
        {"observation": "image-rgb2gray", "_target_": "maze.preprocessors.ResizeImgPreProcessor", "keep_original": False,
         "config": {"target_size": [4, 3], "transpose": False}},
        {"observation": "image-rgb2gray-resize_img", "_target_": "UnSqueezePreProcessor", "keep_original": False,
         "config": {"dim": -3}},
    ]
    env = PreProcessingWrapper.wrap(TwoStepMazeEnv(), pre_processor_mapping=mapping)
    move = env.observation_spaces_dict["move"]
    assert set(move.spaces) == {"position", "image-rgb2gray-resize_img-unsqueeze"}
    assert move["image-rgb2gray-resize_img-unsqueeze"].shape == (1, 4, 3)
    assert env.observation_spaces_dict["scale"] == TwoStepMazeEnv().observation_spaces_dict["scale"]  # no image there
    obs, _ = env.reset()
    assert move.contains(obs)
    # downscaling by exactly 2 with half-pixel bilinear interpolation = mean of 2x2 blocks
    gray = _gray(make_image(0))
    expected = gray.reshape(4, 2, 3, 2).mean(axis=(1, 3))
    assert np.allclose(obs["image-rgb2gray-resize_img-unsqueeze"][0], expected, atol=1e-3)
    obs = env.step({"direction": 0})[0]
    assert set(obs) == {"position", "progress"}
    obs = env.step({"magnitude": np.zeros(2, np.float32)})[0]
    expected = _gray(make_image(1)).reshape(4, 2, 3, 2).mean(axis=(1, 3))
    assert np.allclose(obs["image-rgb2gray-resize_img-unsqueeze"][0], expected, atol=1e-3)


def test_keep_original_and_one_hot_from_config():
    config = {"PreProcessingWrapper": {"pre_processor_mapping": [
        {"observation": "rgb_image", "_target_": "Rgb2GrayPreProcessor", "keep_original": True, "config": {}},
        {"observation": "month", "_target_": "maze.core.wrappers.observation_preprocessing.preprocessors.one_hot.OneHotPreProcessor",
         "keep_original": False, "config": {}},
    ]}}
    env = WrapperFactory.wrap_from_config(GymMazeEnv(CategoricalEnv()), config)
    assert set(env.observation_space.spaces) == {"rgb_image", "rgb_image-rgb2gray", "month-one_hot"}
    assert env.observation_space["month-one_hot"] == gym.spaces.Box(0, 1, (12,), np.float32)
    obs, _ = env.reset(seed=0)
    obs = env.step({"action": 0})[0]
    assert obs["month-one_hot"].tolist() == [0.0] * 5 + [1.0] + [0.0] * 6
    assert np.allclose(obs["rgb_image-rgb2gray"], 5.0) and obs["rgb_image"].dtype == np.uint8
    assert env.observation_space.contains(obs)
    obs_dict, _ = env.get_observation_and_action_dicts({"month": 11, "rgb_image": np.zeros((4, 4, 3), np.uint8)}, None, True)
    assert obs_dict[0]["month-one_hot"][11] == 1.0


def test_missing_observation_key_names_key_and_available_keys():
    with pytest.raises(ConfigError) as info:
        PreProcessingWrapper.wrap(TwoStepMazeEnv(), pre_processor_mapping=[
            {"observation": "rgb_image", "_target_": "Rgb2GrayPreProcessor", "config": {}}])
    message = str(info.value)
    assert "'rgb_image'" in message and "['image', 'position', 'progress']" in message
    # a dropped original is not available to later entries of the cascade
    with pytest.raises(ConfigError) as info:
        PreProcessingWrapper.wrap(TwoStepMazeEnv(), pre_processor_mapping=[
            {"observation": "image", "_target_": "Rgb2GrayPreProcessor", "keep_original": False, "config": {}},
            {"observation": "image", "_target_": "FlattenPreProcessor", "config": {"num_flatten_dims": 2}}])
    assert "pre_processor_mapping[1]" in str(info.value) and "image-rgb2gray" in str(info.value)


def test_bad_pre_processor_names_and_arguments():
    with pytest.raises(ConfigError) as info:
        PreProcessingWrapper.wrap(TwoStepMazeEnv(), pre_processor_mapping=[
            {"observation": "image", "_target_": "maze.preprocessors.Rgb2GreyPreProcessor", "config": {}}])
    assert "Rgb2GreyPreProcessor" in str(info.value) and "Rgb2GrayPreProcessor" in str(info.value)
    with pytest.raises(ConfigError) as info:  # the docs' example 1 passes a flatten argument to rgb2gray
        PreProcessingWrapper.wrap(TwoStepMazeEnv(), pre_processor_mapping=[
            {"observation": "image", "_target_": "Rgb2GrayPreProcessor", "config": {"num_flatten_dims": 2}}])
    assert "num_flatten_dims" in str(info.value) and "rgb_dim" in str(info.value)
    with pytest.raises(ConfigError, match="expected 3 color channels"):
        PreProcessingWrapper.wrap(TwoStepMazeEnv(), pre_processor_mapping=[
            {"observation": "position", "_target_": "Rgb2GrayPreProcessor", "config": {}}])


def test_pre_processor_values_and_spaces():
    img = make_image(3)
    flat = FlattenPreProcessor(IMAGE_SPACE, num_flatten_dims=2)
    assert flat.processed_shape() == (8, 18) and flat.process(img).tolist() == img.reshape(8, 18).tolist()
    assert flat.processed_space().dtype == np.uint8 and flat.tag() == "flatten"
    tr = TransposePreProcessor(IMAGE_SPACE, axes=[2, 0, 1])
    assert tr.processed_shape() == (3, 8, 6) and np.array_equal(tr.process(img), img.transpose(2, 0, 1))
    un = UnSqueezePreProcessor(IMAGE_SPACE, dim=0)
    assert un.processed_shape() == (1, 8, 6, 3)
    gray = Rgb2GrayPreProcessor(IMAGE_SPACE)
    assert np.allclose(gray.process(img), _gray(img), atol=1e-3)
    assert gray.processed_space().high.max() == pytest.approx(255.0)
    chw = Rgb2GrayPreProcessor(gym.spaces.Box(0, 1, (3, 2, 2), np.float32), rgb_dim=0)
    assert chw.processed_shape() == (2, 2)
    # upscaling a 2x1 column to 4x1: a, 0.75a + 0.25b, 0.25a + 0.75b, b
    col = ResizeImgPreProcessor(gym.spaces.Box(0, 100, (2, 1), np.float32), target_size=[4, 1])
    assert col.process(np.asarray([[0.0], [100.0]], np.float32))[:, 0].tolist() == [0.0, 25.0, 75.0, 100.0]
    rs = ResizeImgPreProcessor(IMAGE_SPACE, target_size=[4, 3])
    out = rs.process(img)
    assert out.dtype == np.uint8 and out.shape == (4, 3, 3)
    assert np.abs(out.astype(float) - img.astype(float).reshape(4, 2, 3, 2, 3).mean(axis=(1, 3))).max() <= 0.5
    rs_t = ResizeImgPreProcessor(gym.spaces.Box(0, 255, (3, 8, 6), np.uint8), target_size=[4, 3], transpose=True)
    assert rs_t.processed_shape() == (3, 4, 3)
    assert np.array_equal(rs_t.process(img.transpose(2, 0, 1)), out.transpose(2, 0, 1))
    oh = OneHotPreProcessor(gym.spaces.Box(1, 3, (2,), np.int64))
    assert oh.processed_shape() == (2, 3) and oh.process(np.asarray([3, 1])).tolist() == [[0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match="outside the categories"):
        oh.process(np.asarray([0, 1]))
    md = OneHotPreProcessor(gym.spaces.MultiDiscrete([2, 4]))
    assert md.process(np.asarray([1, 3])).tolist() == [[0, 1, 0, 0], [0, 0, 0, 1]]
