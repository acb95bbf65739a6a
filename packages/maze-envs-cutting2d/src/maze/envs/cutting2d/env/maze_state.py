"""The MazeState of the Cutting-2D env."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from maze.core.trajectory_recording.serialization import register_trajectory_class


class Cutting2DMazeState:
    """Snapshot of the Cutting-2D env: inventory, pending order and problem constants.

    A state is never changed by the env after it was returned, so it can be stored (trajectory
    recording) as it is.

    :param inventory: the pieces in inventory, oldest first, as ``(x, y)`` tuples (copied).
    :param max_pieces_in_inventory: inventory capacity.
    :param current_demand: the ``(x, y)`` piece ordered in the current step.
    :param raw_piece_size: the ``(x, y)`` size of a raw (full-size) piece.
    :param inventory_array: optional ``(max_pieces_in_inventory, 2)`` float32 array of the inventory
        padded with zeros (the env passes a copy of the one it maintains; built lazily otherwise).
    """

    __slots__ = ("inventory", "max_pieces_in_inventory", "current_demand", "raw_piece_size", "_inventory_array")

    def __init__(
        self,
        inventory: Sequence[tuple[int, int]],
        max_pieces_in_inventory: int,
        current_demand: tuple[int, int],
        raw_piece_size: tuple[int, int],
        inventory_array: np.ndarray | None = None,
    ) -> None:
        self.inventory = list(inventory)
        self.max_pieces_in_inventory = int(max_pieces_in_inventory)
        self.current_demand = tuple(current_demand)
        self.raw_piece_size = tuple(raw_piece_size)
        self._inventory_array = inventory_array

    @property
    def inventory_array(self) -> np.ndarray:
        """The inventory as a zero-padded ``(max_pieces_in_inventory, 2)`` float32 array (do not modify)."""
        if self._inventory_array is None:
            arr = np.zeros((self.max_pieces_in_inventory, 2), dtype=np.float32)
            if self.inventory:
                arr[: len(self.inventory)] = self.inventory
            self._inventory_array = arr
        return self._inventory_array

    def __getstate__(self) -> dict:
        # the array is derived data: keep pickles (trajectory records) small
        return {
            "inventory": self.inventory,
            "max_pieces_in_inventory": self.max_pieces_in_inventory,
            "current_demand": self.current_demand,
            "raw_piece_size": self.raw_piece_size,
        }

    def __setstate__(self, state: dict) -> None:
        for key, value in state.items():
            setattr(self, key, value)
        self._inventory_array = None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Cutting2DMazeState)
            and self.inventory == other.inventory
            and self.max_pieces_in_inventory == other.max_pieces_in_inventory
            and self.current_demand == other.current_demand
            and self.raw_piece_size == other.raw_piece_size
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Cutting2DMazeState(inventory={self.inventory}, current_demand={self.current_demand}, "
            f"raw_piece_size={self.raw_piece_size}, max_pieces_in_inventory={self.max_pieces_in_inventory})"
        )


def _state_to_dict(state: Cutting2DMazeState) -> dict:
    return state.__getstate__()


def _state_from_dict(cls: type, data: dict) -> Cutting2DMazeState:
    return cls(data["inventory"], data["max_pieces_in_inventory"], data["current_demand"], data["raw_piece_size"])


register_trajectory_class(Cutting2DMazeState, _state_to_dict, _state_from_dict)
