"""Collects the events dispatched during the current environment step."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable, Iterable, Iterator, TypeVar

from maze.core.events.event_record import EventRecord

T = TypeVar("T")


class EventScope(ABC):
    """Base class for all services that integrate with the event system and use :class:`EventService` as their
    backend: they hand out event topics and clear the per-step state of their listeners.

    :class:`~maze.core.events.pubsub.Pubsub` is the concrete implementation used by every core env.
    """

    @abstractmethod
    def create_event_topic(self, interface_class: type[T]) -> T:
        """A proxy of the topic interface ``interface_class`` whose method calls are recorded as events."""

    @abstractmethod
    def clear_subscriber_events(self) -> None:
        """Forget the events that listeners collected in the previous step (called when a new step starts)."""


class EventService:
    """Backend of :class:`~maze.core.events.pubsub.Pubsub`: keeps the events of the current step.

    The list is cleared when a new step starts (:meth:`clear_events`), so the cost is one list append
    per event and nothing per step beyond one ``list.clear``.
    """

    __slots__ = ("events", "_subscriber_lists")

    def __init__(self) -> None:
        self.events: list[EventRecord] = []
        self._subscriber_lists: list[list] = []

    def clear_events(self) -> None:
        """Forget the events of the previous step, here and in registered subscribers (called by the context)."""
        self.events.clear()
        for events in self._subscriber_lists:
            events.clear()

    def add_subscriber_event_list(self, events: list) -> None:
        """Clear ``events`` (a subscriber's per-step list) together with the step's events."""
        if not any(events is e for e in self._subscriber_lists):
            self._subscriber_lists.append(events)

    def iterate_event_records(self) -> list[EventRecord]:
        """The events recorded in the current step, in dispatch order."""
        return self.events

    def query_events(self, event_spec: Callable | Iterable[Callable]) -> Iterator[EventRecord]:
        """Events of the current step that belong to the given event method(s) or topic class(es)."""
        return _filter(self.events, event_spec)


def _filter(events: Iterable[EventRecord], event_spec: Callable | type | Iterable) -> Iterator[EventRecord]:
    if isinstance(event_spec, (list, tuple, set, frozenset)):
        specs = tuple(event_spec)
    else:
        specs = (event_spec,)
    methods = {s for s in specs if not isinstance(s, type)}
    classes = tuple(s for s in specs if isinstance(s, type))
    for ev in events:
        if ev.interface_method in methods or (classes and issubclass(ev.interface_class, classes)):
            yield ev
