"""Event method decorators that declare how events are aggregated into statistics.

Decorate the methods of an event topic (an interface class). Decorators apply bottom-up, so write the step
statistics closest to the method, then episode, then epoch statistics::

    class InventoryEvents(ABC):
        @define_epoch_stats(np.mean, output_name="mean_episode_total")
        @define_episode_stats(sum)
        @define_step_stats(len)
        def piece_replenished(self):
            \"\"\"A raw piece was added to the inventory.\"\"\"

        @define_epoch_stats(np.mean, input_name="step_mean", output_name="step_mean")
        @define_episode_stats(np.mean, output_name="step_mean")
        @define_step_stats(None)            # side-loaded: fired at most once per step
        def pieces_in_inventory(self, value: int):
            \"\"\"Inventory size, reported once per step.\"\"\"

A statistic may declare its unit (``unit="s"``, ``unit="steps/s"``): the console table shows it after the value
(``1.234 s``), :func:`stats_unit` looks it up; TensorBoard and all other consumers get the plain number.

The hierarchy: events of a step → step statistics (``define_step_stats``), step statistics of an episode →
episode statistics (``define_episode_stats``), episode statistics of an epoch → epoch statistics
(``define_epoch_stats``). Statistics appear in the output in the order the decorators were applied
(bottom-up). The decorators only attach metadata to the function (``__maze_stats__``); the function itself is
returned unchanged, so it still pickles by qualified name.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

from maze.core.log_stats.log_stats_types import LogStatsKey, LogStatsLevel

_SPEC_ATTR = "__maze_stats__"
#: the longest unit a statistic may declare (units are shown next to values in the console table)
MAX_UNIT_LENGTH = 16


@dataclass(frozen=True)
class StatsDefinition:
    """One statistic declared by a decorator.

    :param level: the level the statistic is produced at (its inputs come from the level below).
    :param reduce_function: callable reducing a list of input values, or ``None`` for side-loaded values.
    :param input_name: step level: the event attribute to reduce; higher levels: the name of the lower-level
        statistic. ``None``: the only available input (or dicts of all inputs).
    :param output_name: the statistic's name (``None``: the resolved input name).
    :param group_by: grouping attribute(s) to keep (statistics of the other grouping attributes are merged).
    :param cumulative: add the previous result of this statistic (running totals over episodes/epochs).
    :param unit: the unit of the statistic's values (``"s"``, ``"steps/s"``), or ``None`` for plain numbers; shown by
        the console table next to the value, never part of a TensorBoard tag or value.
    """

    level: LogStatsLevel
    reduce_function: Callable | None
    input_name: str | None
    output_name: str | None
    group_by: tuple[str, ...] | None
    cumulative: bool
    unit: str | None = None

    @property
    def name(self) -> str | None:
        """The name of the statistics this definition produces (``output_name``, else ``input_name``)."""
        return self.output_name if self.output_name is not None else self.input_name


@dataclass
class EventStatsSpec:
    """All statistics metadata of one event method (attached by the decorators)."""

    param_names: tuple[str, ...]
    step: list[StatsDefinition] = field(default_factory=list)
    episode: list[StatsDefinition] = field(default_factory=list)
    epoch: list[StatsDefinition] = field(default_factory=list)
    grouping: tuple[str, ...] = ()
    plots: list[tuple[Callable, str | None]] = field(default_factory=list)

    def definitions(self, level: LogStatsLevel) -> list[StatsDefinition]:
        """The definitions producing statistics at ``level``."""
        if level == LogStatsLevel.STEP:
            return self.step
        if level == LogStatsLevel.EPISODE:
            return self.episode
        return self.epoch


def get_event_stats_spec(event: Callable) -> EventStatsSpec | None:
    """The statistics spec of an event method (``None`` if it declares no statistics)."""
    return getattr(event, _SPEC_ATTR, None)


def stats_unit(key: LogStatsKey, level: LogStatsLevel = LogStatsLevel.EPOCH) -> str | None:
    """The unit a statistic declares (``unit=`` of its decorator), e.g. ``"s"`` for ``time_epoch``; ``None`` when it
    declares none.

    :param key: the statistic's key (event method, output name, group).
    :param level: the level whose definitions are consulted (statistics writers receive epoch statistics).
    """
    spec = get_event_stats_spec(key.event)
    if spec is None:
        return None
    for definition in spec.definitions(level):
        if definition.unit is not None and definition.name == key.output_name:
            return definition.unit
    return None


def _check_unit(unit: object, decorator: str) -> str | None:
    if unit is None:
        return None
    if not isinstance(unit, str):
        raise TypeError(f"@{decorator}: unit must be a string (e.g. 's', 'steps/s') or None, got {unit!r}")
    if not unit or unit != unit.strip() or len(unit) > MAX_UNIT_LENGTH or not unit.isprintable():
        raise ValueError(f"@{decorator}: unit={unit!r} is invalid: expected a short unit such as 's' or 'steps/s' "
                         f"(1 to {MAX_UNIT_LENGTH} printable characters, no surrounding spaces)")
    return unit


def _event_name(fn: Callable) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def _spec_of(fn: object, decorator: str) -> EventStatsSpec:
    if not callable(fn) or isinstance(fn, type):
        raise TypeError(f"@{decorator} must decorate an event method (a function), got {fn!r}")
    spec = getattr(fn, _SPEC_ATTR, None)
    if spec is None:
        try:
            params = tuple(p for p in inspect.signature(fn).parameters if p != "self")
        except (TypeError, ValueError) as exc:
            raise TypeError(f"@{decorator}: cannot read the signature of event {_event_name(fn)}: {exc}") from exc
        spec = EventStatsSpec(param_names=params)
        try:
            setattr(fn, _SPEC_ATTR, spec)
        except (AttributeError, TypeError) as exc:
            raise TypeError(f"@{decorator} must decorate a plain function, cannot annotate {fn!r}") from exc
    return spec


def _normalize_group_by(group_by: str | tuple | list | None, decorator: str) -> tuple[str, ...] | None:
    if group_by is None:
        return None
    if isinstance(group_by, str):
        return (group_by,)
    if isinstance(group_by, (tuple, list)) and all(isinstance(g, str) for g in group_by):
        return tuple(group_by)
    raise TypeError(f"@{decorator}: group_by must be an attribute name or a tuple of names, got {group_by!r}")


def _define(level: LogStatsLevel, decorator: str, reduce_function: Callable | None, input_name: str | None,
            output_name: str | None, group_by: str | tuple | None, cumulative: bool, unit: str | None) -> Callable:
    if reduce_function is not None and not callable(reduce_function):
        raise TypeError(
            f"@{decorator}: reduce_function must be callable (e.g. len, sum, np.mean) or None for side-loaded values, "
            f"got {reduce_function!r}"
        )
    for arg_name, arg in (("input_name", input_name), ("output_name", output_name)):
        if arg is not None and not isinstance(arg, str):
            raise TypeError(f"@{decorator}: {arg_name} must be a string or None, got {arg!r}")
    definition = StatsDefinition(level, reduce_function, input_name, output_name,
                                 _normalize_group_by(group_by, decorator), bool(cumulative), _check_unit(unit, decorator))

    def decorate(fn: Callable) -> Callable:
        spec = _spec_of(fn, decorator)
        if level == LogStatsLevel.STEP and input_name is not None and input_name not in spec.param_names:
            raise ValueError(
                f"@{decorator}: input_name '{input_name}' is not an attribute of event {_event_name(fn)} "
                f"(attributes: {list(spec.param_names)})"
            )
        spec.definitions(level).append(definition)
        return fn

    return decorate


def define_step_stats(reduce_function: Callable | None, input_name: str | None = None, output_name: str | None = None,
                      group_by: str | tuple | None = None, cumulative: bool = False, unit: str | None = None) -> Callable:
    """Event method decorator: a step statistic computed from the events of one step.

    :param reduce_function: reduces the list of event values of a step (``len`` counts events). ``None``
        side-loads the value: the event may be fired at most once per step and its value is the statistic
        (useful for state information such as an inventory size).
    :param input_name: the event attribute whose values are reduced. Omit it when the event has a single
        attribute (besides grouping attributes) or to pass all attributes as dicts (``len`` does not care).
    :param output_name: name of the statistic (defaults to ``input_name``).
    :param group_by: grouping attribute(s) to keep (see :func:`define_stats_grouping`).
    :param cumulative: add the previous value of this statistic.
    :param unit: unit of the values (``"s"``), shown by the console table; ``None``: plain numbers.

    .. versionchanged:: 0.2 ``unit``.
    """
    return _define(LogStatsLevel.STEP, "define_step_stats", reduce_function, input_name, output_name, group_by, cumulative,
                   unit)


def define_episode_stats(reduce_function: Callable | None, input_name: str | None = None,
                         output_name: str | None = None, group_by: str | tuple | None = None,
                         cumulative: bool = False, unit: str | None = None) -> Callable:
    """Event method decorator: an episode statistic computed from the step statistics of an episode.

    :param reduce_function: reduces the list of step statistics (``sum``, ``np.mean``, ``max``...); ``None``
        side-loads a value added once per episode (as KPIs are).
    :param input_name: name of the step statistic to reduce (``None``: the only one, or dicts of all).
    :param output_name: name of the episode statistic (defaults to ``input_name``).
    :param group_by: grouping attribute(s) to keep.
    :param cumulative: add the previous episode's value (running total).
    :param unit: unit of the values (``"s"``), shown by the console table; ``None``: plain numbers.

    .. versionchanged:: 0.2 ``unit``.
    """
    return _define(LogStatsLevel.EPISODE, "define_episode_stats", reduce_function, input_name, output_name, group_by,
                   cumulative, unit)


def define_epoch_stats(reduce_function: Callable | None, input_name: str | None = None, output_name: str | None = None,
                       group_by: str | tuple | None = None, cumulative: bool = False, unit: str | None = None) -> Callable:
    """Event method decorator: an epoch statistic computed from the episode statistics of an epoch.

    Events fired directly into an epoch-level aggregator (trainer events) are reduced by these definitions as
    well; then ``input_name`` names an event attribute.

    :param reduce_function: reduces the list of episode statistics (``np.mean`` over episodes...).
    :param input_name: name of the episode statistic to reduce (``None``: the only one, or dicts of all).
    :param output_name: name of the epoch statistic (defaults to ``input_name``).
    :param group_by: grouping attribute(s) to keep.
    :param cumulative: add the previous epoch's value (``total_episode_count`` uses this).
    :param unit: unit of the values (``"s"`` for times, ``"steps/s"`` for rates): the console table shows it after
        the value (``1.234 s``); TensorBoard tags and values stay plain numbers. Look it up with :func:`stats_unit`.

    .. versionchanged:: 0.2 ``unit``.
    """
    return _define(LogStatsLevel.EPOCH, "define_epoch_stats", reduce_function, input_name, output_name, group_by,
                   cumulative, unit)


def define_stats_grouping(*group_by: str) -> Callable:
    """Event method decorator: compute all statistics of the event separately per value of these attributes.

    Statistics keys then carry a group tuple (``("substep_0", "action")``), shown as ``substep_0/action``.

    :param group_by: names of event attributes.
    """
    if not group_by or not all(isinstance(g, str) for g in group_by):
        raise TypeError(f"@define_stats_grouping expects attribute names, got {group_by!r}")

    def decorate(fn: Callable) -> Callable:
        spec = _spec_of(fn, "define_stats_grouping")
        unknown = [g for g in group_by if g not in spec.param_names]
        if unknown:
            raise ValueError(
                f"@define_stats_grouping: {unknown} not attributes of event {_event_name(fn)} "
                f"(attributes: {list(spec.param_names)})"
            )
        spec.grouping = tuple(group_by)
        return fn

    return decorate


def define_plot(create_figure_function: Callable, input_name: str | None = None) -> Callable:
    """Event method decorator: render the epoch statistic ``input_name`` as a figure (TensorBoard IMAGES).

    :param create_figure_function: ``f(value, groups=group_tuple, **kwargs) -> matplotlib Figure | None``.
    :param input_name: the epoch statistic to plot (``None``: the unnamed one).
    """
    if not callable(create_figure_function):
        raise TypeError(f"@define_plot: create_figure_function must be callable, got {create_figure_function!r}")

    def decorate(fn: Callable) -> Callable:
        _spec_of(fn, "define_plot").plots.append((create_figure_function, input_name))
        return fn

    return decorate
