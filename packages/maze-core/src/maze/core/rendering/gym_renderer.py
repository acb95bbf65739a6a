"""Renderer for GymMazeEnvs: delegates to the gymnasium env's own render (rgb_array when available)."""

from __future__ import annotations

from typing import Any

from maze.core.rendering.renderer import Renderer


class GymRenderer(Renderer):
    """Renders the live gymnasium env; recorded gym states cannot be re-rendered."""

    def __init__(self, env: Any) -> None:
        self.env = env

    def render(self, maze_state: Any, maze_action: Any | None, events: list | None = None, **kwargs: Any) -> Any:
        if getattr(self.env, "render_mode", None) is None:
            return None
        return self.env.render()
