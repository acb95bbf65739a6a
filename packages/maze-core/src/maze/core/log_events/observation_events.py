"""Observation event topic, fired by the :class:`~maze.core.wrappers.monitoring_wrapper.MazeEnvMonitoringWrapper`.

Its statistics keep all values (``histogram``), shown as ``[len:N, μ:mean]`` on the console and as histograms in
TensorBoard. (Also importable from :mod:`maze.core.env.base_env_events`.)
"""

from __future__ import annotations

from abc import ABC

import numpy as np

from maze.core.log_stats.event_decorators import (
    define_episode_stats,
    define_epoch_stats,
    define_stats_grouping,
    define_step_stats,
)
from maze.core.log_stats.reducer_functions import histogram

__all__ = ["ObservationEvents"]


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
