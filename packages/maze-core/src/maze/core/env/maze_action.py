from typing import Any, TypeVar

MazeActionType = TypeVar("MazeActionType", bound=Any)
