"""Statistics: event decorators, aggregation (step → episode → epoch), writers and the global log state.

Main entry points (import from the submodules or from here):

* decorators: ``define_step_stats``, ``define_episode_stats``, ``define_epoch_stats``, ``define_stats_grouping``,
  ``define_plot`` (:mod:`.event_decorators`); reducer ``histogram`` (:mod:`.reducer_functions`)
* ``LogStatsLevel``, ``LogStatsKey``, ``LogStatsAggregator``, ``LogStatsWriter``, ``LogStatsConsumer``,
  ``GlobalLogState``, ``register_log_stats_writer``, ``unregister_log_stats_writer``, ``log_stats``,
  ``increment_log_step``, ``get_stats_logger``, ``format_stats_tag``, ``flatten_stats`` (:mod:`.log_stats`)
* ``LogStatsWriterConsole`` (:mod:`.log_stats_writer_console`), ``LogStatsWriterTensorboard``
  (:mod:`.log_stats_writer_tensorboard`, needs the optional ``tensorboard`` package)
* ``LogStatsEnv`` (:mod:`.log_stats_env`), ``SimpleStatsLoggingSetup``, ``setup_stats_writers``
  (:mod:`.log_stats_utils`)
"""

from maze.core.log_stats.event_decorators import (
    define_episode_stats,
    define_epoch_stats,
    define_plot,
    define_stats_grouping,
    define_step_stats,
)
from maze.core.log_stats.log_stats import (
    GlobalLogState,
    LogStatsAggregator,
    LogStatsConsumer,
    LogStatsKey,
    LogStatsLevel,
    LogStatsWriter,
    flatten_stats,
    format_stats_tag,
    get_stats_logger,
    increment_log_step,
    log_stats,
    register_log_stats_writer,
    unregister_log_stats_writer,
)
from maze.core.log_stats.reducer_functions import histogram

__all__ = [
    "GlobalLogState", "LogStatsAggregator", "LogStatsConsumer", "LogStatsKey", "LogStatsLevel", "LogStatsWriter",
    "define_episode_stats", "define_epoch_stats", "define_plot", "define_stats_grouping", "define_step_stats",
    "flatten_stats", "format_stats_tag", "get_stats_logger", "histogram", "increment_log_step", "log_stats",
    "register_log_stats_writer", "unregister_log_stats_writer",
]
