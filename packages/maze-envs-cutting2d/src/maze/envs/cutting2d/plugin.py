"""maze-envs-cutting2d's plugin module."""

from __future__ import annotations

from maze.core.plugins import hookimpl


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze.envs.cutting2d.conf"]
