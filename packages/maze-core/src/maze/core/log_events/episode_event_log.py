"""The events of one episode (input of KPI calculators and event log writers)."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from maze.core.events.event_record import EventRecord
from maze.core.events.event_service import _filter
from maze.core.log_events.step_event_log import StepEventLog


class EpisodeEventLog:
    """Keeps the logs of all events dispatched by an environment during one episode.

    :param episode_id: ID of the episode the events belong to.
    :param step_event_logs: the per-step logs (one per core step, in order).
    """

    __slots__ = ("episode_id", "step_event_logs")

    def __init__(self, episode_id: str, step_event_logs: list[StepEventLog] | None = None) -> None:
        self.episode_id = episode_id
        self.step_event_logs: list[StepEventLog] = step_event_logs if step_event_logs is not None else []

    def append(self, step_event_log: StepEventLog) -> None:
        """Add the log of the next step."""
        self.step_event_logs.append(step_event_log)

    def iterate_event_records(self) -> Iterator[EventRecord]:
        """All events of the episode in order."""
        for step in self.step_event_logs:
            yield from step.events.events

    def query_events(self, event_spec: Callable | type | Iterable) -> Iterator[EventRecord]:
        """Events of the whole episode matching an event method, topic class or list of them."""
        return _filter(self.iterate_event_records(), event_spec)

    def __len__(self) -> int:
        return len(self.step_event_logs)

    def __repr__(self) -> str:
        return f"EpisodeEventLog({self.episode_id!r}, {len(self.step_event_logs)} steps)"
