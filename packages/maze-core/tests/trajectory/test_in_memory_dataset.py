"""InMemoryDataset: loading state trajectories (in this process and with load workers), processors, splits."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from line_walker_env import GreedyWalkerPolicy, LineWalkerEnv, make_line_walker_env

from maze.core.env.structured_env import ActorID
from maze.core.trajectory_recording.datasets.in_memory_dataset import InMemoryDataset
from maze.core.trajectory_recording.datasets.trajectory_processor import (
    DeadEndClippingTrajectoryProcessor,
    IdentityTrajectoryProcessor,
)
from maze.core.trajectory_recording.serialization import load_trajectory
from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile


@pytest.fixture(scope="module")
def trajectory_dir(tmp_path_factory):
    """Greedy walker episodes (all terminate at the goal) with seeds 0..4, plus one truncated episode."""
    out = tmp_path_factory.mktemp("trajectory_data")
    env = TrajectoryRecordingWrapper.wrap(LineWalkerEnv(size=10, max_steps=30), writers=[TrajectoryWriterFile(out)])
    policy = GreedyWalkerPolicy()
    for seed in range(5):
        obs, _ = env.reset(seed=seed)
        done = False
        while not done:
            obs, _, terminated, truncated, _ = env.step(policy.compute_action(obs))
            done = terminated or truncated
    obs, _ = env.reset(seed=100)  # truncated episode: always stay
    for _ in range(30):
        _, _, terminated, truncated, _ = env.step({"move": 1})
    env.close()
    return out


def _expected_steps(trajectory_dir):
    """(observations, actions) per episode computed by hand from the recorded states."""
    out = {}
    for f in sorted(trajectory_dir.iterdir()):
        rec = load_trajectory(f)
        out[str(f)] = [({"position": np.float32(r.maze_state.position), "goal": np.float32(r.maze_state.goal)},
                        r.maze_action.move + 1) for r in rec.step_records if r.maze_action is not None]
    return out


def _check(dataset, expected, clip=0):
    total = 0
    for ref, tid in zip(dataset.trajectory_references, dataset.trajectory_ids):
        steps = expected[tid]
        rec = load_trajectory(tid)
        if clip and rec.is_terminated():
            steps = steps[: max(0, len(steps) - clip)]
        assert len(ref) == len(steps)
        for i, (obs, act) in zip(ref, steps):
            observations, actions, actor_ids = dataset[i]
            assert actor_ids == [ActorID(0, 0)]
            assert observations[0]["position"][0] == obs["position"] and observations[0]["goal"][0] == obs["goal"]
            assert int(actions[0]["move"]) == act
        total += len(steps)
    assert len(dataset) == total


def test_load_in_process_with_identity_processor(trajectory_dir):
    dataset = InMemoryDataset(str(trajectory_dir), conversion_env_factory=functools.partial(make_line_walker_env, 10),
                              n_workers=1, trajectory_processor={"_target_": IdentityTrajectoryProcessor})
    assert dataset.n_trajectories == 6
    _check(dataset, _expected_steps(trajectory_dir))
    # every trajectory ends with exactly one done step (whatever the load order of the files)
    dones = [dataset.get_record(i).substep_records[0].done for i in range(len(dataset))]
    assert sum(dones) == dataset.n_trajectories
    assert dataset.get_record(0).event_log[0].attributes["direction"] in (-1, 0, 1)


def test_parallel_load_workers_give_the_same_dataset_and_dead_end_clipping(trajectory_dir):
    factory = functools.partial(make_line_walker_env, 10)
    clipped = InMemoryDataset([str(trajectory_dir)], conversion_env_factory=factory, n_workers=2,
                              trajectory_processor=DeadEndClippingTrajectoryProcessor(clip_k=2))
    serial = InMemoryDataset(str(trajectory_dir), conversion_env_factory=factory, n_workers=1,
                             trajectory_processor=DeadEndClippingTrajectoryProcessor(clip_k=2))
    assert clipped.trajectory_ids == serial.trajectory_ids  # file order, independent of worker timing
    assert [len(r) for r in clipped.trajectory_references] == [len(r) for r in serial.trajectory_references]
    expected = _expected_steps(trajectory_dir)
    _check(clipped, expected, clip=2)
    # the five terminated episodes lose (up to) 2 steps each, the truncated one (30 steps) keeps all of them
    lengths = sorted(len(v) for v in expected.values())
    assert lengths[-1] == 30 and lengths[-2] < 30
    assert len(clipped) == 30 + sum(max(0, n - 2) for n in lengths[:-1])
    assert 30 in [len(r) for r in clipped.trajectory_references]


def test_split_by_trajectory_and_bad_input(trajectory_dir):
    dataset = InMemoryDataset(str(trajectory_dir), conversion_env_factory=functools.partial(make_line_walker_env, 10))
    train, valid = dataset.split([0.8, 0.2], seed=0)
    assert len(train) + len(valid) == len(dataset) and set(train.indices).isdisjoint(valid.indices)
    for ref in dataset.trajectory_references:  # whole episodes on one side
        assert set(ref) <= set(train.indices) or set(ref) <= set(valid.indices)
    assert train[0][2] == dataset[train.indices[0]][2] == [ActorID(0, 0)]
    assert dataset.split([1, 1], seed=3)[0].indices == dataset.split([1, 1], seed=3)[0].indices  # seeded
    with pytest.raises(ValueError, match="split ratios"):
        dataset.split([-1, 2])
    # five short episodes and one of 30 steps (about half the data): whichever order the shuffle gives, the small
    # share is never left empty (greedily, the long episode drawn last would join the large share)
    for seed in range(40):
        train, valid = dataset.split([0.8, 0.2], seed=seed)
        assert len(train) > 0 and len(valid) > 0, seed
    assert dataset.split([1.0, 0.0], seed=0)[1].indices == []  # a zero ratio stays empty
    with pytest.raises(ValueError, match="cannot be sent to load worker processes"):
        InMemoryDataset(str(trajectory_dir), conversion_env_factory=lambda: LineWalkerEnv(), n_workers=2)
    with pytest.raises(ValueError, match="conversion env"):
        InMemoryDataset(str(trajectory_dir), conversion_env_factory=None)
    with pytest.raises(FileNotFoundError):
        InMemoryDataset(str(trajectory_dir / "nope"))
