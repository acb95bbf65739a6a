"""Statistics and event logging for rollout runners (sequential and parallel).

Sequential use (what ``SequentialRolloutRunner`` does)::

    stats = RolloutStatsLogging(env, output_dir, record_event_logs=True)   # registers writers
    env = stats.env            # the env wrapped in (monitoring and) LogStatsWrapper("rollout_stats")
    ... run episodes with env ...
    stats.finish()             # epoch stats → console table (+ TensorBoard) ; writers unregistered

Parallel runners aggregate in the main process: workers wrap their env with
``wrap_env_for_rollout_stats(env, logging_prefix=None)`` and send
``env.get_stats(LogStatsLevel.EPISODE).last_stats`` after every episode; the main process creates
``RolloutStatsLogging(None, output_dir, ...)`` and passes each received dict to :meth:`RolloutStatsLogging.receive`
(event logs: workers register their own ``LogEventsWriterTSV(<output_dir>/event_logs)``; files are append-safe).
"""

from __future__ import annotations

import os
from typing import Any

from maze.core.log_events.log_events_writer_registry import LogEventsWriterRegistry
from maze.core.log_events.log_events_writer_tsv import LogEventsWriterTSV
from maze.core.log_stats.log_stats import (
    GlobalLogState,
    LogStats,
    LogStatsAggregator,
    LogStatsLevel,
    get_stats_logger,
    increment_log_step,
)
from maze.core.log_stats.log_stats_utils import setup_stats_writers, teardown_stats_writers
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.monitoring_wrapper import MazeEnvMonitoringWrapper
from maze.core.wrappers.observation_visualization_wrapper import write_observation_figures_of

ROLLOUT_STATS_PREFIX = "rollout_stats"


def wrap_env_for_rollout_stats(env: Any, logging_prefix: str | None = ROLLOUT_STATS_PREFIX,
                               action_logging: bool = True) -> Any:
    """Wrap a Maze env for rollout statistics.

    Adds a :class:`~maze.core.wrappers.monitoring_wrapper.MazeEnvMonitoringWrapper` with action logging (so the
    table shows the action distribution, as in the docs) unless the stack already has one, then a
    :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper` with ``logging_prefix``.

    :param env: a MazeEnv or a wrapper stack over one (other envs only get the LogStatsWrapper).
    :param logging_prefix: prefix of the statistics (``None`` for worker processes that send episode stats).
    :param action_logging: add action monitoring when no monitoring wrapper is present.
    """
    if action_logging and not isinstance(env, MazeEnvMonitoringWrapper) and hasattr(env, "action_spaces_dict"):
        try:
            env = MazeEnvMonitoringWrapper.wrap(env, observation_logging=False, action_logging=True,
                                                reward_logging=False)
        except TypeError:  # not a Maze env stack: no monitoring
            pass
    return LogStatsWrapper.wrap(env, logging_prefix=logging_prefix)


class RolloutStatsLogging:
    """Statistics writers and event logging of one rollout run.

    Registers the console writer, a TensorBoard writer in ``output_dir`` (when the optional ``tensorboard``
    package is installed), the writers of ``maze_stats_writers`` plugins and, with ``record_event_logs``, a
    :class:`LogEventsWriterTSV` in ``<output_dir>/event_logs``.

    :param env: the env to wrap for statistics (``None`` in the main process of a parallel runner).
    :param output_dir: the run's output directory.
    :param record_event_logs: write raw event logs (TSV).
    :param logging_prefix: prefix of the statistics table/tags.
    :param tensorboard: ``None``: TensorBoard if available; ``True``/``False`` to force.
    """

    def __init__(self, env: Any, output_dir: str | None, record_event_logs: bool = False,
                 logging_prefix: str = ROLLOUT_STATS_PREFIX, tensorboard: bool | None = None) -> None:
        self.output_dir = output_dir
        self.logging_prefix = logging_prefix
        self.writers = setup_stats_writers(output_dir, tensorboard=tensorboard)
        self.event_writer: LogEventsWriterTSV | None = None
        if record_event_logs:
            self.event_writer = LogEventsWriterTSV(os.path.join(output_dir or ".", "event_logs"))
            LogEventsWriterRegistry.register_writer(self.event_writer)
        self.env = wrap_env_for_rollout_stats(env, logging_prefix) if env is not None else None
        #: main-process epoch aggregator for episode stats received from workers
        self.epoch_stats = LogStatsAggregator(LogStatsLevel.EPOCH, get_stats_logger(logging_prefix))
        self._finished = False

    def add_run_text(self, config: Any) -> None:
        """Write the composed config and the command line as TensorBoard TEXT (no-op without TensorBoard)."""
        import sys

        from omegaconf import OmegaConf

        text = OmegaConf.to_yaml(config) if OmegaConf.is_config(config) else str(config)
        for writer in self.writers:
            add_text = getattr(writer, "add_text", None)
            if callable(add_text):
                add_text("job_config", "```\n" + text + "\n```")
                add_text("command", " ".join(["maze-run", *sys.argv[1:]]))

    def receive(self, episode_stats: LogStats) -> None:
        """Add the episode statistics of a worker's episode (``get_stats(EPISODE).last_stats``)."""
        self.epoch_stats.receive(episode_stats)

    def finish(self) -> LogStats:
        """Reduce the epoch statistics, write them (console table, TensorBoard) and unregister the writers.

        :return: the epoch statistics (also available as ``env.get_stats(LogStatsLevel.EPOCH).last_stats``).
        """
        if self._finished:
            return {}
        self._finished = True
        stats: LogStats = {}
        try:
            if self.env is not None:
                self.env.finish_episode()
                self.env.write_epoch_stats()
                stats = self.env.get_stats(LogStatsLevel.EPOCH).last_stats or {}
            if self.epoch_stats.has_inputs():
                stats = self.epoch_stats.reduce()
            if self.env is not None:  # pictures of an ObservationVisualizationWrapper → TensorBoard IMAGES
                write_observation_figures_of(self.env, self.writers, GlobalLogState.global_step)
            increment_log_step()
        finally:
            self.close()
        return stats

    def close(self) -> None:
        """Unregister and close writers without writing (idempotent)."""
        teardown_stats_writers(self.writers)
        self.writers = []
        if self.event_writer is not None:
            LogEventsWriterRegistry.unregister_writer(self.event_writer)
            self.event_writer = None

    def __enter__(self) -> RolloutStatsLogging:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is None:
            self.finish()
        else:
            self.close()
