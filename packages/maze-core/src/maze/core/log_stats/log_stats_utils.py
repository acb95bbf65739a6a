"""Helpers to set up statistics logging (writers for a run, a context manager for scripts)."""

from __future__ import annotations

import warnings
from typing import Any

from maze.core.log_stats.log_stats import (
    LogStatsWriter,
    increment_log_step,
    register_log_stats_writer,
    unregister_log_stats_writer,
)
from maze.core.log_stats.log_stats_writer_console import LogStatsWriterConsole
from maze.core.log_stats.log_stats_writer_tensorboard import LogStatsWriterTensorboard, tensorboard_available


def make_stats_writers(output_dir: str | None, console: bool = True, tensorboard: bool | None = None,
                       plugins: bool = True, tensorboard_render_figure: bool = False) -> list[LogStatsWriter]:
    """The statistics writers of a run (not registered anywhere): console, TensorBoard, plugins' writers.

    :param output_dir: the run's output directory (TensorBoard files go there); ``None``: no TensorBoard.
    :param console: add a :class:`LogStatsWriterConsole`.
    :param tensorboard: add a :class:`LogStatsWriterTensorboard` in ``output_dir``; ``None`` (default):
        only if the optional ``tensorboard`` package is installed; ``True``: required (ImportError if missing).
    :param plugins: add the writers that plugins return from the ``maze_stats_writers(output_dir)`` hook.
    :param tensorboard_render_figure: let the TensorBoard writer also render ``define_plot`` figures as images (by
        default statistics of value lists, e.g. actions, are histograms only).
    """
    writers: list[LogStatsWriter] = []
    if console:
        writers.append(LogStatsWriterConsole())
    if output_dir is not None and (tensorboard or (tensorboard is None and tensorboard_available())):
        writers.append(LogStatsWriterTensorboard(log_dir=output_dir, tensorboard_render_figure=tensorboard_render_figure))
    if plugins:
        from maze.core.plugins import get_plugin_manager

        for result in get_plugin_manager().call_lifecycle("maze_stats_writers", output_dir=output_dir):
            for writer in result if isinstance(result, (list, tuple)) else [result]:
                if isinstance(writer, LogStatsWriter):
                    writers.append(writer)
                else:
                    warnings.warn(f"maze_stats_writers hook returned {writer!r}, which is not a LogStatsWriter; "
                                  "it is ignored", stacklevel=2)
    return writers


def setup_stats_writers(output_dir: str | None, console: bool = True, tensorboard: bool | None = None,
                        plugins: bool = True) -> list[LogStatsWriter]:
    """Register the statistics writers of a run (:func:`make_stats_writers`) globally and return them (pass them
    to :func:`teardown_stats_writers`)."""
    writers = make_stats_writers(output_dir, console=console, tensorboard=tensorboard, plugins=plugins)
    for writer in writers:
        register_log_stats_writer(writer)
    return writers


def teardown_stats_writers(writers: list[LogStatsWriter]) -> None:
    """Unregister and close writers returned by :func:`setup_stats_writers`."""
    for writer in writers:
        unregister_log_stats_writer(writer)
        writer.close()


class SimpleStatsLoggingSetup:
    """Context manager for scripts: console (and TensorBoard) statistics of one LogStatsWrapper-wrapped env.

    On exit the running episode is counted (if it has steps), the epoch statistics are reduced and written
    (one table on the console), and the writers are unregistered::

        env = LogStatsWrapper.wrap(env, logging_prefix="main")
        with SimpleStatsLoggingSetup(env):
            obs, info = env.reset()
            for _ in range(15):
                obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

    :param env: the env wrapped in a :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper`.
    :param log_dir: also write TensorBoard files there (needs the optional ``tensorboard`` package).
    """

    def __init__(self, env: Any, log_dir: str | None = None) -> None:
        if not (hasattr(env, "write_epoch_stats") and hasattr(env, "finish_episode")):
            raise TypeError("SimpleStatsLoggingSetup needs an env wrapped in maze.core.wrappers.log_stats_wrapper."
                            f"LogStatsWrapper, got {type(env).__name__}")
        self.env = env
        self.log_dir = log_dir
        self.writers: list[LogStatsWriter] = []

    def __enter__(self) -> SimpleStatsLoggingSetup:
        self.writers = setup_stats_writers(self.log_dir, tensorboard=self.log_dir is not None, plugins=False)
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self.env.finish_episode()
            self.env.write_epoch_stats()
            increment_log_step()
        finally:
            teardown_stats_writers(self.writers)
