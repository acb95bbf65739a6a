from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from maze.core.events.event_record import EventRecord
    from maze.core.log_events.kpi_calculator import KpiCalculator


class EventEnvMixin(ABC):
    """Attaches env events to the statistics system."""

    @abstractmethod
    def get_step_events(self) -> Iterable[EventRecord]:
        """All events recorded during the current step."""

    @abstractmethod
    def get_kpi_calculator(self) -> KpiCalculator | None:
        """A KPI calculator called at episode end, or ``None`` if the env has no KPIs."""
