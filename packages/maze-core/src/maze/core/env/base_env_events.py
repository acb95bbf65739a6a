"""Event topics that apply to every env: rewards and KPIs, observations, actions and rewards (monitoring).

* :class:`BaseEnvEvents` — fired by the :class:`~maze.core.wrappers.log_stats_wrapper.LogStatsWrapper`
  (``reward`` per step, ``kpi`` per episode from the env's KpiCalculator). Its epoch statistics are the reward
  and step-count table rows (``mean``, ``std``, ``min``, ``max``, ``episode_count``, ``total_episode_count``,
  ``total_step_count``, ``mean_step_count``, ``median_step_count``) and ``mean/std/min/max`` per KPI.
* :class:`ObservationEvents`, :class:`DiscreteActionEvents`, :class:`ContinuousActionEvents`,
  :class:`MultiBinaryActionEvents`, :class:`RewardEvents` — fired by the
  :class:`~maze.core.wrappers.monitoring_wrapper.MazeEnvMonitoringWrapper`; their statistics keep all values
  (``histogram``), shown as ``[len:N, μ:mean]`` on the console and as histograms/images in TensorBoard. They are
  defined in :mod:`maze.core.log_events.observation_events`, :mod:`~maze.core.log_events.action_events` and
  :mod:`~maze.core.log_events.reward_events` and re-exported here.
"""

from __future__ import annotations

from abc import ABC

import numpy as np

# The monitoring topics live in the log_events layer (below env); re-exported here for the documented paths.
from maze.core.log_events.action_events import (
    ActionEvents,
    ContinuousActionEvents,
    DiscreteActionEvents,
    MultiBinaryActionEvents,
)
from maze.core.log_events.observation_events import ObservationEvents
from maze.core.log_events.reward_events import RewardEvents
from maze.core.log_stats.event_decorators import (
    define_episode_stats,
    define_epoch_stats,
    define_stats_grouping,
    define_step_stats,
)

__all__ = [
    "ActionEvents",
    "BaseEnvEvents",
    "ContinuousActionEvents",
    "DiscreteActionEvents",
    "MultiBinaryActionEvents",
    "ObservationEvents",
    "RewardEvents",
]


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
