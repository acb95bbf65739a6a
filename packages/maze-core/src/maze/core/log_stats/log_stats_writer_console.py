"""Statistics as a fixed-layout table on the console."""

from __future__ import annotations

import logging
from typing import IO, Any

import numpy as np

from maze.core.log_stats.event_decorators import stats_unit
from maze.core.log_stats.log_stats import LogStats, LogStatsWriter
from maze.core.log_stats.log_stats_types import event_label, stat_label
from maze.core.log_stats.reducer_functions import to_flat_array
from maze.core.utils import logging_utils  # noqa: F401 - Maze's console where the application configured no logging

logger = logging.getLogger(__name__)


def _format_number(x: float) -> str:
    """3 decimals, or 3 significant digits for small non-zero values (``2.5e-4`` → ``0.00025``, not ``0.000``)."""
    if x != 0 and abs(x) < 0.01 and np.isfinite(x):
        return f"{x:.3g}"
    return f"{x:.3f}"


def format_stats_value(value: Any, unit: str | None = None) -> str:
    """Console text of a statistic: scalars with 3 decimals (small values with 3 significant digits), value lists
    as ``[len:N, μ:mean]``.

    :param value: the statistic's value.
    :param unit: the statistic's unit (:func:`~maze.core.log_stats.event_decorators.stats_unit`), written after each
        number it applies to: ``1.234 s``, ``[len:4, μ:0.5 s]``, ``{a: 1.000 s}``; ``None``: plain numbers.
    """
    suffix = f" {unit}" if unit else ""
    if isinstance(value, (bool, np.bool_)):
        return f"{float(value):.3f}{suffix}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _format_number(float(value)) + suffix
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _format_number(float(value)) + suffix
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            arr = to_flat_array(value)
            mean = f"{float(arr.mean()):.1f}{suffix}" if arr.size else "nan"
        except (TypeError, ValueError):
            mean = "?"
        return f"[len:{len(value)}, μ:{mean}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {format_stats_value(v, unit)}" for k, v in value.items()) + "}"
    return str(value)


class LogStatsWriterConsole(LogStatsWriter):
    """Writes statistics as a table (one table per log step and prefix), mainly for inspection::

         step|path                                                              |             value
        =====|==================================================================|==================
            1|rollout_stats  DiscreteActionEvents  action  substep_0/action     | [len:7900, μ:0.5]
            1|rollout_stats  BaseEnvEvents         reward  mean                 |           158.000

    The path column holds prefix, topic, event and statistic name (``output_name`` and group values joined by
    ``/``); each sub-column is as wide as its longest entry plus two spaces (entries longer than
    ``max_column_width`` are cut with ``..``). Statistics without a name show a dotted placeholder. A statistic that
    declares a unit (``define_epoch_stats(np.mean, unit="s")``) shows it after its value (``1.234 s``); the value
    column stays right-aligned.

    Without a ``stream``, each table is one INFO record of this module's logger
    (``maze.core.log_stats.log_stats_writer_console``): the console shows it as it is (Maze's console format is the
    bare message), and a run's log file (``cli.log`` under ``maze-run``) holds it as well.

    :param stream: write the tables to this stream instead of logging them.
    :param max_column_width: longest sub-column entry before it is shortened.
    """

    def __init__(self, stream: IO[str] | None = None, max_column_width: int = 40) -> None:
        self.stream = stream
        self.max_column_width = int(max_column_width)

    def _cut(self, text: str) -> str:
        w = self.max_column_width
        return text if len(text) <= w else text[: w - 2] + ".."

    def format_table(self, path: str | None, step: int, stats: LogStats) -> str:
        """The table text written by :meth:`write`."""
        rows = []
        for key, value in stats.items():
            topic, name = event_label(key.event)
            label = stat_label(key)
            rows.append([self._cut(path or ""), self._cut(topic), self._cut(name), self._cut(label),
                         format_stats_value(value, stats_unit(key))])
        n_cols = 4
        widths = [max((len(r[i]) for r in rows), default=0) for i in range(n_cols)]
        if not path:
            widths[0] = -2  # no prefix column
        widths = [w + 2 for w in widths]
        path_width = max(sum(widths), len("path"))
        value_width = max(max((len(r[4]) for r in rows), default=0), len("value")) + 1
        lines = [
            f"{'step':>5}|{'path':<{path_width}}|{'value':>{value_width}}",
            f"{'=' * 5}|{'=' * path_width}|{'=' * value_width}",
        ]
        for r in rows:
            label = r[3] if r[3] else "·" * (widths[3] - 2)
            cells = "".join(f"{c:<{w}}" for c, w in zip((r[0], r[1], r[2], label), widths) if w > 0)
            lines.append(f"{step:>5}|{cells:<{path_width}}|{r[4]:>{value_width}}")
        return "\n".join(lines)

    def write(self, path: str | None, step: int, stats: LogStats) -> None:
        """Log the statistics table (or write it to :attr:`stream`)."""
        if not stats:
            return
        if self.stream is None:
            if logger.isEnabledFor(logging.INFO):
                logger.info(self.format_table(path, step, stats))
            return
        self.stream.write(self.format_table(path, step, stats) + "\n")
        self.stream.flush()
