"""Progress of long loops (training epochs, rollout episodes, loading trajectory files): one mechanism for all.

On a terminal, :class:`Progress` draws a `tqdm <https://tqdm.github.io>`_ bar on stderr with the rate (e.g. env
steps/s), the ETA when the total is known, and the latest values the loop reports (e.g. the evaluation score)::

    training  epoch 2.4/10 | 2,345 env steps/s | eval 187.5  24%|████▊               | [00:12<00:40]

Elsewhere (CI, output piped into a file: stderr is no terminal) it logs one line instead, every
``log_interval_s`` seconds and, when ``log_every_percent`` is set, whenever another step of that many percent is
done, plus a last line when the loop ends (if it logged any)::

    epoch 3/10 | 2,345 env steps/s | eval 187.5 | ETA 0:01:10

The lines go to this module's logger (INFO; ``maze.core.utils.progress``), so they land in the run's log file and
follow the log levels. Without the ``tqdm`` package the log lines are used on terminals too.

Usage::

    with Progress(total=n_files, unit="trajectory file") as progress:
        for path in paths:
            load(path)
            progress.update()

    progress = Progress(total=10, unit="epoch", rate_unit="env steps")
    progress.update_to(2.5, count=env_steps)         # absolute position (fractions of a unit are fine)
    progress.update_to(3, count=env_steps, eval=187.5)  # values shown after the rate
    progress.close()
"""

from __future__ import annotations

import logging
import math
import sys
import time
from typing import IO, Any

import maze.core.utils.logging_utils  # noqa: F401 - Maze's console where the application configured no logging

__all__ = ["DEFAULT_LOG_INTERVAL_S", "Progress", "format_duration"]

logger = logging.getLogger(__name__)

#: seconds between two progress log lines in non-interactive runs
DEFAULT_LOG_INTERVAL_S = 10.0


def format_duration(seconds: float) -> str:
    """``H:MM:SS`` of a number of seconds (``?`` for unknown/infinite)."""
    if not math.isfinite(seconds) or seconds < 0:
        return "?"
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _format_rate(rate: float) -> str:
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.3g}"


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.5g}"
    return str(value)


def _format_count(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:.1f}"


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    """Progress of one loop: a tqdm bar on a terminal, periodic one-line log records elsewhere.

    :param total: units of work (``None``: unknown; no percentage and no ETA).
    :param unit: one unit of work (``"epoch"``, ``"episode"``, ``"trajectory file"``); shown as ``epoch 3/10``.
    :param desc: text in front of the bar (default: none); log lines start with the unit.
    :param bar: ``True``: draw a bar on ``file``; ``False``: log lines; ``None`` (default): a bar when ``file`` is
        a terminal (and tqdm is installed), else log lines.
    :param file: the stream of the bar (default: ``sys.stderr``).
    :param initial: units already done before this loop (a resumed training); rates and ETA count from here.
    :param rate_unit: what the ``count`` of :meth:`update`/:meth:`update_to` counts (``"env steps"``): the rate is
        shown as ``2,345 env steps/s``; ``None``: the rate of units (``3.2 episodes/s``).
    :param log_interval_s: seconds between log lines (log mode).
    :param log_every_percent: also log when another step of this many percent of ``total`` is done (log mode;
        ``None``: by time only).
    :param log: the logger of the log lines (default: this module's).
    :param initial_count: the ``count`` before this loop (env steps of a resumed training); the rate counts from here.
    """

    def __init__(self, total: float | None, unit: str = "item", desc: str = "", bar: bool | None = None,
                 file: IO[str] | None = None, initial: float = 0, rate_unit: str | None = None,
                 log_interval_s: float = DEFAULT_LOG_INTERVAL_S, log_every_percent: float | None = None,
                 log: logging.Logger | None = None, initial_count: float = 0.0) -> None:
        if total is not None and (isinstance(total, bool) or not isinstance(total, (int, float)) or total < 0):
            raise ValueError(f"Progress: total={total!r} is invalid: expected a number >= 0 or None")
        if log_interval_s <= 0:
            raise ValueError(f"Progress: log_interval_s={log_interval_s!r} is invalid: expected a number > 0")
        if log_every_percent is not None and not 0 < log_every_percent <= 100:
            raise ValueError(f"Progress: log_every_percent={log_every_percent!r} is invalid: expected a number in "
                             f"(0, 100] or None")
        self.total = total
        self.unit = unit
        self.desc = desc
        self.rate_unit = rate_unit
        self.log_interval_s = float(log_interval_s)
        self.log_every_percent = log_every_percent
        self.log = log if log is not None else logger
        self.n = float(initial)
        self.count = float(initial_count)
        self.postfix: dict[str, Any] = {}
        self._initial = float(initial)
        self._count0 = float(initial_count)
        self._start = time.monotonic()
        self._last_log = self._start
        self._logged = False
        self._bucket = self._percent_bucket()
        self._closed = False
        file = file if file is not None else sys.stderr
        self._bar = self._make_bar(file) if (bar if bar is not None else _is_terminal(file)) else None

    # ------------------------------------------------------------------ display
    def _make_bar(self, file: IO[str]) -> Any:
        try:
            from tqdm import tqdm
        except ImportError:  # tqdm missing: log lines instead
            return None
        known = self.total is not None
        bar_format = "{desc}  {percentage:3.0f}%|{bar:20}| [{elapsed}<{remaining}]" if known else "{desc} [{elapsed}]"
        return tqdm(total=self.total, initial=self.n, file=file, bar_format=bar_format, desc=self._text(eta=False),
                    dynamic_ncols=True, mininterval=0.2, smoothing=0.1, leave=True)

    @property
    def is_bar(self) -> bool:
        """Whether a tqdm bar is drawn (else progress is logged)."""
        return self._bar is not None

    @property
    def elapsed_s(self) -> float:
        """Seconds since the progress started."""
        return time.monotonic() - self._start

    def rate(self) -> float | None:
        """Average rate since the start: ``rate_unit`` per second (or units per second); ``None`` before any."""
        elapsed = self.elapsed_s
        if elapsed <= 0:
            return None
        if self.rate_unit is not None:
            if self.count <= self._count0:
                return None
            return (self.count - self._count0) / elapsed
        done = self.n - self._initial
        return done / elapsed if done > 0 else None

    def eta_s(self) -> float | None:
        """Estimated seconds to go (``None`` while unknown)."""
        done = self.n - self._initial
        if self.total is None or done <= 0:
            return None
        return max(self.total - self.n, 0.0) * self.elapsed_s / done

    def _text(self, eta: bool = True, final: bool = False) -> str:
        position = f"{self.unit} {_format_count(self.n)}"
        if self.total is not None:
            position += f"/{_format_count(self.total)}"
        parts = [f"{self.desc}  {position}" if self.desc else position]
        rate = self.rate()
        if rate is not None:
            parts.append(f"{_format_rate(rate)} {self.rate_unit or self.unit + 's'}/s")
        parts.extend(f"{name} {_format_value(value)}" for name, value in self.postfix.items())
        if final:
            parts.append(f"done in {format_duration(self.elapsed_s)}")
        elif eta:
            remaining = self.eta_s()
            parts.append(f"ETA {format_duration(remaining)}" if remaining is not None
                         else f"elapsed {format_duration(self.elapsed_s)}")
        return " | ".join(parts)

    def line(self) -> str:
        """The current one-line progress text (what a log line says)."""
        return self._text()

    def _percent_bucket(self) -> int:
        if self.log_every_percent is None or not self.total:
            return 0
        return int(100.0 * self.n / self.total // self.log_every_percent)

    # ------------------------------------------------------------------ updates
    def update(self, n: float = 1.0, count: float = 0.0, **postfix: Any) -> None:
        """``n`` more units done (and ``count`` more of ``rate_unit``); ``postfix`` values are shown after the rate."""
        self.update_to(self.n + n, count=self.count + count if count else None, **postfix)

    def update_to(self, n: float, count: float | None = None, **postfix: Any) -> None:
        """Set the position to ``n`` units (and the total ``count`` of ``rate_unit`` to ``count``)."""
        if self._closed:
            return
        if count is not None:
            self.count = float(count)
        if postfix:
            self.postfix.update(postfix)
        delta = float(n) - self.n
        self.n = float(n)
        if self._bar is not None:
            self._bar.set_description_str(self._text(eta=False), refresh=False)
            if delta:
                self._bar.update(delta)
            elif postfix:
                self._bar.refresh()
            return
        now = time.monotonic()
        bucket = self._percent_bucket()
        done = self.total is not None and self.n >= self.total
        if not done and (now - self._last_log >= self.log_interval_s or bucket > self._bucket):
            self._emit(self._text())
            self._last_log = now
        self._bucket = max(bucket, self._bucket)

    def set_postfix(self, **values: Any) -> None:
        """Values shown after the rate (e.g. ``eval=187.5``); a bar is redrawn at once."""
        self.update_to(self.n, **values)

    def _emit(self, text: str) -> None:
        self._logged = True
        self.log.info(text)

    def close(self) -> None:
        """End the progress: the bar stays on the terminal; in log mode a last line is logged if any was."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.set_description_str(self._text(eta=False), refresh=False)
            self._bar.close()
        elif self._logged:
            self._emit(self._text(final=True))

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
