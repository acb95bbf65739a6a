"""The Maze event system: topics (interfaces whose methods are events), records, pubsub, event service.

* :class:`Pubsub` (one per core env) creates topic proxies (``pubsub.create_event_topic(MyEvents)``) and routes
  dispatched events to registered :class:`Subscriber` objects (reward aggregators, custom listeners).
* :class:`EventService` keeps the :class:`EventRecord` objects of the current core step;
  ``env.get_step_events()`` returns them (the :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper`
  collects them each step for statistics, KPIs and raw event logs).
* :class:`EventCollection` is a queryable list of records (used by step/episode event logs).
* :class:`EventScope` is the interface of services backed by the event service (``Pubsub`` implements it);
  :func:`event_topic_factory` builds a topic proxy that hands each event call to one function (statistics
  aggregators use it).

Dispatch is a closure built when a topic is created or a subscriber registered: one record and one append per
listener, no reflection per event.
"""

from maze.core.events.event_collection import EventCollection
from maze.core.events.event_record import EventRecord
from maze.core.events.event_service import EventScope, EventService
from maze.core.events.event_topic_factory import event_topic_factory
from maze.core.events.pubsub import Pubsub, Subscriber

__all__ = ["EventCollection", "EventRecord", "EventScope", "EventService", "Pubsub", "Subscriber", "event_topic_factory"]
