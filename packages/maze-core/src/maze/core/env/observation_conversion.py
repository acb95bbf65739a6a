"""MazeState → observation conversion."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict

import gymnasium as gym
import numpy as np

#: An observation as agents see it: a dict of (numpy) values, keyed like the observation space's ``Dict`` entries.
ObservationType = Dict[str, np.ndarray]


class ObservationConversionInterface(ABC):
    """Converts MazeStates into observations of a gymnasium Dict space (and back, where possible)."""

    @abstractmethod
    def maze_to_space(self, maze_state: Any) -> ObservationType:
        """Convert a MazeState to an observation dict."""

    def space_to_maze(self, observation: ObservationType) -> Any:
        """Convert an observation back to a MazeState (not possible for most conversions)."""
        raise NotImplementedError(f"{type(self).__name__} cannot convert observations back to MazeStates")

    @abstractmethod
    def space(self) -> gym.spaces.Dict:
        """The observation space."""
