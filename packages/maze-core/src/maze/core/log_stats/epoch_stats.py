"""Typed epoch statistics of a run, by logging prefix (``train``, ``eval``, ...), and the log that writes them.

Trainers, evaluators and anything else that reports once per epoch record *events* into epoch-level
:class:`~maze.core.log_stats.log_stats.LogStatsAggregator` s, one per logging prefix::

    log = EpochStatsLog(writers=[LogStatsWriterConsole(), LogStatsWriterTensorboard(run_dir)])
    events = log.topic("train", MyTrainerEvents)     # methods decorated with define_epoch_stats
    events.policy_loss(step_id="0", value=0.25)      # any number of times per epoch
    log.aggregator("train").receive(episode_stats)   # episode statistics of LogStatsWrapper-ed envs
    stats = log.reduce()                             # EpochStats: {"train": LogStats, ...}
    log.write(epoch + 1, stats, env_steps=n)         # every writer, every prefix, then flush
    log.write_images(epoch + 1, {"observation_visualization/step_key_0/observation": rgb})   # pictures, if any

Nothing on this path is a string: keys are :class:`~maze.core.log_stats.log_stats.LogStatsKey` s that reference
the event methods, so a plugin's own event topic shows up in the console table and in TensorBoard without any
registration. Tags like ``train_MultiStepActorCriticEvents/policy_loss/0`` are only *produced* (by the writers and
by :func:`flatten_epoch_stats` for consumers that want a flat dict), never parsed.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from maze.core.log_stats.log_stats import LogStatsAggregator, LogStatsWriter, get_stats_value, writes_images
from maze.core.log_stats.log_stats_types import LogStats, LogStatsLevel, flatten_stats

T = TypeVar("T")

#: Prefixes written first, in this order; others follow alphabetically.
_PREFIX_ORDER = ("train", "eval")


def _prefix_rank(prefix: str) -> tuple[int, str]:
    return (_PREFIX_ORDER.index(prefix) if prefix in _PREFIX_ORDER else len(_PREFIX_ORDER), prefix)


class EpochStats(dict):
    """The statistics of one epoch: ``{logging prefix: LogStats}`` (``"train"``, ``"eval"``...).

    A plain ``dict`` subclass, so it pickles and iterates like one; the helpers below look values up without
    building tag strings.
    """

    def flat(self) -> dict[str, Any]:
        """``{"<prefix>_<Topic>/<event>/<label>": value}`` (see :func:`flatten_epoch_stats`)."""
        return flatten_epoch_stats(self)

    def value(self, prefix: str, event: Callable | str, name: str | None = None) -> Any:
        """One statistic, e.g. ``stats.value("eval", BaseEnvEvents.reward, "mean")``.

        :param prefix: the logging prefix.
        :param event: the event method or its ``"Topic.event"`` name.
        :param name: the statistic's output name (``None``: the unnamed one); grouped events give ``{group: value}``.
        :raises KeyError: naming the prefix/event/statistic and what is available.
        """
        if prefix not in self:
            raise KeyError(f"no statistics with prefix '{prefix}' (prefixes: {sorted(self)})")
        return get_stats_value(self[prefix], event, name)

    def merge(self, prefix: str, stats: LogStats | None) -> None:
        """Add already reduced statistics (e.g. an evaluator's) under ``prefix``."""
        if stats:
            self.setdefault(prefix, {}).update(stats)

    def ordered(self) -> list[tuple[str, LogStats]]:
        """``(prefix, stats)`` pairs: ``train`` first, then ``eval``, then the others alphabetically."""
        return sorted(self.items(), key=lambda item: _prefix_rank(item[0]))


def flatten_epoch_stats(stats: Mapping[str, LogStats]) -> dict[str, Any]:
    """Flat ``{tag: value}`` of typed epoch statistics, for plugins and scripts that want a plain dict.

    Tags are TensorBoard's (``train_BaseEnvEvents/reward/mean``, ``eval_ImitationEvents/policy_loss/0``); histogram
    statistics keep their value lists.

    .. versionadded:: 0.2
    """
    out: dict[str, Any] = {}
    for prefix, prefix_stats in sorted(stats.items(), key=lambda item: _prefix_rank(item[0])):
        out.update(flatten_stats(prefix_stats, prefix))
    return out


class EpochStatsLog:
    """Epoch-level aggregators of one run (one per logging prefix) and the writers their statistics go to.

    Writers are given explicitly (no global registry), so several runs in one process never mix their statistics.

    :param writers: the statistics writers (console, TensorBoard, writers of plugins).
    """

    def __init__(self, writers: Sequence[LogStatsWriter] = ()) -> None:
        for writer in writers:
            if not isinstance(writer, LogStatsWriter):
                raise TypeError(f"expected maze.core.log_stats.log_stats.LogStatsWriter instances, got "
                                f"{type(writer).__module__}.{type(writer).__qualname__}")
        self.writers: list[LogStatsWriter] = list(writers)
        self._aggregators: dict[str, LogStatsAggregator] = {}
        self._topics: dict[tuple[str, type], Any] = {}

    def aggregator(self, prefix: str) -> LogStatsAggregator:
        """The epoch aggregator of ``prefix`` (created on first use; it keeps cumulative statistics across epochs)."""
        agg = self._aggregators.get(prefix)
        if agg is None:
            agg = self._aggregators[prefix] = LogStatsAggregator(LogStatsLevel.EPOCH)
        return agg

    def topic(self, prefix: str, interface_class: type[T]) -> T:
        """A proxy of the event topic ``interface_class`` whose calls are recorded under ``prefix``."""
        key = (prefix, interface_class)
        proxy = self._topics.get(key)
        if proxy is None:
            proxy = self._topics[key] = self.aggregator(prefix).create_event_topic(interface_class)
        return proxy

    def reduce(self) -> EpochStats:
        """Reduce every aggregator that received inputs since the last call."""
        stats = EpochStats()
        for prefix, agg in self._aggregators.items():
            if agg.has_inputs():
                stats[prefix] = agg.reduce()
        return stats

    def write(self, step: int, stats: Mapping[str, LogStats], env_steps: int | None = None) -> None:
        """Hand ``stats`` to every writer (``train`` first, then ``eval``, ...) at log step ``step``, then flush.

        :param step: the log step (the epoch, 1-based).
        :param stats: the statistics by logging prefix.
        :param env_steps: the run's total number of env steps so far (``None``: not counted); given, each writer
            also receives :meth:`~maze.core.log_stats.log_stats.LogStatsWriter.write_by_env_steps` (TensorBoard: the
            ``env_steps/`` sub-run; other writers ignore it).
        """
        ordered = stats.ordered() if isinstance(stats, EpochStats) else EpochStats(stats).ordered()
        for writer in self.writers:
            for prefix, prefix_stats in ordered:
                if prefix_stats:
                    writer.write(prefix, step, prefix_stats)
                    if env_steps is not None:
                        writer.write_by_env_steps(prefix, int(env_steps), prefix_stats)
            writer.flush()

    def writes_images(self) -> bool:
        """Whether any writer writes pictures (:meth:`write_images` is worth rendering them for)."""
        return any(writes_images(writer) for writer in self.writers)

    def write_images(self, step: int, images: Mapping[str, Any]) -> None:
        """Hand pictures to every writer at log step ``step`` (TensorBoard: IMAGES; other writers ignore them), then
        flush. Trainers write the pictures of an ``ObservationVisualizationWrapper`` this way once per epoch.

        :param step: the log step (the epoch, 1-based: the step of the epoch's statistics).
        :param images: ``{tag: uint8 array (height, width[, 1|3|4])}``.

        .. versionadded:: 0.2
        """
        if not images:
            return
        for writer in self.writers:
            for tag, image in images.items():
                writer.write_image(tag, image, step)
            writer.flush()

    def close(self) -> None:
        """Close every writer (each at most once, even when one raises)."""
        errors: list[BaseException] = []
        writers, self.writers = self.writers, []
        for writer in writers:
            try:
                writer.close()
            except Exception as exc:  # noqa: BLE001 - close the others, then re-raise the first
                errors.append(exc)
        if errors:
            raise errors[0]


def merge_log_stats(parts: Iterable[LogStats | None]) -> LogStats:
    """One statistics dict from several (later parts win on equal keys)."""
    out: LogStats = {}
    for part in parts:
        if part:
            out.update(part)
    return out
