"""Type aliases of env-specific state and action objects (any serializable object)."""

from typing import Any, TypeVar

MazeStateType = TypeVar("MazeStateType", bound=Any)
