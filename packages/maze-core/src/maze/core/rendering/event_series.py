"""Per-step time series of an event attribute, extracted from episode event logs (shared by stats renderers)."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

AGGREGATIONS: dict[str, Callable[[list], float]] = {
    "mean": lambda v: float(np.mean(v)),
    "sum": lambda v: float(np.sum(v)),
    "min": lambda v: float(np.min(v)),
    "max": lambda v: float(np.max(v)),
    "count": lambda v: float(len(v)),
}
POST_PROCESSING: dict[str, Callable[[np.ndarray], np.ndarray]] = {"cumsum": np.cumsum}


def event_name(record: Any) -> str:
    """``"Topic.event"`` name of an EventRecord (e.g. ``"BaseEnvEvents.reward"``)."""
    return f"{record.interface_class.__name__}.{record.interface_method.__name__}"


def iter_step_events(episode_event_log: Any) -> list[tuple[int, list]]:
    """``[(step, events of that step), ...]`` of an episode event log.

    Accepts an object with ``step_event_logs`` (each with ``events`` and optionally ``env_time``), a
    :class:`~maze.core.trajectory_recording.records.trajectory_record.StateTrajectoryRecord`, or a sequence
    of per-step event lists.
    """
    steps = getattr(episode_event_log, "step_event_logs", None)
    if steps is not None:
        out = []
        for i, s in enumerate(steps):
            t = getattr(s, "env_time", None)
            events = getattr(s, "events", s)
            events = getattr(events, "events", events)  # EventCollection
            out.append((i if t is None else int(t), list(events)))
        return out
    records = getattr(episode_event_log, "step_records", None)
    if records is not None:
        return [(i, list(r.step_event_log or [])) for i, r in enumerate(records) if r.maze_action is not None]
    if isinstance(episode_event_log, Iterable):
        return [(i, list(getattr(ev, "events", ev))) for i, ev in enumerate(episode_event_log)]
    raise TypeError(f"cannot read step events from {type(episode_event_log).__name__}")


def event_series(episode_event_log: Any, event: str, metric: str = "value", group_by: str | None = None,
                 aggregation_func: str | Callable | None = None,
                 post_processing_func: str | Callable | None = None) -> tuple[np.ndarray, dict[Any, tuple[np.ndarray, np.ndarray]]]:
    """Steps and per-group values of ``event``'s attribute ``metric``.

    Several events of one step (and group) are aggregated with ``aggregation_func`` (default ``sum``); steps
    without the event count as 0 for ``sum``/``count`` and are left out otherwise.

    :return: ``(all steps, {group: (steps, values)})``; the group is ``None`` without ``group_by``.
    """
    agg = _resolve(aggregation_func or "sum", AGGREGATIONS, "aggregation_func")
    post = _resolve(post_processing_func, POST_PROCESSING, "post_processing_func") if post_processing_func else None
    zero_fill = aggregation_func in (None, "sum", "count")
    steps_events = iter_step_events(episode_event_log)
    groups: dict[Any, dict[int, list]] = {}
    seen_attrs: set[str] = set()
    for step, events in steps_events:
        for ev in events:
            if event_name(ev) != event:
                continue
            seen_attrs.update(ev.attributes)
            if metric not in ev.attributes:
                raise ValueError(f"event {event} has no attribute '{metric}' (attributes: {sorted(ev.attributes)})")
            if group_by is not None and group_by not in ev.attributes:
                raise ValueError(f"event {event} has no attribute '{group_by}' to group by (attributes: {sorted(ev.attributes)})")
            g = ev.attributes[group_by] if group_by is not None else None
            groups.setdefault(g, {}).setdefault(step, []).append(ev.attributes[metric])
    all_steps = np.array([s for s, _ in steps_events], dtype=np.int64)
    out: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
    for g, by_step in groups.items():
        if zero_fill:
            values = np.array([agg(by_step[s]) if s in by_step else 0.0 for s in all_steps], dtype=np.float64)
            xs = all_steps
        else:
            xs = np.array(sorted(by_step), dtype=np.int64)
            values = np.array([agg(by_step[s]) for s in xs], dtype=np.float64)
        out[g] = (xs, post(values) if post is not None else values)
    return all_steps, out


def _resolve(func: str | Callable, table: dict[str, Callable], what: str) -> Callable:
    if callable(func):
        return func
    try:
        return table[func]
    except KeyError:
        raise ValueError(f"unknown {what} {func!r}; expected one of {sorted(table)} or a callable") from None
