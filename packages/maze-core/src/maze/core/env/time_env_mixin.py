from __future__ import annotations

from abc import ABC, abstractmethod


class TimeEnvMixin(ABC):
    """Exposes the environment time (used by event logging)."""

    @abstractmethod
    def get_env_time(self) -> int:
        """Internal environment time as an integer (the core step counter by default)."""
