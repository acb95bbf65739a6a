from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class RenderEnvMixin(ABC):
    """Rendering interface of environments."""

    @abstractmethod
    def render(self) -> Any:
        """Render the current state (gymnasium semantics: the mode is the env's ``render_mode``)."""
