"""KPIs of the Cutting-2D env."""

from __future__ import annotations

from typing import Any

from maze.core.log_events.kpi_calculator import KpiCalculator
from maze.envs.cutting2d.env.events import InventoryEvents


class Cutting2dKpiCalculator(KpiCalculator):
    """KPIs of the Cutting-2D env, computed once at episode end.

    * ``raw_piece_usage_per_step``: raw pieces replenished during the episode divided by its number of
      (core) steps. Replenishments fired during ``reset`` (the initial raw piece) count if the episode
      event log contains them.
    """

    def calculate_kpis(self, episode_event_log: Any, last_maze_state: Any) -> dict[str, float]:
        step_count = len(episode_event_log.step_event_logs)
        raw_piece_usage = sum(1 for _ in episode_event_log.query_events(InventoryEvents.piece_replenished))
        return {"raw_piece_usage_per_step": raw_piece_usage / step_count if step_count else 0.0}
