"""Proxies of event topic interfaces that hand every event call to one function as an :class:`EventRecord`."""

from __future__ import annotations

import inspect
from typing import Any, Callable, TypeVar

from maze.core.events.event_record import EventRecord

T = TypeVar("T")


class _EventTopicProxy:
    """Stand-in for a topic interface; its event methods are set per instance by :func:`event_topic_factory`."""

    def __init__(self, interface_class: type) -> None:
        self._interface_class = interface_class

    def __repr__(self) -> str:
        return f"<event topic proxy {self._interface_class.__qualname__}>"


def event_topic_factory(interface_class: type[T], fn_notify_event: Callable[[EventRecord], None]) -> T:
    """Constructs a proxy instance of the event interface, as required by event scopes and statistics aggregators.

    Every call of an event method on the proxy becomes one :class:`EventRecord` (positional arguments are named by
    the method's signature) that is passed to ``fn_notify_event``; the proxy itself keeps nothing::

        records = []
        topic = event_topic_factory(InventoryEvents, records.append)
        topic.piece_discarded(piece=(10, 20))
        assert records[0].attributes == {"piece": (10, 20)}

    :param interface_class: the class object of an interface that defines the events as (public) methods.
    :param fn_notify_event: receives the record of every event call.
    :return: a proxy object offering the event methods of ``interface_class``.
    """
    from maze.core.events.pubsub import event_methods

    proxy = _EventTopicProxy(interface_class)
    for name, method in event_methods(interface_class).items():
        setattr(proxy, name, _make_notifier(interface_class, method, fn_notify_event))
    return proxy  # type: ignore[return-value]


def _make_notifier(interface_class: type, method: Callable, fn_notify_event: Callable[[EventRecord], None]) -> Callable:
    params = [p for p in inspect.signature(method).parameters if p != "self"]
    n_params = len(params)

    def notify(*args: Any, **kwargs: Any) -> None:
        if args:
            if len(args) > n_params:
                raise TypeError(f"{interface_class.__name__}.{method.__name__}() takes {n_params} arguments, got {len(args)}")
            kwargs.update(zip(params, args))
        fn_notify_event(EventRecord(interface_class, method, kwargs))

    notify.__name__ = method.__name__
    return notify
