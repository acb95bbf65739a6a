"""Publish/subscribe message broker of a core environment."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from typing import Any, Callable, Iterable, Iterator, TypeVar

from maze.core.events.event_record import EventRecord
from maze.core.events.event_service import EventScope, EventService, _filter

T = TypeVar("T")


def event_methods(interface: type) -> dict[str, Callable]:
    """The event methods of a topic interface: its public functions (abstract or not)."""
    out = {}
    for name, member in inspect.getmembers(interface, predicate=inspect.isfunction):
        if not name.startswith("_"):
            out[name] = member
    if not out:
        raise TypeError(
            f"event topic {interface.__qualname__} declares no events: expected an interface class with public methods"
        )
    return out


class Subscriber(ABC):
    """Receives events of the topics it declares in :meth:`get_interfaces`.

    The default :meth:`notify_event` keeps the events of the current step, which
    :meth:`query_events` returns; the pubsub clears them when a new step starts.
    """

    def __init__(self) -> None:
        self.events: list[EventRecord] = []

    @abstractmethod
    def get_interfaces(self) -> list[type]:
        """The topic interfaces (classes) this subscriber wants to be notified about."""

    def notify_event(self, event: EventRecord) -> None:
        """Called by the pubsub for every event of a subscribed topic."""
        self.events.append(event)

    def clear_events(self) -> None:
        """Forget collected events (called at the start of every step)."""
        self.events.clear()

    def query_events(self, event_spec: Callable | type | Iterable) -> Iterator[EventRecord]:
        """Events of the current step matching an event method, a topic class, or a list of them."""
        return _filter(self.events, event_spec)


class Pubsub(EventScope):
    """Message broker of a core env: creates topic proxies, registers subscribers, dispatches events.

    Dispatch tables are built when a topic is created or a subscriber registered, so an event call
    costs one record and one append per listener, without reflection.

    :param event_collector: the event service that records every event of the current step.
    """

    def __init__(self, event_collector: EventService) -> None:
        self.event_collector = event_collector
        self.subscribers: list[Subscriber] = []
        self._topics: dict[type, _TopicProxy] = {}

    def register_subscriber(self, new_subscriber: Subscriber) -> None:
        """Register a subscriber for the topics it declares (also topics created later)."""
        if not isinstance(new_subscriber, Subscriber):
            raise TypeError(f"expected a maze.core.events.pubsub.Subscriber, got {type(new_subscriber).__name__}")
        if new_subscriber in self.subscribers:
            return
        self.subscribers.append(new_subscriber)
        events = getattr(new_subscriber, "events", None)
        if isinstance(events, list):
            self.event_collector.add_subscriber_event_list(events)
        for proxy in self._topics.values():
            proxy._rebuild(self.subscribers)

    def unregister_subscriber(self, subscriber: Subscriber) -> None:
        """Stop notifying ``subscriber``."""
        if subscriber in self.subscribers:
            self.subscribers.remove(subscriber)
            for proxy in self._topics.values():
                proxy._rebuild(self.subscribers)

    def create_event_topic(self, interface_class: type[T]) -> T:
        """Return a proxy of ``interface_class`` whose method calls dispatch events.

        Calling the same interface twice returns the same proxy.
        """
        proxy = self._topics.get(interface_class)
        if proxy is None:
            proxy = _TopicProxy(interface_class, self.event_collector)
            proxy._rebuild(self.subscribers)
            self._topics[interface_class] = proxy
        return proxy  # type: ignore[return-value]

    def clear_subscriber_events(self) -> None:
        """Clear the per-step event lists of all subscribers."""
        for s in self.subscribers:
            s.clear_events()


class _TopicProxy:
    """Stand-in for a topic interface: each event method records an EventRecord and notifies listeners."""

    def __init__(self, interface_class: type, collector: EventService) -> None:
        self._interface_class = interface_class
        self._collector = collector
        self._methods = event_methods(interface_class)
        self._param_names = {
            name: [p for p in inspect.signature(fn).parameters if p != "self"] for name, fn in self._methods.items()
        }

    def __getstate__(self) -> dict:
        raise TypeError("event topic proxies are bound to a live environment and cannot be pickled")

    def _rebuild(self, subscribers: list[Subscriber]) -> None:
        listeners = [s.notify_event for s in subscribers if any(issubclass(self._interface_class, i) for i in s.get_interfaces())]
        current = self.__dict__.get("_listeners")
        if current is None:
            # dispatch closures are created once and share this list, so event methods captured earlier
            # (``fire = topic.piece_discarded``) also reach subscribers registered later
            self._listeners = listeners
            for name, fn in self._methods.items():
                setattr(self, name, _make_dispatch(self._interface_class, fn, self._param_names[name], self._collector.events, listeners))
        else:
            current[:] = listeners

    def __repr__(self) -> str:
        return f"<event topic {self._interface_class.__qualname__}>"


def _make_dispatch(interface_class: type, method: Callable, param_names: list[str], events: list, listeners: list) -> Callable:
    append = events.append
    n_params = len(param_names)
    method_name = method.__name__

    def dispatch(*args: Any, **kwargs: Any) -> None:
        if args:
            if len(args) > n_params:
                raise TypeError(f"{interface_class.__name__}.{method_name}() takes {n_params} arguments, got {len(args)}")
            kwargs.update(zip(param_names, args))
        record = EventRecord(interface_class, method, kwargs)
        append(record)
        for notify in listeners:
            notify(record)

    dispatch.__name__ = method_name
    return dispatch
