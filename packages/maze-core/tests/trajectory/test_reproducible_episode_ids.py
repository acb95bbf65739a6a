"""Fixed seeds give the same episode IDs and trajectory file names, so datasets recorded twice with the same seeds
load in the same order and split the same way (BC results then do not depend on the run); a file on disk is never
overwritten."""

from __future__ import annotations

from pathlib import Path

from maze.core.trajectory_recording.datasets.in_memory_dataset import InMemoryDataset
from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv


def _cartpole() -> GymMazeEnv:
    return GymMazeEnv("CartPole-v1")


def _record(directory: Path, seeds: list[int], steps: int = 5) -> list[str]:
    env = TrajectoryRecordingWrapper(GymMazeEnv("CartPole-v1"), writers=[TrajectoryWriterFile(directory)])
    for seed in seeds:
        env.reset(seed=seed)
        for _ in range(steps):
            _, _, term, trunc, _ = env.step({"action": 0})
            if term or trunc:
                break
    env.close()
    return sorted(p.name for p in directory.iterdir())


def test_fixed_seeds_give_the_same_episode_ids_and_dataset_order(tmp_path: Path) -> None:
    first, second, other = (_record(tmp_path / name, seeds) for name, seeds in
                            (("a", [0, 1, 2, 3]), ("b", [0, 1, 2, 3]), ("c", [4, 5, 6, 7])))
    assert first == second and len(first) == 4
    assert not set(first) & set(other)
    splits = [InMemoryDataset(input_data=str(tmp_path / name), conversion_env_factory=_cartpole).split([0.5, 0.5], seed=7)
              for name in ("a", "b")]
    assert [list(s.indices) for s in splits[0]] == [list(s.indices) for s in splits[1]]


def test_unseeded_envs_keep_random_ids_and_files_are_never_overwritten(tmp_path: Path) -> None:
    env = GymMazeEnv("CartPole-v1")
    env.reset()
    a = env.get_episode_id()
    env.reset()
    assert env.get_episode_id() != a
    names = _record(tmp_path, [9]) + _record(tmp_path, [9])  # the same seed twice into one directory
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({names[0], names[0].replace(".traj.zip", "-2.traj.zip")})
