"""Helpers to set up raw event logging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maze.core.log_events.log_events_writer_registry import LogEventsWriterRegistry
from maze.core.log_events.log_events_writer_tsv import LogEventsWriterTSV


class SimpleEventLoggingSetup:
    """Context manager that logs the events of an env into TSV files (``<log_dir>/<Topic>.<event>.tsv``).

    The env must be wrapped in a :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper`, which sends
    the log of every finished episode to the registered writers. On exit the running episode is finished (if it
    has steps) and the writer is unregistered.

    :param env: the LogStatsWrapper-wrapped env.
    :param log_dir: output directory of the TSV files.
    """

    def __init__(self, env: Any, log_dir: str | Path = "event_logs") -> None:
        if not hasattr(env, "finish_episode"):
            raise TypeError("SimpleEventLoggingSetup needs an env wrapped in maze.core.wrappers.log_stats_wrapper."
                            f"LogStatsWrapper, got {type(env).__name__}")
        self.env = env
        self.log_dir = Path(log_dir)
        self.writer: LogEventsWriterTSV | None = None

    def __enter__(self) -> SimpleEventLoggingSetup:
        self.writer = LogEventsWriterTSV(self.log_dir)
        LogEventsWriterRegistry.register_writer(self.writer)
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self.env.finish_episode()
        finally:
            if self.writer is not None:
                LogEventsWriterRegistry.unregister_writer(self.writer)
                self.writer.close()
