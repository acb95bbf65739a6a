"""The Maze event system: topics (interfaces whose methods are events), records, pubsub, event service."""

from maze.core.events.event_record import EventRecord
from maze.core.events.event_service import EventService
from maze.core.events.pubsub import Pubsub, Subscriber

__all__ = ["EventRecord", "EventService", "Pubsub", "Subscriber"]
