"""Action → MazeAction conversion."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Union

import gymnasium as gym
import numpy as np

#: An action as agents produce it: a dict of ints (``Discrete``) or numpy arrays, keyed like the action space.
ActionType = Dict[str, Union[int, np.ndarray]]


class ActionConversionInterface(ABC):
    """Converts agent actions (dicts of a gymnasium Dict space) into MazeActions and back."""

    @abstractmethod
    def space_to_maze(self, action: ActionType, maze_state: Any) -> Any:
        """Convert an agent action into a MazeAction, given the current MazeState."""

    def maze_to_space(self, maze_action: Any) -> ActionType:
        """Convert a MazeAction back into an agent action (used to replay recorded trajectories)."""
        raise NotImplementedError(f"{type(self).__name__} cannot convert MazeActions back to actions")

    def noop_action(self) -> ActionType:
        """An action that does nothing, if the env has one."""
        raise NotImplementedError(f"{type(self).__name__} has no noop action")

    @abstractmethod
    def space(self) -> gym.spaces.Dict:
        """The action space."""
