"""Interface of trajectory data writers."""

from __future__ import annotations

from abc import ABC, abstractmethod

from maze.core.trajectory_recording.records.trajectory_record import TrajectoryRecord


class TrajectoryWriter(ABC):
    """Receives the trajectory record of every finished episode (implement for files, databases...)."""

    @abstractmethod
    def write(self, episode_record: TrajectoryRecord) -> None:
        """Write out one episode's trajectory data.

        :param episode_record: the episode (usually a :class:`StateTrajectoryRecord`).
        """

    def close(self) -> None:
        """Release resources (nothing by default)."""
