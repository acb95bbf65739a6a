"""Statistics aggregation and the global statistics logging state.

Aggregation hierarchy (declared per event with :mod:`~maze.core.log_stats.event_decorators`)::

    events of a step ──define_step_stats──▶ step stats ──define_episode_stats──▶ episode stats
        ──define_epoch_stats──▶ epoch stats ──▶ LogStatsLogger(path) ──▶ registered LogStatsWriters

A :class:`LogStatsAggregator` collects inputs of one level and computes that level's statistics on
:meth:`~LogStatsAggregator.reduce`, which sends them to its consumers (the next-level aggregator, or a
:class:`LogStatsLogger` that hands them to the global writers).

Global logging: :func:`register_log_stats_writer` adds writers (console, TensorBoard...). Statistics logged with
:func:`log_stats` (what a ``LogStatsLogger`` does) are buffered and written by every writer on
:func:`increment_log_step`, tagged with the global log step (starting at 1), after which the step advances.
Epoch-level aggregators that have consumers and unreduced inputs reduce themselves automatically on
``increment_log_step`` (so a trainer only needs to call ``increment_log_step()`` once per epoch).

Typical use::

    stats = LogStatsAggregator(LogStatsLevel.EPOCH, get_stats_logger("train"))
    events = stats.create_event_topic(MyTrainerEvents)   # events decorated with define_epoch_stats
    events.policy_loss(value=0.3)
    increment_log_step()                                  # reduce + write with every registered writer

Statistics dictionaries map :class:`LogStatsKey` ``(event, output_name, group)`` to values; they pickle (events
are referenced by qualified name), so worker processes can send episode statistics to a main-process epoch
aggregator via :meth:`LogStatsAggregator.receive`.
"""

from __future__ import annotations

import operator
import weakref
from abc import ABC, abstractmethod
from typing import Any, Callable, Iterable, Sequence, TypeVar

from maze.core.events.event_record import EventRecord
from maze.core.log_stats.event_decorators import EventStatsSpec, StatsDefinition, get_event_stats_spec
from maze.core.log_stats.log_stats_types import (
    LogStats,
    LogStatsGroup,
    LogStatsKey,
    LogStatsLevel,
    LogStatsValue,
    event_label,
    flatten_stats,
    format_stats_tag,
    stat_label,
)
from maze.core.log_stats.reducer_functions import histogram as _histogram

T = TypeVar("T")

__all__ = [
    "GlobalLogState", "LogStats", "LogStatsAggregator", "LogStatsConsumer", "LogStatsGroup", "LogStatsKey",
    "LogStatsLevel", "LogStatsLogger", "LogStatsValue", "LogStatsWriter", "event_label", "flatten_stats",
    "format_stats_tag", "get_stats_logger", "increment_log_step", "log_stats", "register_log_stats_writer",
    "stat_label", "unregister_log_stats_writer", "writes_images",
]


# ---------------------------------------------------------------------------------------------------- interfaces
class LogStatsConsumer(ABC):
    """Receives statistics dictionaries from an aggregator (the next-level aggregator or a logger)."""

    @abstractmethod
    def receive(self, stat: LogStats) -> None:
        """Receive one statistics dictionary (may be called many times per aggregation period)."""


class LogStatsWriter(ABC):
    """A minimal interface concrete statistics writers implement (console, TensorBoard, files...)."""

    @abstractmethod
    def write(self, path: str | None, step: int, stats: LogStats) -> None:
        """Write the statistics of one logging prefix.

        :param path: the logging prefix (``"train"``, ``"eval"``, ``"rollout_stats"``), or ``None``.
        :param step: the global log step (1-based, usually the epoch).
        :param stats: the statistics dictionary.
        """

    def write_by_env_steps(self, path: str | None, env_steps: int, stats: LogStats) -> None:
        """Write the statistics of one logging prefix a second time, against the total number of env steps.

        Called by :meth:`~maze.core.log_stats.epoch_stats.EpochStatsLog.write` right after :meth:`write` when the
        run counts env steps (A2C/PPO: the trainer's ``env_steps``). The default does nothing; the TensorBoard writer
        writes the scalars into the ``env_steps/`` sub-run.

        :param path: the logging prefix (``"train"``, ``"eval"``), or ``None``.
        :param env_steps: the total number of env steps so far (the x-axis value).
        :param stats: the statistics dictionary (the same as given to :meth:`write`).

        .. versionadded:: 0.2
        """

    def write_image(self, tag: str, image: Any, step: int) -> None:
        """Write one picture (e.g. of an ``ObservationVisualizationWrapper``). The default does nothing; the TensorBoard
        writer writes it to IMAGES.

        :param tag: the image tag (``observation_visualization/step_key_0/observation``).
        :param image: an RGB(A) or grayscale picture, a ``uint8`` array of shape ``(height, width[, 1|3|4])``.
        :param step: the log step (the epoch, 1-based, in training).

        .. versionadded:: 0.2
        """

    def flush(self) -> None:
        """Flush buffered output (called after each log step)."""

    def close(self) -> None:
        """Release resources (files, threads)."""


def writes_images(writer: LogStatsWriter) -> bool:
    """Whether ``writer`` implements :meth:`LogStatsWriter.write_image` (so pictures are worth rendering for it)."""
    return type(writer).write_image is not LogStatsWriter.write_image


# ---------------------------------------------------------------------------------------------------- global state
class GlobalLogState:
    """Process-wide state of the statistics logging system (internal; use the module functions).

    :cvar global_step: the current log step (starts at 1).
    :cvar global_log_stats_writers: registered writers.
    :cvar hook_on_log_step: weak references to functions called on :func:`increment_log_step` before writing.
    """

    global_step: int = 1
    global_log_stats_writers: list[LogStatsWriter] = []
    hook_on_log_step: list[Callable[[], Callable[[], None] | None]] = []
    _buffer: list[tuple[str | None, LogStats]] = []

    @classmethod
    def reset(cls) -> None:
        """Forget writers, hooks and buffered statistics and restart at step 1 (closes nothing)."""
        cls.global_step = 1
        cls.global_log_stats_writers = []
        cls.hook_on_log_step = []
        cls._buffer = []


def register_log_stats_writer(writer: LogStatsWriter) -> None:
    """Add a writer that receives all statistics logged from now on (registering twice is a no-op)."""
    if not isinstance(writer, LogStatsWriter):
        raise TypeError(f"expected a maze.core.log_stats.log_stats.LogStatsWriter, got {type(writer).__name__}")
    if not any(w is writer for w in GlobalLogState.global_log_stats_writers):
        GlobalLogState.global_log_stats_writers.append(writer)


def unregister_log_stats_writer(writer: LogStatsWriter) -> None:
    """Remove a writer registered with :func:`register_log_stats_writer` (no-op if unknown; nothing is closed)."""
    GlobalLogState.global_log_stats_writers = [w for w in GlobalLogState.global_log_stats_writers if w is not writer]


def log_stats(stats: LogStats, path: str | None) -> None:
    """Buffer a statistics dictionary for the writers; written on the next :func:`increment_log_step`.

    Without registered writers the statistics are dropped.

    :param stats: the statistics dictionary.
    :param path: the logging prefix that organizes the log into sections (``"train"``, ``"eval"``).
    """
    if GlobalLogState.global_log_stats_writers and stats:
        GlobalLogState._buffer.append((path, stats))


def increment_log_step() -> None:
    """Finish the current log step: reduce pending epoch aggregators, write buffered stats, advance the step."""
    alive = []
    for ref in GlobalLogState.hook_on_log_step:
        fn = ref()
        if fn is not None:
            alive.append(ref)
            fn()
    GlobalLogState.hook_on_log_step = alive
    buffer, GlobalLogState._buffer = GlobalLogState._buffer, []
    step = GlobalLogState.global_step
    for writer in list(GlobalLogState.global_log_stats_writers):
        for path, stats in buffer:
            writer.write(path, step, stats)
        writer.flush()
    GlobalLogState.global_step = step + 1


class LogStatsLogger(LogStatsConsumer):
    """Consumer that logs received statistics under ``path`` through :func:`log_stats`."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def receive(self, stat: LogStats) -> None:
        log_stats(stat, self.path)

    def __reduce__(self):
        return (LogStatsLogger, (self.path,))


def get_stats_logger(path: str | None = None) -> LogStatsLogger:
    """A consumer piping an aggregator's statistics to the registered writers under the prefix ``path``.

    >>> aggregator = LogStatsAggregator(LogStatsLevel.EPOCH, get_stats_logger("eval"))
    """
    return LogStatsLogger(path)


# ---------------------------------------------------------------------------------------------------- reduction
_NO_GROUP: tuple = ()


class _EventPlan:
    """Precompiled statistics plan of one event method (built once per event, cached)."""

    __slots__ = ("event", "spec", "grouping", "group_getter", "payload", "default_attr", "topic_label")

    def __init__(self, event: Callable, spec: EventStatsSpec) -> None:
        self.event = event
        self.spec = spec
        self.grouping = spec.grouping
        if not spec.grouping:
            self.group_getter = None
        elif len(spec.grouping) == 1:
            g0 = spec.grouping[0]
            self.group_getter = lambda attrs: (attrs[g0],)
        else:
            self.group_getter = operator.itemgetter(*spec.grouping)  # returns a tuple for >= 2 names
        self.payload = tuple(p for p in spec.param_names if p not in spec.grouping)
        # attribute reduced when a step definition gives no input_name
        if "value" in self.payload:
            self.default_attr: str | None = "value"
        elif len(self.payload) == 1:
            self.default_attr = self.payload[0]
        else:
            self.default_attr = None
        self.topic_label = ".".join(event_label(event))


_PLANS: dict[Callable, _EventPlan | None] = {}


def _plan(event: Callable) -> _EventPlan | None:
    try:
        return _PLANS[event]
    except KeyError:
        spec = get_event_stats_spec(event)
        plan = _EventPlan(event, spec) if spec is not None else None
        _PLANS[event] = plan
        return plan
    except TypeError:  # unhashable event spec
        return None


def _project(group: tuple | None, group_by: tuple[str, ...] | None, grouping: tuple[str, ...]) -> tuple | None:
    if group is None or group_by is None:
        return group
    return tuple(v if name in group_by else None for name, v in zip(grouping, group))


def _apply(plan: _EventPlan, defs: list[StatsDefinition], units: dict, raw: bool, out: dict,
           cumulative: dict | None) -> None:
    """Apply ``defs`` to ``units`` (group → columns) and store results in ``out``.

    Raw units map group → list of attribute dicts (events); stat units map group → {stat name: values}.
    """
    event = plan.event
    for d in defs:
        merged: dict = {}
        if raw:
            name = d.input_name
            attr = name if name is not None else plan.default_attr
            for group, attrs_list in units.items():
                if attr is not None:
                    try:
                        values = [a[attr] for a in attrs_list]
                    except KeyError:
                        raise ValueError(
                            f"statistics of event {plan.topic_label}: attribute '{attr}' missing in a recorded event "
                            f"(attributes: {list(plan.spec.param_names)})"
                        ) from None
                else:
                    values = list(attrs_list)
                tgt = _project(group, d.group_by, plan.grouping)
                prev = merged.get(tgt)
                merged[tgt] = values if prev is None else prev + values
        else:
            name = d.input_name
            found = False
            for group, cols in units.items():
                if name is not None:
                    values = cols.get(name)
                    if values is None:
                        continue
                elif len(cols) == 1:
                    values = next(iter(cols.values()))
                else:
                    keys = list(cols)
                    values = [dict(zip(keys, row)) for row in zip(*cols.values())]
                found = True
                tgt = _project(group, d.group_by, plan.grouping)
                prev = merged.get(tgt)
                merged[tgt] = list(values) if prev is None else prev + list(values)
            if not found and name is not None:
                available = sorted({str(n) for cols in units.values() for n in cols})
                raise ValueError(
                    f"statistics of event {plan.topic_label}: input_name '{name}' of a {d.level.name.lower()} "
                    f"statistic does not name a lower-level statistic (available: {available})"
                )
        out_name = d.output_name if d.output_name is not None else name
        fn = d.reduce_function
        for tgt, values in merged.items():
            if fn is None:
                if len(values) != 1:
                    raise ValueError(
                        f"event {plan.topic_label} declares side-loaded {d.level.name.lower()} statistics "
                        f"(reduce_function=None) and must be reported at most once per {_unit(d.level)}, got {len(values)}"
                    )
                value = values[0]
            else:
                value = _call_reducer(fn, values, plan, d, out_name)
            key = LogStatsKey(event, out_name, tgt)
            if d.cumulative and cumulative is not None:
                prev_value = cumulative.get(key)
                if prev_value is not None:
                    value = prev_value + value
                cumulative[key] = value
            out[key] = value


def _call_reducer(fn: Callable, values: list, plan: _EventPlan, d: StatsDefinition, out_name: str | None) -> Any:
    try:
        return fn(values)
    except Exception as exc:  # noqa: BLE001 - re-raised with the statistic that failed
        fn_name = getattr(fn, "__qualname__", None) or repr(fn)
        raise ValueError(
            f"reduce function {fn_name} of the {d.level.name.lower()} statistic {out_name!r} of event "
            f"{plan.topic_label} failed on {len(values)} values (first: {values[0] if values else None!r}): {type(exc).__name__}: {exc}"
        ) from exc


def _unit(level: LogStatsLevel) -> str:
    return {LogStatsLevel.STEP: "step", LogStatsLevel.EPISODE: "episode", LogStatsLevel.EPOCH: "epoch"}[level]


def _group_of(plan: _EventPlan, attrs: dict) -> tuple:
    """Group tuple of an event; attributes left at their defaults (not recorded) count as ``None``."""
    try:
        return plan.group_getter(attrs)  # type: ignore[misc]
    except KeyError:
        return tuple(attrs.get(n) for n in plan.grouping)


def _group_raw(plan: _EventPlan, attrs_list: list[dict]) -> dict:
    if plan.group_getter is None:
        return {None: attrs_list}
    units: dict = {}
    for a in attrs_list:
        g = _group_of(plan, a)
        lst = units.get(g)
        if lst is None:
            units[g] = [a]
        else:
            lst.append(a)
    return units


def reduce_step_events(events: Iterable[EventRecord], out: dict[LogStatsKey, list]) -> None:
    """Compute the step statistics of one step's events and append each value to ``out[key]`` (a list).

    Events without statistics are skipped. Events without step statistics but with episode statistics are
    kept as raw inputs under the key ``LogStatsKey(event, _RAW_EVENT, None)``.
    """
    per_event: dict = {}
    for record in events:
        m = record.interface_method
        lst = per_event.get(m)
        if lst is None:
            per_event[m] = [record.attributes]
        else:
            lst.append(record.attributes)
    step_out: dict = {}
    for m, attrs_list in per_event.items():
        plan = _plan(m)
        if plan is None:
            continue
        defs = plan.spec.step
        if not defs:
            if plan.spec.episode:
                _keep_raw_inputs(out, m, attrs_list)
            continue
        _apply(plan, defs, _group_raw(plan, attrs_list), True, step_out, None)
    for key, value in step_out.items():
        lst = out.get(key)
        if lst is None:
            out[key] = [value]
        else:
            lst.append(value)


def _keep_raw_inputs(out: dict, method: Callable, attributes: Iterable[dict]) -> None:
    """Keep the attributes of an event with episode but no step statistics as raw episode inputs."""
    raw_key = LogStatsKey(method, _RAW_EVENT, None)
    lst = out.get(raw_key)
    if lst is None:
        out[raw_key] = lst = []
    lst.extend(attributes)


def _identity_fast(fn: Callable | None) -> Callable | None:
    """For reducers whose result on a single value needs no call: returns a converter of that value."""
    if fn is None or fn is sum or fn is max or fn is min:
        return _IDENT
    if fn is len:
        return _ONE
    if fn is _histogram:
        return _LIST1
    return None


def _ident(v: Any) -> Any:
    return v


def _one(v: Any) -> int:
    return 1


def _list1(v: Any) -> list:
    return [v]


_IDENT, _ONE, _LIST1 = _ident, _one, _list1


def reduce_episode_step_events(steps: Sequence[Sequence[EventRecord]], out: dict[LogStatsKey, list]) -> None:
    """Step statistics of all steps of an episode in one pass; appends each step's value to ``out[key]``.

    Equivalent to calling :func:`reduce_step_events` per step, but events are first grouped per event method
    over the whole episode, and units with a single event skip the reducer call for ``len``/``sum``/``max``/
    ``min``/``histogram``/side-loaded statistics.
    """
    per_event: dict = {}
    for i, events in enumerate(steps):
        for record in events:
            m = record.interface_method
            lst = per_event.get(m)
            if lst is None:
                per_event[m] = lst = []
            lst.append((i, record.attributes))
    for m, occurrences in per_event.items():
        plan = _plan(m)
        if plan is None:
            continue
        defs = plan.spec.step
        if not defs:
            if plan.spec.episode:
                _keep_raw_inputs(out, m, (a for _, a in occurrences))
            continue
        getter = plan.group_getter
        units: dict = {}
        for i, attrs in occurrences:
            if getter is None:
                k = (i, None)
            else:
                try:
                    k = (i, getter(attrs))
                except KeyError:
                    k = (i, _group_of(plan, attrs))
            u = units.get(k)
            if u is None:
                units[k] = [attrs]
            else:
                u.append(attrs)
        for d in defs:
            attr = d.input_name if d.input_name is not None else plan.default_attr
            out_name = d.output_name if d.output_name is not None else d.input_name
            fn = d.reduce_function
            fast = _identity_fast(fn)
            if d.group_by is not None and getter is not None:
                merged: dict = {}
                for (i, g), attrs_list in units.items():
                    k = (i, _project(g, d.group_by, plan.grouping))
                    prev = merged.get(k)
                    merged[k] = list(attrs_list) if prev is None else prev + attrs_list
                unit_items = merged.items()
            else:
                unit_items = units.items()
            current_key = None
            target: list | None = None
            for (_i, g), attrs_list in unit_items:
                if len(attrs_list) == 1 and fast is not None:
                    a = attrs_list[0]
                    value = fast(a[attr] if attr is not None else a)
                else:
                    try:
                        values = [a[attr] for a in attrs_list] if attr is not None else list(attrs_list)
                    except KeyError:
                        raise ValueError(
                            f"statistics of event {plan.topic_label}: attribute '{attr}' missing in a recorded event "
                            f"(attributes: {list(plan.spec.param_names)})"
                        ) from None
                    if fn is None:
                        raise ValueError(
                            f"event {plan.topic_label} declares side-loaded step statistics (reduce_function=None) "
                            f"and must be reported at most once per step, got {len(values)}"
                        )
                    value = _call_reducer(fn, values, plan, d, out_name)
                if g != current_key or target is None:
                    current_key = g
                    key = LogStatsKey(m, out_name, g)
                    target = out.get(key)
                    if target is None:
                        out[key] = target = []
                target.append(value)


class _RawEventMarker:
    """Name marker of raw event attribute inputs (events fed into a level without lower-level statistics)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<raw events>"

    def __reduce__(self):
        return "_RAW_EVENT"


_RAW_EVENT: Any = _RawEventMarker()


class LogStatsAggregator(LogStatsConsumer):
    """Collects the inputs of one aggregation level and computes its statistics on :meth:`reduce`.

    Inputs: events (:meth:`add_event`, or calls on a topic from :meth:`create_event_topic`), single values
    (:meth:`add_value`, e.g. KPIs at episode level), and statistics of the level below (:meth:`receive`).
    Only events whose methods carry statistics decorators are kept.

    :param level: the level whose statistics this aggregator produces.
    :param consumers: receivers of the computed statistics (next-level aggregator, ``get_stats_logger(...)``).
    """

    def __init__(self, level: LogStatsLevel, *consumers: LogStatsConsumer) -> None:
        if not isinstance(level, LogStatsLevel):
            raise TypeError(f"level must be a LogStatsLevel (STEP, EPISODE, EPOCH), got {level!r}")
        self.level = level
        self.consumers: list[LogStatsConsumer] = []
        for c in consumers:
            self.register_consumer(c)
        #: statistics of the last :meth:`reduce` (``None`` before the first)
        self.last_stats: LogStats | None = None
        #: global log step of the last :meth:`reduce`
        self.last_stats_step: int | None = None
        self._inputs: dict[LogStatsKey, list] = {}
        self._cumulative: dict[LogStatsKey, Any] = {}
        if level == LogStatsLevel.EPOCH:
            self._register_hook()

    def _register_hook(self) -> None:
        hooks = GlobalLogState.hook_on_log_step
        if len(hooks) >= 64:  # drop hooks of aggregators that no longer exist
            hooks[:] = [h for h in hooks if h() is not None]
        hooks.append(weakref.WeakMethod(self._hook_on_log_step))

    # ----------------------------------------------------------------- inputs
    def register_consumer(self, consumer: LogStatsConsumer) -> None:
        """Add a receiver of this aggregator's statistics."""
        if not isinstance(consumer, LogStatsConsumer):
            raise TypeError(f"expected a LogStatsConsumer (aggregator or logger), got {type(consumer).__name__}")
        self.consumers.append(consumer)

    def add_event(self, event_record: EventRecord) -> None:
        """Add a recorded event. At STEP level it feeds the step statistics; at higher levels events are raw
        inputs of that level's definitions (``input_name`` then names an event attribute)."""
        m = event_record.interface_method
        if _plan(m) is None:
            return
        key = LogStatsKey(m, _RAW_EVENT, None)
        lst = self._inputs.get(key)
        if lst is None:
            self._inputs[key] = [event_record.attributes]
        else:
            lst.append(event_record.attributes)

    def add_value(self, event: Callable, value: LogStatsValue, name: str | None = None,
                  group: tuple | str | int | None = None) -> None:
        """Add a single input value (as if it was a statistic ``name`` of the level below).

        :param event: the event method the value belongs to (e.g. ``BaseEnvEvents.kpi``).
        :param value: the value.
        :param name: the lower-level statistic name the value stands for (``None``: unnamed).
        :param group: group identifier (tuple of grouping-attribute values) if the event is grouped.
        """
        if group is not None and not isinstance(group, tuple):
            group = (group,)
        key = LogStatsKey(event, name, group)
        lst = self._inputs.get(key)
        if lst is None:
            self._inputs[key] = [value]
        else:
            lst.append(value)

    def add_values(self, event: Callable, values: Sequence[Any], name: str | None = None,
                   group: tuple | None = None) -> None:
        """Add many input values at once (see :meth:`add_value`)."""
        key = LogStatsKey(event, name, group)
        lst = self._inputs.get(key)
        if lst is None:
            self._inputs[key] = list(values)
        else:
            lst.extend(values)

    def add_step_events(self, step_events: Iterable[Iterable[EventRecord]]) -> None:
        """EPISODE level: compute the step statistics of each step's events and add them as inputs."""
        reduce_episode_step_events(step_events if isinstance(step_events, (list, tuple)) else list(step_events),
                                   self._inputs)

    def receive(self, stat: LogStats) -> None:
        """Receive statistics of the level below as inputs."""
        inputs = self._inputs
        for key, value in stat.items():
            lst = inputs.get(key)
            if lst is None:
                inputs[key] = [value]
            else:
                lst.append(value)

    def has_inputs(self) -> bool:
        """Whether anything was added since the last :meth:`reduce`."""
        return bool(self._inputs)

    def clear_inputs(self) -> None:
        """Drop collected inputs without computing statistics."""
        self._inputs = {}

    # ----------------------------------------------------------------- reduce
    def reduce(self) -> LogStats:
        """Compute the statistics of the collected inputs, send them to the consumers and start over.

        :return: the statistics dictionary (the same object the consumers received).
        """
        inputs, self._inputs = self._inputs, {}
        stats = compute_stats(inputs, self.level, self._cumulative)
        self.last_stats = stats
        self.last_stats_step = GlobalLogState.global_step
        for consumer in self.consumers:
            consumer.receive(stats)
        return stats

    def _hook_on_log_step(self) -> None:
        if self._inputs and self.consumers and self.last_stats_step != GlobalLogState.global_step:
            self.reduce()

    # ----------------------------------------------------------------- event topic
    def create_event_topic(self, interface_class: type[T]) -> T:
        """A proxy of ``interface_class`` whose calls add events to this aggregator (see :meth:`add_event`).

        At EPISODE/EPOCH level this injects values that are reduced by that level's definitions, e.g. trainer
        events decorated with ``define_epoch_stats`` on an epoch aggregator.
        """
        from maze.core.events.event_topic_factory import event_topic_factory

        return event_topic_factory(interface_class, self.add_event)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self.level == LogStatsLevel.EPOCH:  # an unpickled epoch aggregator reduces on increment_log_step too
            self._register_hook()


def compute_stats(inputs: dict[LogStatsKey, list], level: LogStatsLevel, cumulative: dict | None = None) -> LogStats:
    """Compute the statistics of ``level`` from collected inputs (what :meth:`LogStatsAggregator.reduce` does).

    :param inputs: ``{LogStatsKey(event, input name, group): [values]}``; raw events use the name marker
        ``_RAW_EVENT`` and lists of attribute dicts.
    :param level: the level to compute.
    :param cumulative: running values of cumulative statistics (updated in place).
    """
    out: LogStats = {}
    if not inputs:
        return out
    if level == LogStatsLevel.STEP:
        per_event: dict = {}
        for key, values in inputs.items():
            if key.output_name is _RAW_EVENT:
                per_event.setdefault(key.event, []).extend(values)
        for m, attrs_list in per_event.items():
            plan = _plan(m)
            if plan is not None and plan.spec.step:
                _apply(plan, plan.spec.step, _group_raw(plan, attrs_list), True, out, cumulative)
        return out
    # group inputs per event, keep first-appearance order
    by_event: dict[Callable, dict] = {}
    for key, values in inputs.items():
        ev = by_event.get(key.event)
        if ev is None:
            ev = by_event[key.event] = {}
        ev[key] = values
    for m, keys in by_event.items():
        plan = _plan(m)
        if plan is None:
            continue
        defs = plan.spec.definitions(level)
        if not defs:
            continue
        raw_attrs: list = []
        units: dict = {}
        for key, values in keys.items():
            if key.output_name is _RAW_EVENT:
                raw_attrs.extend(values)
            else:
                cols = units.get(key.group)
                if cols is None:
                    cols = units[key.group] = {}
                cols[key.output_name] = values
        if raw_attrs:
            _apply(plan, defs, _group_raw(plan, raw_attrs), True, out, cumulative)
        if units:
            _apply(plan, defs, units, False, out, cumulative)
    return out


def get_stats_value(stats: LogStats | None, event: Callable | str, name: str | None = None) -> Any:
    """Look up a statistic in a statistics dict (used by :meth:`LogStatsEnv.get_stats_value`).

    :param stats: the statistics dictionary (e.g. ``aggregator.last_stats``).
    :param event: the event method (``BaseEnvEvents.reward``) or its name (``"BaseEnvEvents.reward"``).
    :param name: the statistic's ``output_name`` (``None``: the unnamed one).
    :return: the value; for grouped events a ``{group: value}`` dict.
    :raises KeyError: naming the event/statistic and what is available.
    """
    stats = stats or {}
    if isinstance(event, str):
        matches = [k for k in stats if ".".join(event_label(k.event)) == event]
        if not matches:
            known = sorted({".".join(event_label(k.event)) for k in stats})
            raise KeyError(f"no statistics for event '{event}'; events with statistics: {known}")
    else:
        if not callable(event):
            raise TypeError(f"event must be an event method or 'Topic.event' string, got {event!r}")
        matches = [k for k in stats if k.event is event or k.event == event]
        if not matches:
            known = sorted({".".join(event_label(k.event)) for k in stats})
            raise KeyError(
                f"no statistics for event '{'.'.join(event_label(event))}'; events with statistics: {known}"
            )
    named = [k for k in matches if k.output_name == name]
    if not named:
        names = sorted({str(k.output_name) for k in matches})
        raise KeyError(f"event '{'.'.join(event_label(matches[0].event))}' has no statistic named {name!r} "
                       f"(available: {names})")
    if len(named) == 1 and named[0].group is None:
        return stats[named[0]]
    return {k.group: stats[k] for k in named}
