"""Action event topics, fired by the :class:`~maze.core.wrappers.monitoring_wrapper.MazeEnvMonitoringWrapper`.

Their statistics keep all values (``histogram``), shown as ``[len:N, μ:mean]`` on the console and as histograms
and plots in TensorBoard. (Also importable from :mod:`maze.core.env.base_env_events`.)
"""

from __future__ import annotations

from abc import ABC

import numpy as np

from maze.core.log_events.log_create_figure_functions import create_relative_bar_plot, create_violin_distribution
from maze.core.log_stats.event_decorators import (
    define_episode_stats,
    define_epoch_stats,
    define_plot,
    define_stats_grouping,
    define_step_stats,
)
from maze.core.log_stats.reducer_functions import histogram

__all__ = ["ActionEvents", "ContinuousActionEvents", "DiscreteActionEvents", "MultiBinaryActionEvents"]


class ActionEvents(ABC):
    """Common base of the action topics: subscribe to ``ActionEvents`` to receive all of them."""


class DiscreteActionEvents(ActionEvents):
    """Discrete (categorical) actions taken (``MazeEnvMonitoringWrapper(action_logging=True)``)."""

    @define_plot(create_figure_function=create_relative_bar_plot, input_name=None)
    @define_epoch_stats(histogram)
    @define_episode_stats(histogram)
    @define_step_stats(histogram)
    @define_stats_grouping("substep", "name")
    def action(self, substep: str, name: str, value: int, action_dim: int) -> None:
        """Action ``name`` of sub-step ``substep`` (``"substep_0"``) took ``value`` out of ``action_dim`` choices."""


class ContinuousActionEvents(ActionEvents):
    """Continuous (Box) actions taken."""

    @define_plot(create_figure_function=create_violin_distribution, input_name=None)
    @define_epoch_stats(histogram)
    @define_episode_stats(histogram)
    @define_step_stats(histogram)
    @define_stats_grouping("substep", "name")
    def action(self, substep: str, name: str, value: np.ndarray) -> None:
        """Continuous action ``name`` of sub-step ``substep``."""


class MultiBinaryActionEvents(ActionEvents):
    """Multi-binary actions taken."""

    @define_plot(create_figure_function=create_relative_bar_plot, input_name=None)
    @define_epoch_stats(histogram)
    @define_episode_stats(histogram)
    @define_step_stats(histogram)
    @define_stats_grouping("substep", "name")
    def action(self, substep: str, name: str, value: np.ndarray, num_binary_actions: int) -> None:
        """Multi-binary action ``name`` (a 0/1 vector of length ``num_binary_actions``)."""
