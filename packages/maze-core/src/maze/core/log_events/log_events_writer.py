"""Interface of raw event log writers."""

from __future__ import annotations

from abc import ABC, abstractmethod

from maze.core.log_events.episode_event_log import EpisodeEventLog


class LogEventsWriter(ABC):
    """Writes out the event logs of finished episodes (into files, a DB...).

    Register instances with :meth:`LogEventsWriterRegistry.register_writer`; the
    :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper` sends each finished episode to them.
    """

    @abstractmethod
    def write(self, episode_event_log: EpisodeEventLog) -> None:
        """Write out the events of one episode."""

    def close(self) -> None:
        """Release resources (nothing by default)."""
