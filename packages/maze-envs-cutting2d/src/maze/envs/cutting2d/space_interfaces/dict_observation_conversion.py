"""Cutting-2D MazeState → dict observation."""

from __future__ import annotations

from typing import Sequence

import gymnasium as gym
import numpy as np

from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.envs.cutting2d.env.inventory import _check_size
from maze.envs.cutting2d.env.maze_state import Cutting2DMazeState


class ObservationConversion(ObservationConversionInterface):
    """Dict observation of the Cutting-2D env.

    * ``inventory``: ``(max_pieces_in_inventory, 2)`` float32, the inventory pieces oldest first, padded with zeros,
    * ``inventory_size``: ``(1,)`` float32, the number of pieces in inventory,
    * ``ordered_piece``: ``(2,)`` float32, the current order.

    Every observation holds fresh arrays (the env never changes them afterwards).

    :param raw_piece_size: ``[x, y]`` size of a raw piece (bounds of the space).
    :param max_pieces_in_inventory: inventory capacity.
    """

    def __init__(self, raw_piece_size: Sequence[int], max_pieces_in_inventory: int) -> None:
        self.raw_piece_size = _check_size("raw_piece_size", raw_piece_size)
        if int(max_pieces_in_inventory) < 1:
            raise ValueError(f"max_pieces_in_inventory must be >= 1, got {max_pieces_in_inventory!r}")
        self.max_pieces_in_inventory = int(max_pieces_in_inventory)
        n, (rx, ry) = self.max_pieces_in_inventory, self.raw_piece_size
        high = np.empty((n, 2), dtype=np.float32)
        high[:, 0], high[:, 1] = rx + 1, ry + 1
        self._space = gym.spaces.Dict({
            "inventory": gym.spaces.Box(low=np.zeros((n, 2), dtype=np.float32), high=high, dtype=np.float32),
            "inventory_size": gym.spaces.Box(low=np.float32(0), high=np.float32(n + 1), shape=(1,), dtype=np.float32),
            "ordered_piece": gym.spaces.Box(low=np.float32(0), high=np.float32(max(rx, ry) + 1), shape=(2,),
                                            dtype=np.float32),
        })

    def maze_to_space(self, maze_state: Cutting2DMazeState) -> dict[str, np.ndarray]:
        demand = maze_state.current_demand
        return {
            "inventory": maze_state.inventory_array.copy(),
            "inventory_size": np.array((len(maze_state.inventory),), dtype=np.float32),
            "ordered_piece": np.array(demand, dtype=np.float32),
        }

    def space_to_maze(self, observation: dict[str, np.ndarray]) -> Cutting2DMazeState:
        """Rebuild a MazeState from an observation (the inventory is truncated to ``inventory_size``)."""
        n = int(np.asarray(observation["inventory_size"]).reshape(-1)[0])
        inventory = [tuple(int(v) for v in row) for row in np.asarray(observation["inventory"])[:n]]
        demand = tuple(int(v) for v in np.asarray(observation["ordered_piece"]).reshape(-1))
        return Cutting2DMazeState(inventory, self.max_pieces_in_inventory, demand, self.raw_piece_size)

    def space(self) -> gym.spaces.Dict:
        return self._space
