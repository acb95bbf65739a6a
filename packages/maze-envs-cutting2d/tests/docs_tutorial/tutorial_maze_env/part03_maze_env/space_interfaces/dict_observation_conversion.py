"""Tutorial part 3: Cutting-2D MazeState -> dict observation."""

import gymnasium as gym
import numpy as np

from maze.core.annotations import override
from maze.core.env.observation_conversion import ObservationConversionInterface

from ..env.maze_state import Cutting2DMazeState


class ObservationConversion(ObservationConversionInterface):
    """Observations ``inventory`` (all slots, empty ones zero), ``inventory_size`` and ``ordered_piece``.

    :param raw_piece_size: size of a raw piece (bounds of the space).
    :param max_pieces_in_inventory: inventory capacity.
    """

    def __init__(self, raw_piece_size: tuple[int, int], max_pieces_in_inventory: int):
        self.max_pieces_in_inventory = max_pieces_in_inventory
        self.raw_piece_size = raw_piece_size

    @override(ObservationConversionInterface)
    def maze_to_space(self, maze_state: Cutting2DMazeState) -> dict[str, np.ndarray]:
        """The observation of ``maze_state``."""
        inventory = np.zeros((self.max_pieces_in_inventory, 2), dtype=np.float32)
        if maze_state.inventory:
            inventory[:len(maze_state.inventory)] = maze_state.inventory
        return {"inventory": inventory,
                "inventory_size": np.asarray([len(maze_state.inventory)], dtype=np.float32),
                "ordered_piece": np.asarray(maze_state.current_demand, dtype=np.float32)}

    @override(ObservationConversionInterface)
    def space_to_maze(self, observation: dict[str, np.ndarray]) -> Cutting2DMazeState:
        """Not needed in this example."""
        raise NotImplementedError

    @override(ObservationConversionInterface)
    def space(self) -> gym.spaces.Dict:
        """The dict observation space: ``inventory`` (N x 2), ``inventory_size`` (1,), ``ordered_piece`` (2,)."""
        high = np.vstack([[self.raw_piece_size[0] + 1, self.raw_piece_size[1] + 1]] * self.max_pieces_in_inventory)
        return gym.spaces.Dict({
            "inventory": gym.spaces.Box(low=np.zeros((self.max_pieces_in_inventory, 2), dtype=np.float32),
                                        high=high.astype(np.float32), dtype=np.float32),
            "inventory_size": gym.spaces.Box(low=np.float32(0), high=np.float32(self.max_pieces_in_inventory + 1),
                                             shape=(1,), dtype=np.float32),
            "ordered_piece": gym.spaces.Box(low=np.float32(0), high=np.float32(max(self.raw_piece_size) + 1),
                                            shape=(2,), dtype=np.float32),
        })
