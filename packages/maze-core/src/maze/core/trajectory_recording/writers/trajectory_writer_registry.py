"""Process-wide registry of trajectory writers."""

from __future__ import annotations

from typing import ClassVar

from maze.core.trajectory_recording.records.trajectory_record import TrajectoryRecord
from maze.core.trajectory_recording.writers.trajectory_writer import TrajectoryWriter


class TrajectoryWriterRegistry:
    """Writers registered here receive every episode recorded by a
    :class:`~maze.core.trajectory_recording.trajectory_recording_wrapper.TrajectoryRecordingWrapper` created
    without explicit writers.

    Gotcha: the registry is global per process; runners register their writer once per run and call
    :meth:`unregister_writer` (or :meth:`clear`) when done, so repeated runs in one process do not duplicate output.
    """

    writers: ClassVar[list[TrajectoryWriter]] = []

    @classmethod
    def register_writer(cls, writer: TrajectoryWriter) -> None:
        """Register a writer (ignored if already registered)."""
        if not isinstance(writer, TrajectoryWriter):
            raise TypeError(f"expected a TrajectoryWriter, got {type(writer).__name__}")
        if not any(w is writer for w in cls.writers):
            cls.writers.append(writer)

    @classmethod
    def unregister_writer(cls, writer: TrajectoryWriter) -> None:
        cls.writers[:] = [w for w in cls.writers if w is not writer]

    @classmethod
    def clear(cls) -> None:
        """Forget all writers."""
        cls.writers.clear()

    @classmethod
    def record_trajectory_data(cls, episode_record: TrajectoryRecord) -> None:
        """Pass one episode to all registered writers."""
        for writer in list(cls.writers):
            writer.write(episode_record)
