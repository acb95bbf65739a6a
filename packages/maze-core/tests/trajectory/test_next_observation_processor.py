"""IdentityWithNextObservationTrajectoryProcessor (s, a, r, s' transitions) and InMemoryDataset's documented
input aliases (dir_or_file, trajectory_data_dir)."""

from __future__ import annotations

import numpy as np
import pytest
from line_walker_env import GreedyWalkerPolicy, LineWalkerEnv

from maze.core.trajectory_recording.datasets.in_memory_dataset import InMemoryDataset
from maze.core.trajectory_recording.datasets.trajectory_processor import IdentityWithNextObservationTrajectoryProcessor
from maze.core.trajectory_recording.records.trajectory_record import SpacesTrajectoryRecord
from maze.core.trajectory_recording.serialization import load_trajectory
from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile


@pytest.fixture
def recorded(tmp_path):
    """One greedy walker episode: the recorded trajectory file and the observations seen while recording."""
    writer = TrajectoryWriterFile(tmp_path / "trajectory_data")
    env = TrajectoryRecordingWrapper.wrap(LineWalkerEnv(size=10, max_steps=20), writers=[writer])
    obs, _ = env.reset(seed=2)
    seen, done = [obs], False
    while not done:
        obs, _, terminated, truncated, _ = env.step(GreedyWalkerPolicy().compute_action(obs))
        seen.append(obs)
        done = terminated or truncated
    env.close()
    return writer.written[0], seen


def test_every_step_gets_the_observation_that_followed_it(recorded):
    path, seen = recorded
    records = IdentityWithNextObservationTrajectoryProcessor().process(load_trajectory(path), LineWalkerEnv(size=10))
    assert len(records) == len(seen) - 1 >= 2  # the final state of the recording completes the last transition
    for step, (obs, next_obs) in enumerate(zip(seen, seen[1:])):
        record = records[step].substep_records[0]
        for key in obs:
            np.testing.assert_array_equal(record.observation[key], obs[key])
            np.testing.assert_array_equal(record.next_observation[key], next_obs[key])
    assert records[-1].substep_records[0].terminated


def test_a_last_step_without_a_successor_is_dropped(recorded):
    path, seen = recorded
    steps = IdentityWithNextObservationTrajectoryProcessor().process(load_trajectory(path), LineWalkerEnv(size=10))
    spaces = SpacesTrajectoryRecord(id="spaces", step_records=[s for s in steps])
    for s in spaces.step_records:
        for r in s.substep_records:
            r.next_observation = None
    again = IdentityWithNextObservationTrajectoryProcessor().process(spaces, None)
    assert len(again) == len(steps) - 1
    np.testing.assert_array_equal(again[0].substep_records[0].next_observation["position"], seen[1]["position"])


def test_in_memory_dataset_accepts_the_documented_input_names(recorded, tmp_path):
    path, seen = recorded
    directory = tmp_path / "trajectory_data"
    by_input = InMemoryDataset(input_data=directory, conversion_env_factory=LineWalkerEnv)
    by_docs = InMemoryDataset(dir_or_file=directory, conversion_env_factory=LineWalkerEnv)
    by_old_docs = InMemoryDataset(trajectory_data_dir=str(path), conversion_env_factory=LineWalkerEnv)
    assert len(by_input) == len(by_docs) == len(by_old_docs) == len(seen) - 1
    with pytest.raises(ValueError, match=r"\['dir_or_file', 'input_data'\] name the same input"):
        InMemoryDataset(input_data=directory, dir_or_file=directory)
    assert len(InMemoryDataset()) == 0
