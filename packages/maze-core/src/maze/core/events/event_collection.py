"""A queryable collection of event records (the container behind step and episode event logs)."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from maze.core.events.event_record import EventRecord
from maze.core.events.event_service import _filter


class EventCollection:
    """A list of :class:`EventRecord` objects that can be queried by event specification.

    :param events: initial records. A ``list`` is adopted as is (not copied), so wrapping the events of a
        step costs nothing; pass a copy if the caller keeps mutating its list.
    """

    __slots__ = ("events",)

    def __init__(self, events: Iterable[EventRecord] = ()) -> None:
        self.events: list[EventRecord] = events if isinstance(events, list) else list(events)

    def append(self, event: EventRecord) -> None:
        """Append a new event record."""
        self.events.append(event)

    def extend(self, event_list: Iterable[EventRecord]) -> None:
        """Append several event records."""
        self.events.extend(event_list)

    def query_events(self, event_spec: Callable | type | Iterable) -> Iterator[EventRecord]:
        """Records matching an event method, a topic class, or a list/tuple of them (in recording order)."""
        return _filter(self.events, event_spec)

    def __iter__(self) -> Iterator[EventRecord]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        return f"EventCollection({len(self.events)} events)"
