"""Process-wide registry of event log writers."""

from __future__ import annotations

from maze.core.log_events.episode_event_log import EpisodeEventLog
from maze.core.log_events.log_events_writer import LogEventsWriter


class LogEventsWriterRegistry:
    """Handles registration of event log writers; registered writers receive every finished episode's log."""

    writers: list[LogEventsWriter] = []

    @classmethod
    def register_writer(cls, writer: LogEventsWriter) -> None:
        """Register a writer (registering the same object twice is a no-op)."""
        if not isinstance(writer, LogEventsWriter):
            raise TypeError(f"expected a maze.core.log_events.log_events_writer.LogEventsWriter, got {type(writer).__name__}")
        if not any(w is writer for w in cls.writers):
            cls.writers = [*cls.writers, writer]

    @classmethod
    def unregister_writer(cls, writer: LogEventsWriter) -> None:
        """Remove a writer (no-op if unknown; the writer is not closed)."""
        cls.writers = [w for w in cls.writers if w is not writer]

    @classmethod
    def record_event_logs(cls, episode_event_log: EpisodeEventLog) -> None:
        """Send an episode's event log to all registered writers."""
        for writer in cls.writers:
            writer.write(episode_event_log)

    @classmethod
    def has_writers(cls) -> bool:
        """Whether any writer is registered (event logs are only assembled then)."""
        return bool(cls.writers)
