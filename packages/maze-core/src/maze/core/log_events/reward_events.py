"""Reward event topic, fired by the :class:`~maze.core.wrappers.monitoring_wrapper.MazeEnvMonitoringWrapper`.

Its statistics keep all values (``histogram``), shown as ``[len:N, μ:mean]`` on the console and as plots in
TensorBoard. (Also importable from :mod:`maze.core.env.base_env_events`.)
"""

from __future__ import annotations

from abc import ABC

from maze.core.log_events.log_create_figure_functions import create_categorical_plot
from maze.core.log_stats.event_decorators import define_episode_stats, define_epoch_stats, define_plot, define_step_stats
from maze.core.log_stats.reducer_functions import histogram

__all__ = ["RewardEvents"]


class RewardEvents(ABC):
    """Per-step rewards (``MazeEnvMonitoringWrapper(reward_logging=True)``)."""

    @define_plot(create_figure_function=create_categorical_plot, input_name=None)
    @define_epoch_stats(histogram)
    @define_episode_stats(histogram)
    @define_step_stats(histogram)
    def reward_original(self, value: float) -> None:
        """The reward returned by the MazeEnv (before reward wrappers)."""

    @define_plot(create_figure_function=create_categorical_plot, input_name=None)
    @define_epoch_stats(histogram)
    @define_episode_stats(histogram)
    @define_step_stats(histogram)
    def reward_processed(self, value: float) -> None:
        """The reward after reward wrappers (as seen by the monitoring wrapper)."""
