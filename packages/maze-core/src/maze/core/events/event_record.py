"""One dispatched event."""

from __future__ import annotations

from typing import Any, Callable


class EventRecord:
    """An event as recorded by the event service: topic interface, event method and its arguments.

    :param interface_class: the topic (an interface class whose methods are the events).
    :param interface_method: the (unbound) interface method, e.g. ``InventoryEvents.piece_discarded``.
    :param attributes: the event's keyword arguments (positional arguments are named by the signature).
    """

    __slots__ = ("interface_class", "interface_method", "attributes")

    def __init__(self, interface_class: type, interface_method: Callable, attributes: dict[str, Any]) -> None:
        self.interface_class = interface_class
        self.interface_method = interface_method
        self.attributes = attributes

    def __repr__(self) -> str:
        return f"EventRecord({self.interface_class.__name__}.{self.interface_method.__name__}, {self.attributes})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, EventRecord)
            and self.interface_method is other.interface_method
            and self.attributes == other.attributes
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        # interface methods are looked up by name so that records pickle across processes
        return (
            _rebuild_event_record,
            (self.interface_class, self.interface_method.__name__, self.attributes),
        )


def _rebuild_event_record(interface_class: type, method_name: str, attributes: dict[str, Any]) -> EventRecord:
    return EventRecord(interface_class, getattr(interface_class, method_name), attributes)
