from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class SerializableEnvMixin(ABC):
    """Exposes env components to serialize next to the state (e.g. in trajectory data)."""

    @abstractmethod
    def get_serializable_components(self) -> dict[str, Any]:
        """``{name: component}`` of picklable components (no references to live event topics)."""
