"""Event topics that apply to every env: rewards and KPIs, observations, actions and rewards (monitoring).

* :class:`BaseEnvEvents` — fired by the :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper`
  (``reward`` per step, ``kpi`` per episode from the env's KpiCalculator). Its epoch statistics are the reward
  and step-count table rows (``mean``, ``std``, ``min``, ``max``, ``episode_count``, ``total_episode_count``,
  ``total_step_count``, ``mean_step_count``, ``median_step_count``) and ``mean/std/min/max`` per KPI.
* :class:`ObservationEvents`, :class:`DiscreteActionEvents`, :class:`ContinuousActionEvents`,
  :class:`MultiBinaryActionEvents`, :class:`RewardEvents` — fired by the
  :class:`~maze.core.wrappers.monitoring_wrapper.MazeEnvMonitoringWrapper`; their statistics keep all values
  (``histogram``), shown as ``[len:N, μ:mean]`` on the console and as histograms/images in TensorBoard.
"""

from __future__ import annotations

from abc import ABC

import numpy as np

from maze.core.log_events.log_create_figure_functions import (
    create_categorical_plot,
    create_relative_bar_plot,
    create_violin_distribution,
)
from maze.core.log_stats.event_decorators import (
    define_episode_stats,
    define_epoch_stats,
    define_plot,
    define_stats_grouping,
    define_step_stats,
)
from maze.core.log_stats.reducer_functions import histogram


def _nanmean(values):  # noqa: ANN001 - reducers take lists
    return float(np.nanmean(values)) if len(values) else float("nan")


def _nanstd(values):  # noqa: ANN001
    return float(np.nanstd(values)) if len(values) else float("nan")


def _nanmin(values):  # noqa: ANN001
    return float(np.nanmin(values)) if len(values) else float("nan")


def _nanmax(values):  # noqa: ANN001
    return float(np.nanmax(values)) if len(values) else float("nan")


def _nanmedian(values):  # noqa: ANN001
    return float(np.nanmedian(values)) if len(values) else float("nan")


class BaseEnvEvents(ABC):
    """Events of any env: the step reward and the episode KPIs."""

    @define_epoch_stats(_nanmax, input_name="sum", output_name="max")
    @define_epoch_stats(_nanmin, input_name="sum", output_name="min")
    @define_epoch_stats(_nanmean, input_name="sum", output_name="mean")
    @define_epoch_stats(_nanstd, input_name="sum", output_name="std")
    @define_epoch_stats(len, input_name="sum", output_name="episode_count")
    @define_epoch_stats(len, input_name="sum", output_name="total_episode_count", cumulative=True)
    @define_epoch_stats(sum, input_name="count", output_name="total_step_count", cumulative=True)
    @define_epoch_stats(_nanmean, input_name="count", output_name="mean_step_count")
    @define_epoch_stats(_nanmedian, input_name="count", output_name="median_step_count")
    @define_episode_stats(sum, output_name="sum")
    @define_episode_stats(len, output_name="count")
    @define_step_stats(sum)
    def reward(self, value: float) -> None:
        """The reward of a (core) step. Episode stats: ``sum`` (return) and ``count`` (steps)."""

    @define_epoch_stats(_nanmean, output_name="mean")
    @define_epoch_stats(_nanstd, output_name="std")
    @define_epoch_stats(_nanmin, output_name="min")
    @define_epoch_stats(_nanmax, output_name="max")
    @define_episode_stats(None)
    @define_stats_grouping("name")
    def kpi(self, name: str, value: float) -> None:
        """A KPI value of an episode (reported once per episode by the KpiCalculator)."""


class ObservationEvents(ABC):
    """Observation values seen by the agent (``MazeEnvMonitoringWrapper(observation_logging=True)``)."""

    @define_epoch_stats(histogram)
    @define_episode_stats(histogram)
    @define_step_stats(histogram)
    @define_stats_grouping("step_key", "name")
    def observation_processed(self, step_key: str, name: str, value: np.ndarray) -> None:
        """Observation ``name`` of sub-step ``step_key`` after pre-processing/normalization wrappers."""

    @define_epoch_stats(histogram)
    @define_episode_stats(histogram)
    @define_step_stats(histogram)
    @define_stats_grouping("step_key", "name")
    def observation_original(self, step_key: str, name: str, value: np.ndarray) -> None:
        """Observation ``name`` of sub-step ``step_key`` as produced by the MazeEnv's observation conversion."""


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
