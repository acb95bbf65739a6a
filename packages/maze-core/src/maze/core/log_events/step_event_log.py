"""The events of one environment step."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from maze.core.events.event_collection import EventCollection
from maze.core.events.event_record import EventRecord


class StepEventLog:
    """Logs all events dispatched by the environment during one (core) step.

    :param env_time: internal time of the environment if available, otherwise the step index in the episode
        (0 for the first step).
    :param events: the events of the step (an :class:`EventCollection`; a list is wrapped without copying).
    """

    __slots__ = ("env_time", "events")

    def __init__(self, env_time: int, events: EventCollection | list | None = None) -> None:
        self.env_time = env_time
        if events is None:
            events = EventCollection()
        elif not isinstance(events, EventCollection):
            events = EventCollection(events)
        self.events = events

    def append(self, event: EventRecord) -> None:
        """Append an event record."""
        self.events.append(event)

    def extend(self, event_list: Iterable[EventRecord]) -> None:
        """Append event records."""
        self.events.extend(event_list)

    def query_events(self, event_spec: Callable | type | Iterable) -> Iterator[EventRecord]:
        """Events of this step matching an event method, topic class or list of them."""
        return self.events.query_events(event_spec)

    def __iter__(self) -> Iterator[EventRecord]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        return f"StepEventLog(env_time={self.env_time}, {len(self.events)} events)"
