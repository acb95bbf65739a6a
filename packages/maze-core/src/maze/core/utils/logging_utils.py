"""Logging in Maze: module loggers, the plain console, the run's log file, worker processes.

Every Maze module logs through its module logger (``logging.getLogger(__name__)``, all below the ``maze``
logger): statistics tables, epoch headers, episode lines, progress lines, warnings and errors. What the console
shows is therefore what a log file receives.

* **maze-run**: Hydra configures logging from ``hydra/job_logging``; Maze's root configs select ``maze``
  (``maze/core/conf/hydra/job_logging/maze.yaml``): the console shows the bare message (:class:`ConsoleHandler`:
  records below WARNING on stdout, WARNING and above on stderr) and ``<run dir>/<job name>.log`` (``cli.log``)
  receives every record with time, logger and level. Python ``warnings`` are captured into logging
  (:func:`configure_run_logging`). Levels: ``MAZE_LOG_LEVEL=WARNING`` (the root level; default INFO),
  ``hydra.verbose=true`` (DEBUG everywhere), ``hydra.verbose=[maze.train]`` (DEBUG for some loggers), or any
  ``hydra.job_logging.*`` override; ``hydra/job_logging=default`` restores Hydra's own format.
* **Plain Python** (scripts, notebooks) where no logging is configured: the ``maze`` logger has a console handler
  of its own (installed when this module is imported; level ``MAZE_LOG_LEVEL`` or INFO), so scripts show the same
  console output as ``maze-run``. It stays silent while the root logger has a console handler
  (``logging.basicConfig``, Hydra), so nothing is shown twice.
* **Worker processes** forward their records to the main process (:func:`forward_logs_to` in the worker,
  :func:`handle_forwarded_record` in the main process), whose handlers (console, log file) write them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import IO, Any

__all__ = ["ENV_LOG_LEVEL", "LEVEL_NAMES", "ConsoleHandler", "configure_run_logging", "forward_logs_to",
           "handle_forwarded_record", "install_default_console", "log_level_from_env"]

#: environment variable with the log level of Maze runs (``DEBUG``, ``INFO``, ``WARNING``, ``ERROR``, ``CRITICAL``)
ENV_LOG_LEVEL = "MAZE_LOG_LEVEL"
#: the level names :data:`ENV_LOG_LEVEL` accepts
LEVEL_NAMES = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: the logger all Maze module loggers live under
MAZE_LOGGER = "maze"


def log_level_from_env(default: str = "INFO") -> str:
    """The level name in :data:`ENV_LOG_LEVEL` (case-insensitive; ``WARN`` means ``WARNING``), or ``default``.

    :raises ValueError: naming the variable, its value and the valid names.
    """
    raw = os.environ.get(ENV_LOG_LEVEL, "").strip()
    if not raw:
        return default
    name = raw.upper()
    name = "WARNING" if name == "WARN" else name
    if name not in LEVEL_NAMES:
        raise ValueError(f"{ENV_LOG_LEVEL}={raw!r} is invalid: expected one of {', '.join(LEVEL_NAMES)}")
    return name


def _level_number(level: int | str) -> int:
    if isinstance(level, int):
        return level
    number = logging.getLevelName(str(level).upper())
    if not isinstance(number, int):
        raise ValueError(f"unknown log level {level!r}: expected one of {', '.join(LEVEL_NAMES)} or a number")
    return number


def _bars_paused(stream: IO[str]) -> Any:
    """Clear tqdm progress bars on the console while a message is written (redrawn afterwards)."""
    tqdm_module = sys.modules.get("tqdm")
    tqdm_class = getattr(tqdm_module, "tqdm", None)
    if tqdm_class is None or not getattr(tqdm_class, "_instances", None):
        return contextlib.nullcontext()
    return tqdm_class.external_write_mode(file=stream)


class ConsoleHandler(logging.StreamHandler):
    """Console output of Maze: the bare message (``%(message)s`` unless another formatter is set); records below
    ``error_level`` go to ``stream``, the others to ``error_stream``. Progress bars on the console are cleared for
    the message and drawn again after it.

    :param stream: where normal records go (default: ``sys.stdout`` at the time of each record).
    :param error_stream: where warnings and errors go (default: ``sys.stderr`` at the time of each record).
    :param error_level: the lowest level that goes to ``error_stream``.
    """

    def __init__(self, stream: IO[str] | None = None, error_stream: IO[str] | None = None,
                 error_level: int | str = logging.WARNING) -> None:
        super().__init__(stream if stream is not None else sys.stdout)
        self._out = stream
        self._err = error_stream
        self.error_level = _level_number(error_level)
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        """Write ``record`` to the stream of its level (called under the handler's lock)."""
        if record.levelno >= self.error_level:
            self.stream = self._err if self._err is not None else sys.stderr
        else:
            self.stream = self._out if self._out is not None else sys.stdout
        with _bars_paused(self.stream):
            super().emit(record)


class _DefaultConsoleHandler(ConsoleHandler):
    """Maze's console where the application configured no logging: silent while the root logger has a console."""

    def emit(self, record: logging.LogRecord) -> None:
        if not _root_has_console():
            super().emit(record)


def _root_has_console() -> bool:
    consoles = (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, ConsoleHandler):
            return True
        if (isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
                and getattr(handler, "stream", None) in consoles):
            return True
    return False


def install_default_console() -> None:
    """Give the ``maze`` logger its console handler and level (``MAZE_LOG_LEVEL``, default INFO) unless it has them.

    Called when this module is imported; calling it again does nothing. An invalid ``MAZE_LOG_LEVEL`` means INFO here
    (``maze-run`` refuses it with an error).
    """
    maze_logger = logging.getLogger(MAZE_LOGGER)
    if any(isinstance(h, _DefaultConsoleHandler) for h in maze_logger.handlers):
        return
    if maze_logger.level == logging.NOTSET:
        try:
            level = log_level_from_env()
        except ValueError:  # reported by maze-run (exit code 2); plain Python falls back to INFO
            level = "INFO"
        maze_logger.setLevel(level)
    maze_logger.addHandler(_DefaultConsoleHandler())


def _remove_default_console() -> bool:
    maze_logger = logging.getLogger(MAZE_LOGGER)
    default = [h for h in maze_logger.handlers if isinstance(h, _DefaultConsoleHandler)]
    for handler in default:
        maze_logger.removeHandler(handler)
    if default:
        maze_logger.setLevel(logging.NOTSET)  # the application's levels (root, hydra.verbose) apply
    return bool(default)


def configure_run_logging() -> None:
    """Prepare logging for a run once the application configured it (``maze-run``: Hydra's job logging).

    Python ``warnings`` are captured into logging (logger ``py.warnings``), so they reach the run's log file. When the
    root logger has a console handler, Maze's own console handler is removed and the ``maze`` logger takes the
    application's levels; a ``maze`` logger that the logging config names keeps what the config gave it.
    """
    logging.captureWarnings(True)
    if _root_has_console():
        _remove_default_console()


def forward_logs_to(queue: Any, level: int | str) -> None:
    """In a worker process: send every record of ``level`` and above (and captured warnings) to ``queue``.

    The main process reads the records from the queue and passes them to :func:`handle_forwarded_record`. Records
    are formatted in the worker (arguments and tracebacks become text), so any record can be sent.

    :param queue: a multiprocessing queue shared with the main process.
    :param level: the lowest level to forward (e.g. the main process's ``logging.getLogger("maze").getEffectiveLevel()``).
    """
    from logging.handlers import QueueHandler

    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    _remove_default_console()
    root.addHandler(QueueHandler(queue))
    root.setLevel(level)
    logging.captureWarnings(True)


def handle_forwarded_record(record: logging.LogRecord) -> None:
    """In the main process: pass a record forwarded by a worker (:func:`forward_logs_to`) to this process's handlers,
    if its logger is enabled for the record's level here."""
    logger = logging.getLogger(record.name)
    if logger.isEnabledFor(record.levelno):
        logger.handle(record)


install_default_console()
