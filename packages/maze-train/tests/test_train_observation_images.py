"""Pictures of the ``ObservationVisualizationWrapper`` during training: once per epoch, after the epoch's statistics,
at the epoch's log step, in TensorBoard IMAGES (tag ``observation_visualization/<step_key>/<name>``), for envs in the
main process (``runner=dev``) and in worker processes (``runner=local``). Real ``maze-run`` subprocesses, read back
with TensorBoard's own reader."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
PPO = ["-cn", "conf_train", "env=gym_env", "env.name=CartPole-v1", "model=mlp", "algorithm=ppo", "algorithm.n_epochs=2",
       "algorithm.epoch_length=1", "algorithm.n_rollout_steps=10", "algorithm.rollout_evaluator.n_episodes=1",
       "runner.concurrency=2", "seeding.env_base_seed=1", "seeding.agent_base_seed=2"]
TAG = "observation_visualization/step_key_0/observation"


def _train(args: list[str], run_dir: Path) -> EventAccumulator:
    proc = subprocess.run([*MAZE_RUN, *PPO, *args, f"hydra.run.dir={run_dir}"], cwd=run_dir.parent,
                          env={**os.environ, "MPLBACKEND": "Agg"}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    acc = EventAccumulator(str(run_dir), size_guidance={"images": 0, "scalars": 0})
    acc.Reload()
    return acc


@pytest.mark.parametrize("runner", ["dev", "local"])
def test_training_writes_observation_pictures_once_per_epoch(runner: str, tmp_path: Path) -> None:
    image_lib = pytest.importorskip("matplotlib.image")  # the wrapper draws with matplotlib (maze-core[render])
    acc = _train([f"runner={runner}", "+wrappers.ObservationVisualizationWrapper={}"], tmp_path / "run")
    assert acc.Tags()["images"] == [TAG]  # the first training env's only (CartPole: one observation group)
    images = acc.Images(TAG)
    epochs = [e.step for e in acc.Scalars("train_MultiStepActorCriticEvents/time_epoch")]
    assert [image.step for image in images] == epochs == [1, 2]  # at the log step of each epoch's statistics
    for image in images:
        assert (image.width, image.height) == (600, 400)  # the wrapper's 6x4 inch figure
        pixels = image_lib.imread(io.BytesIO(image.encoded_image_string), format="png")
        assert pixels.shape == (400, 600, 3)
        assert np.unique(pixels.reshape(-1, 3), axis=0).shape[0] > 10  # a drawn box plot, not a blank canvas


def test_training_without_the_wrapper_writes_no_pictures(tmp_path: Path) -> None:
    acc = _train(["runner=dev"], tmp_path / "run")
    assert acc.Tags()["images"] == []
    assert [e.step for e in acc.Scalars("train_MultiStepActorCriticEvents/time_epoch")] == [1, 2]


def _visualized_cartpole():
    from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
    from maze.core.wrappers.observation_visualization_wrapper import ObservationVisualizationWrapper

    return ObservationVisualizationWrapper.wrap(GymMazeEnv("CartPole-v1"), max_samples=5)


@pytest.mark.parametrize("kind", ["sequential", "subproc"])
def test_vector_envs_call_a_method_of_one_env(kind: str) -> None:
    pytest.importorskip("matplotlib")
    from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
    from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv, VectorEnvWorkerError

    cls = SequentialVectorEnv if kind == "sequential" else SubprocVectorEnv
    with cls([_visualized_cartpole] * 2) as env:
        env.seed(3)
        env.reset()
        env.step({"action": np.zeros(2, dtype=np.int64)})
        first = env.call_env(0, "collected_observations")
        assert [len(v) for v in first.values()] == [2]  # reset + one step of env 0
        images = env.call_env(0, "take_observation_images")
        assert list(images) == [TAG] and images[TAG].shape == (400, 600, 3)
        assert env.call_env(0, "collected_observations") == {}  # env 0's buffers were cleared ...
        assert [len(v) for v in env.call_env(1, "collected_observations").values()] == [2]  # ... env 1's were not
        with pytest.raises(IndexError, match="env index 2 out of range for 2 envs"):
            env.call_env(2, "collected_observations")
        with pytest.raises(AttributeError if kind == "sequential" else VectorEnvWorkerError, match="no_such_method"):
            env.call_env(0, "no_such_method")
