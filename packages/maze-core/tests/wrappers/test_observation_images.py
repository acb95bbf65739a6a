"""Observation pictures as plain arrays: the ObservationVisualizationWrapper renders its buffers to RGB pictures (what a
trainer fetches from a worker process once per epoch), statistics writers take pictures through ``write_image``, and
TensorBoard stores them as PNG, read back with TensorBoard's own reader."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest
from wrapper_test_env import TwoStepMazeEnv

from maze.core.log_stats.epoch_stats import EpochStatsLog
from maze.core.log_stats.log_stats import writes_images
from maze.core.log_stats.log_stats_writer_console import LogStatsWriterConsole
from maze.core.log_stats.log_stats_writer_tensorboard import LogStatsWriterTensorboard, encode_png
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.observation_visualization_wrapper import ObservationVisualizationWrapper

pytest.importorskip("matplotlib")  # the wrapper draws with matplotlib (maze-core[render])


def _png_pixels(png: bytes) -> np.ndarray:
    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(png), format="png")


def test_the_wrapper_renders_its_buffers_to_pictures_and_clears_them():
    env = LogStatsWrapper.wrap(ObservationVisualizationWrapper.wrap(TwoStepMazeEnv(max_steps=2)))
    env.reset()
    env.step({"direction": 0})
    images = env.take_observation_images()  # forwarded through the outer wrapper, as a vector env's call_env does
    assert sorted(images) == ["observation_visualization/step_key_move/image", "observation_visualization/step_key_move/position",
                              "observation_visualization/step_key_scale/position", "observation_visualization/step_key_scale/progress"]
    for image in images.values():
        assert image.dtype == np.uint8 and image.shape == (400, 600, 3)  # 6x4 inches at 100 dpi
        assert np.unique(image.reshape(-1, 3), axis=0).shape[0] > 10  # something was drawn
    assert pickle.loads(pickle.dumps(images)).keys() == images.keys()  # plain data: crosses process boundaries
    assert env.collected_observations() == {} and env.take_observation_images() == {}  # buffers cleared


def test_png_encoding_round_trips_and_rejects_other_arrays():
    rgb = np.random.default_rng(0).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    assert np.array_equal((_png_pixels(encode_png(rgb)) * 255).round().astype(np.uint8), rgb)
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert np.array_equal((_png_pixels(encode_png(gray)) * 255).round().astype(np.uint8), gray)
    with pytest.raises(ValueError, match=r"image 'x': expected a uint8 array of shape \(height, width\).*float64 \(4, 4, 3\)"):
        encode_png(np.zeros((4, 4, 3)), what="image 'x'")
    with pytest.raises(ValueError, match=r"uint8 \(4, 4, 2\)"):
        encode_png(np.zeros((4, 4, 2), np.uint8))


def test_epoch_stats_log_hands_pictures_to_the_writers_that_take_them(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    console, tensorboard = LogStatsWriterConsole(stream=io.StringIO()), LogStatsWriterTensorboard(str(tmp_path))
    assert not writes_images(console) and writes_images(tensorboard)
    assert not EpochStatsLog([console]).writes_images()
    log = EpochStatsLog([console, tensorboard])
    assert log.writes_images()
    picture = np.zeros((20, 30, 3), np.uint8)
    picture[5:10, :, 0] = 255  # a red band
    log.write_images(3, {"observation_visualization/step_key_0/observation": picture})
    log.close()
    assert console.stream.getvalue() == ""  # the console shows no pictures
    acc = EventAccumulator(str(tmp_path), size_guidance={"images": 0})
    acc.Reload()
    (image,) = acc.Images("observation_visualization/step_key_0/observation")
    assert (image.step, image.width, image.height) == (3, 30, 20)
    assert np.array_equal((_png_pixels(image.encoded_image_string) * 255).round().astype(np.uint8), picture)
