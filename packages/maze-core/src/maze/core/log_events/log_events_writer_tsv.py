"""Raw event logs as TSV files: one file per event type, one row per event."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from maze.core.log_events.episode_event_log import EpisodeEventLog
from maze.core.log_events.log_events_writer import LogEventsWriter
from maze.core.log_stats.log_stats_types import event_label

_SANITIZE = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


@dataclass
class EventRow:
    """One row of a TSV event log: the event's attributes with the episode ID and env time.

    :param episode_id: ID of the episode the event was generated in.
    :param env_time: env time (step index in the episode) of the event.
    :param attributes: the event's attributes.
    """

    episode_id: str
    env_time: int | None
    attributes: dict


def format_tsv_value(value: Any) -> str:
    """Text of an attribute value in a TSV cell (arrays as lists; tabs/newlines replaced by spaces)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    return str(value).translate(_SANITIZE)


class LogEventsWriterTSV(LogEventsWriter):
    """Writes event logs into TSV files in ``log_dir``, one file per event type: ``<Topic>.<event>.tsv``.

    Columns: ``episode_id``, ``env_time`` (step index in the episode, 0-based) and the event's attributes in
    signature order (attributes not in the signature are appended). Each file gets its header once. Rows of an
    episode are appended with a single ``write`` per file and flushed at the end of every episode, so files
    stay consistent when several processes append to the same directory and nothing already written is lost.

    :param log_dir: where event logs are written (created if missing).
    """

    def __init__(self, log_dir: str | Path = Path("event_logs")) -> None:
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._columns: dict[Any, list[str]] = {}

    def _file_columns(self, event: Any, attributes: dict) -> list[str]:
        cols = self._columns.get(event)
        if cols is None:
            try:
                import inspect

                params = [p for p in inspect.signature(event).parameters if p != "self"]
            except (TypeError, ValueError):
                params = []
            cols = params + sorted(k for k in attributes if k not in params)
            self._columns[event] = cols
        return cols

    def file_path(self, event: Any) -> Path:
        """The TSV file of an event method."""
        topic, name = event_label(event)
        return self.log_dir / f"{topic}.{name}.tsv"

    def write(self, episode_event_log: EpisodeEventLog) -> None:
        """Append the rows of one episode to the per-event files."""
        rows: dict[Any, list[str]] = {}
        episode_id = episode_event_log.episode_id
        for step_log in episode_event_log.step_event_logs:
            env_time = step_log.env_time
            for record in step_log.events.events:
                event = record.interface_method
                attrs = record.attributes
                cols = self._file_columns(event, attrs)
                line = "\t".join([format_tsv_value(episode_id), str(env_time)]
                                 + [format_tsv_value(attrs.get(c, "")) for c in cols])
                rows.setdefault(event, []).append(line)
        for event, lines in rows.items():
            self._append(event, lines)

    def _append(self, event: Any, lines: list[str]) -> None:
        path = self.file_path(event)
        header = "\t".join(["episode_id", "env_time", *self._columns[event]]) + "\n"
        try:  # create with header exactly once, even with concurrent writers
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask decides, as for open()
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(header)
        data = ("\n".join(lines) + "\n").encode("utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
        finally:
            os.close(fd)


def read_event_log_tsv(path: str | Path) -> list[dict[str, str]]:
    """Read a TSV event log back as a list of ``{column: text}`` rows."""
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
