"""KPI calculation at episode end."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class KpiCalculator(ABC):
    """Computes key performance indicators from an episode's events, called once at episode end."""

    @abstractmethod
    def calculate_kpis(self, episode_event_log: Any, last_maze_state: Any) -> dict[str, float]:
        """Return ``{kpi_name: value}`` for the finished episode.

        :param episode_event_log: the events of the episode (an ``EpisodeEventLog`` with ``query_events``).
        :param last_maze_state: the final MazeState of the episode.
        """
