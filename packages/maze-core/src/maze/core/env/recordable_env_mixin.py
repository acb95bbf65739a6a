from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class RecordableEnvMixin(ABC):
    """Exposes MazeState and MazeAction objects for trajectory recording."""

    @abstractmethod
    def get_episode_id(self) -> str:
        """ID of the current episode (a UUID string unless the env chooses otherwise)."""

    @abstractmethod
    def get_maze_state(self) -> Any:
        """The current MazeState."""

    @abstractmethod
    def get_maze_action(self) -> Any:
        """The last MazeAction taken."""

    @abstractmethod
    def get_renderer(self) -> Any:
        """A :class:`~maze.core.rendering.renderer.Renderer` able to render recorded states."""
