"""Renderer base: renders a MazeState (and the MazeAction that followed it) with matplotlib."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any


class Renderer(ABC):
    """Renders recorded or live MazeStates; used by rollouts (``render=true``) and the trajectory viewer."""

    @abstractmethod
    def render(self, maze_state: Any, maze_action: Any | None, events: list | None = None, **kwargs: Any) -> Any:
        """Render one state. Keyword arguments are the renderer's args (see :meth:`get_args`)."""

    def get_args(self) -> list:
        """Renderer arguments that viewers may expose as widgets (none by default)."""
        return []

    def describe_maze_action(self, maze_state: Any, maze_action: Any | None) -> str:
        """The MazeAction's values in words, for captions of viewers (``piece 3 (4×3), rotate=False, ...``).

        The default lists the action's fields (see :func:`format_maze_action`); renderers may say more with the state.
        """
        return format_maze_action(maze_action)


def format_maze_action(maze_action: Any | None) -> str:
    """``name=value`` pairs of a MazeAction's fields (dataclass fields, ``__slots__``, a mapping or its attributes);
    ``repr`` for anything else, ``"no action"`` for ``None``."""
    if maze_action is None:
        return "no action"
    if dataclasses.is_dataclass(maze_action) and not isinstance(maze_action, type):
        values = {f.name: getattr(maze_action, f.name) for f in dataclasses.fields(maze_action)}
    elif isinstance(maze_action, Mapping):
        values = dict(maze_action)
    elif getattr(type(maze_action), "__slots__", None):
        slots = type(maze_action).__slots__
        values = {name: getattr(maze_action, name) for name in ([slots] if isinstance(slots, str) else slots) if hasattr(maze_action, name)}
    elif hasattr(maze_action, "__dict__") and vars(maze_action):
        values = {k: v for k, v in vars(maze_action).items() if not k.startswith("_")}
    else:
        return repr(maze_action)
    return ", ".join(f"{name}={_short(value)}" for name, value in values.items())


def _short(value: Any) -> str:
    text = repr(value.tolist() if hasattr(value, "tolist") else value)
    return text if len(text) <= 40 else text[:37] + "..."
