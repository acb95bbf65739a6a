"""Statistics logging from plain Python scripts (console and TensorBoard writers, registered globally)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from maze.core.log_stats.log_stats import LogStatsWriter, register_log_stats_writer
from maze.core.log_stats.log_stats_utils import SimpleStatsLoggingSetup
from maze.core.log_stats.log_stats_writer_console import LogStatsWriterConsole
from maze.core.log_stats.log_stats_writer_tensorboard import LogStatsWriterTensorboard

__all__ = ["SimpleStatsLoggingSetup", "default_log_dir", "setup_logging"]


def default_log_dir(base_dir: str = "outputs") -> str:
    """The log directory derived from the running script's name: ``<base_dir>/<script name without suffix>``."""
    script = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] not in ("", "-c") else ""
    return os.path.join(base_dir, script or "python")


def setup_logging(job_config: Any = None, log_dir: str | None = None) -> list[LogStatsWriter]:
    """Set up console and TensorBoard statistics logging for a script (writers are registered globally).

    Statistics logged from now on (e.g. by a trainer or a ``LogStatsWrapper``'s ``write_epoch_stats``) are printed to
    the console and written as TensorBoard events into ``log_dir``; ``job_config`` is written as TensorBoard TEXT.

    :param job_config: the experiment configuration to record (a mapping or OmegaConf config), or ``None``.
    :param log_dir: the TensorBoard directory; ``None`` derives it from the script name (:func:`default_log_dir`).
    :return: the registered writers (unregister and close them with
        :func:`~maze.core.log_stats.log_stats_utils.teardown_stats_writers` when done).
    :raises ImportError: if the optional ``tensorboard`` package is not installed.
    """
    log_dir = log_dir or default_log_dir()
    tensorboard = LogStatsWriterTensorboard(log_dir=log_dir)
    if job_config is not None:
        tensorboard.add_text("job_config", _config_text(job_config))
    writers: list[LogStatsWriter] = [LogStatsWriterConsole(), tensorboard]
    for writer in writers:
        register_log_stats_writer(writer)
    return writers


def _config_text(job_config: Any) -> str:
    try:
        from omegaconf import OmegaConf

        return "```\n" + OmegaConf.to_yaml(OmegaConf.create(job_config)) + "```"
    except (ImportError, ValueError):
        return str(job_config)
