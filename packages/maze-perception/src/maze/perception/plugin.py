"""maze-perception's plugin module (blocks and distributions are registered through its own hookspecs)."""

from __future__ import annotations

from maze.core.plugins import hookimpl


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze.perception.conf"]
