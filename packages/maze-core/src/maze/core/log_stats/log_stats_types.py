"""Basic data types of the statistics system (re-exported by :mod:`maze.core.log_stats.log_stats`)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Callable, NamedTuple, Union

import numpy as np


class LogStatsLevel(IntEnum):
    """Statistics aggregation levels."""

    STEP = 1
    """aggregator receives individual events and produces step statistics"""
    EPISODE = 2
    """aggregator receives step statistics and produces episode statistics"""
    EPOCH = 3
    """aggregator receives episode statistics and produces epoch statistics"""


#: a statistics value: scalar, array, list (histogram values) or dict
LogStatsValue = Union[int, float, np.ndarray, list, dict]
#: a group: tuple of the values of the event's grouping attributes (``None`` where projected away)
LogStatsGroup = Union[tuple, None]


class LogStatsKey(NamedTuple):
    """Key of one statistic: event method, statistic name and group.

    :param event: the event interface method (``BaseEnvEvents.reward``).
    :param output_name: name of the statistic (``"mean"``); ``None`` for an unnamed statistic.
    :param group: tuple of grouping-attribute values (``("substep_0", "action")``) or ``None``.
    """

    event: Callable
    output_name: str | None
    group: LogStatsGroup


#: a statistics dictionary
LogStats = dict[LogStatsKey, Any]


def event_label(event: Callable) -> tuple[str, str]:
    """``(topic class name, event name)`` of an event method, e.g. ``("BaseEnvEvents", "reward")``."""
    qualname = getattr(event, "__qualname__", None) or getattr(event, "__name__", repr(event))
    topic, _, name = qualname.rpartition(".")
    topic = topic.rpartition(".")[2] if topic else ""
    return topic, name


def stat_label(key: LogStatsKey) -> str:
    """Name of a statistic for display: ``output_name`` and group values joined by ``/`` (``"max/raw_usage"``)."""
    parts = [] if key.output_name is None else [str(key.output_name)]
    if key.group is not None:
        parts.extend(str(g) for g in key.group if g is not None)
    return "/".join(parts)


def format_stats_tag(key: LogStatsKey, path: str | None = None) -> str:
    """TensorBoard-style tag of a statistic: ``"<path>_<Topic>/<event>/<label>"``.

    ``path`` is the logging prefix (``"train"``, ``"eval"``, ``"rollout_stats"``); without a path the tag
    starts with the topic name. An empty label is left out.
    """
    topic, name = event_label(key.event)
    head = f"{path}_{topic}" if path else topic
    label = stat_label(key)
    return f"{head}/{name}/{label}" if label else f"{head}/{name}"


def flatten_stats(stats: LogStats, path: str | None = None) -> dict[str, Any]:
    """``{tag: value}`` of a statistics dict (tags as :func:`format_stats_tag`), e.g. for trainer hooks."""
    return {format_stats_tag(k, path): v for k, v in stats.items()}
