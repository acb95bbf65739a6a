"""Renderer base: renders a MazeState (and the MazeAction that followed it) with matplotlib."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class Renderer(ABC):
    """Renders recorded or live MazeStates; used by rollouts (``render=true``) and the trajectory viewer."""

    @abstractmethod
    def render(self, maze_state: Any, maze_action: Any | None, events: list | None = None, **kwargs: Any) -> Any:
        """Render one state. Keyword arguments are the renderer's args (see :meth:`get_args`)."""

    def get_args(self) -> list:
        """Renderer arguments that viewers may expose as widgets (none by default)."""
        return []
