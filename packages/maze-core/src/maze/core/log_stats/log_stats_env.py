"""Interface of envs that expose aggregated statistics (implemented by the LogStatsWrapper)."""

from __future__ import annotations

from typing import Any, Callable

from maze.core.log_stats.log_stats_types import LogStatsLevel


class LogStatsEnv:
    """Access to the statistics an env generates. Envs get it by being wrapped in a
    :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper`.

    A plain interface class (no ``ABC`` metaclass) so that wrappers implementing it keep a consistent MRO with
    the wrapped env classes (``isinstance`` transparency of wrappers); the methods raise ``NotImplementedError``.
    """

    def get_stats(self, level: LogStatsLevel) -> Any:
        """The :class:`~maze.core.log_stats.log_stats.LogStatsAggregator` of ``level``; its ``last_stats`` holds
        the latest statistics and consumers can be registered on it."""
        raise NotImplementedError

    def get_stats_value(self, event: Callable | str, level: LogStatsLevel, name: str | None = None) -> Any:
        """One value of the latest statistics of ``level``.

        :param event: event method (``BaseEnvEvents.reward``) or ``"Topic.event"`` string.
        :param level: ``LogStatsLevel.STEP``, ``EPISODE`` or ``EPOCH``.
        :param name: the statistic's ``output_name`` (``None`` for unnamed statistics).
        :return: the value (a ``{group: value}`` dict for grouped events).
        """
        raise NotImplementedError

    def write_epoch_stats(self) -> None:
        """Reduce the epoch statistics now (instead of waiting for the next ``increment_log_step``)."""
        raise NotImplementedError
