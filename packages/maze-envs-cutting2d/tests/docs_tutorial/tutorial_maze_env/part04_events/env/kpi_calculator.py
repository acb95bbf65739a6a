"""Tutorial part 4: the KPI of the Cutting-2D env, raw pieces used per step."""

from maze.core.env.maze_state import MazeStateType
from maze.core.log_events.episode_event_log import EpisodeEventLog
from maze.core.log_events.kpi_calculator import KpiCalculator

from .events import InventoryEvents


class Cutting2dKpiCalculator(KpiCalculator):
    """KPIs of the Cutting-2D env: ``raw_piece_usage_per_step``."""

    def calculate_kpis(self, episode_event_log: EpisodeEventLog, last_maze_state: MazeStateType) -> dict[str, float]:
        """Raw pieces replenished during the episode, divided by its number of steps."""
        step_count = len(episode_event_log.step_event_logs)
        raw_piece_usage = sum(1 for _ in episode_event_log.query_events(InventoryEvents.piece_replenished))
        return {"raw_piece_usage_per_step": raw_piece_usage / step_count}
