"""Writes one safe trajectory file (``<episode_id>.traj.zip``) per episode."""

from __future__ import annotations

import os
from pathlib import Path

from maze.core.trajectory_recording.records.trajectory_record import TrajectoryRecord
from maze.core.trajectory_recording.serialization import TRAJECTORY_FILE_SUFFIX, dump_trajectory, load_trajectory
from maze.core.trajectory_recording.writers.trajectory_writer import TrajectoryWriter


class TrajectoryWriterFile(TrajectoryWriter):
    """Serializes each episode into ``<log_dir>/<episode_id>.traj.zip``, atomically (``<episode_id>-2.traj.zip``...
    when a file of that name exists: an episode on disk is never overwritten).

    The format (JSON metadata + ``.npy`` arrays in a zip, no pickle) is described in
    :mod:`maze.core.trajectory_recording.serialization` and ``docs/trajectory_format.md``.

    :param log_dir: output directory (created on first write).
    :param compress: deflate archive entries.
    """

    def __init__(self, log_dir: str | os.PathLike = "trajectory_data", compress: bool = False) -> None:
        self.log_dir = Path(log_dir)
        self.compress = bool(compress)
        self.written: list[Path] = []

    def write(self, episode_record: TrajectoryRecord) -> None:
        name = str(episode_record.id)
        if not name or os.sep in name or (os.altsep and os.altsep in name) or name in (".", ".."):
            raise ValueError(f"episode id {name!r} cannot be used as a file name")
        path = self.log_dir / f"{name}{TRAJECTORY_FILE_SUFFIX}"
        n = 1
        while path.exists() or path in self.written:  # never overwrite an episode already on disk
            n += 1
            path = self.log_dir / f"{name}-{n}{TRAJECTORY_FILE_SUFFIX}"
        path = dump_trajectory(episode_record, path, compress=self.compress)
        self.written.append(path)

    @staticmethod
    def load(path: str | os.PathLike) -> TrajectoryRecord:
        """Load a file written by this writer."""
        return load_trajectory(path)
