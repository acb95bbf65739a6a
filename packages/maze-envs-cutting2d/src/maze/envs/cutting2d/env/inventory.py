"""The inventory of 2D pieces and the guillotine cutting mechanics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from maze.envs.cutting2d.env.maze_action import Cutting2DMazeAction


def _check_size(name: str, value: Any) -> tuple[int, int]:
    try:
        size = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair of positive integers (x, y), got {value!r}") from None
    if len(size) != 2 or size[0] <= 0 or size[1] <= 0 or any(int(v) != v for v in value):
        raise ValueError(f"{name} must be a pair of positive integers (x, y), got {value!r}")
    return size  # type: ignore[return-value]


class Inventory:
    """Holds the 2D pieces available for cutting (oldest first) and performs guillotine cuts.

    Cutting an ordered piece ``(ox, oy)`` (swapped if the action rotates it) from an inventory piece
    ``(px, py)`` takes two guillotine cuts. X first (default): the strip ``(px - ox, py)`` and then
    ``(ox, py - oy)`` go back into inventory; y first (``reverse_cutting_order``): ``(px, py - oy)`` and
    then ``(px - ox, oy)``. Residuals of zero area are dropped.

    If the inventory is full when a piece is stored, the oldest piece is discarded first
    (``InventoryEvents.piece_discarded``). ``n_raw`` counts the raw (full-size) pieces in inventory so
    the env can replenish when the last one was cut (or discarded).

    A zero-padded float32 array mirror of the pieces (:attr:`array`) is kept up to date incrementally,
    so observations cost one array copy instead of a list conversion.

    :param max_pieces_in_inventory: capacity (>= 1).
    :param raw_piece_size: ``(x, y)`` size of a raw piece.
    :param inventory_events: the ``InventoryEvents`` topic proxy of the env (``None``: no events).
    """

    __slots__ = ("max_pieces_in_inventory", "raw_piece_size", "inventory_events", "pieces", "array", "n_raw")

    def __init__(self, max_pieces_in_inventory: int, raw_piece_size: tuple[int, int], inventory_events: Any = None) -> None:
        if int(max_pieces_in_inventory) < 1:
            raise ValueError(f"max_pieces_in_inventory must be >= 1, got {max_pieces_in_inventory!r}")
        self.max_pieces_in_inventory = int(max_pieces_in_inventory)
        self.raw_piece_size = _check_size("raw_piece_size", raw_piece_size)
        self.inventory_events = inventory_events
        self.pieces: list[tuple[int, int]] = []
        self.array = np.zeros((self.max_pieces_in_inventory, 2), dtype=np.float32)
        self.n_raw = 0

    # == inventory management ==
    def clear(self) -> None:
        """Remove all pieces (no events)."""
        self.pieces.clear()
        self.array[:] = 0.0
        self.n_raw = 0

    def is_full(self) -> bool:
        """True if all slots are in use."""
        return len(self.pieces) >= self.max_pieces_in_inventory

    def size(self) -> int:
        """Number of pieces in inventory."""
        return len(self.pieces)

    def store_piece(self, piece: tuple[int, int]) -> None:
        """Store ``piece`` as the newest piece, discarding the oldest one first if the inventory is full."""
        pieces = self.pieces
        if len(pieces) >= self.max_pieces_in_inventory:
            discarded = self.remove_piece(0)
            if self.inventory_events is not None:
                self.inventory_events.piece_discarded(piece=discarded)
        n = len(pieces)
        pieces.append(piece)
        self.array[n] = piece
        if piece == self.raw_piece_size:
            self.n_raw += 1

    def remove_piece(self, piece_id: int) -> tuple[int, int]:
        """Remove and return the piece at ``piece_id`` (later pieces move up one slot)."""
        pieces = self.pieces
        piece = pieces.pop(piece_id)
        n = len(pieces)
        arr = self.array
        if piece_id < n:
            arr[piece_id:n] = arr[piece_id + 1 : n + 1]
        arr[n] = 0.0
        if piece == self.raw_piece_size:
            self.n_raw -= 1
        return piece

    def replenish_piece(self) -> None:
        """Add a fresh raw piece (``InventoryEvents.piece_replenished``)."""
        self.store_piece(self.raw_piece_size)
        if self.inventory_events is not None:
            self.inventory_events.piece_replenished()

    # == cutting ==
    @staticmethod
    def fits(piece: tuple[int, int], ordered_piece: tuple[int, int], rotate: bool = False) -> bool:
        """True if ``ordered_piece`` (rotated by 90° if ``rotate``) can be cut from ``piece``."""
        if rotate:
            return ordered_piece[1] <= piece[0] and ordered_piece[0] <= piece[1]
        return ordered_piece[0] <= piece[0] and ordered_piece[1] <= piece[1]

    @staticmethod
    def residuals(piece: tuple[int, int], ordered_piece: tuple[int, int], rotate: bool,
                  reverse_cutting_order: bool) -> tuple[tuple[int, int], ...]:
        """The pieces that go back to inventory when cutting ``ordered_piece`` from ``piece`` (no fit check)."""
        px, py = piece
        ox, oy = (ordered_piece[1], ordered_piece[0]) if rotate else ordered_piece
        if reverse_cutting_order:
            first, second = (px, py - oy), (px - ox, oy)
        else:
            first, second = (px - ox, py), (ox, py - oy)
        return tuple(r for r in (first, second) if r[0] > 0 and r[1] > 0)

    def cut(self, maze_action: Cutting2DMazeAction, ordered_piece: tuple[int, int]) -> bool:
        """Cut ``ordered_piece`` from the selected piece; residuals go back to inventory (newest last).

        :return: True if the cut was valid (the piece existed and was large enough), False otherwise
            (the inventory is unchanged then).
        """
        piece_id = maze_action.piece_id
        pieces = self.pieces
        if piece_id < 0 or piece_id >= len(pieces):
            return False
        piece = pieces[piece_id]
        rotate = maze_action.rotate
        if not self.fits(piece, ordered_piece, rotate):
            return False
        self.remove_piece(piece_id)
        for residual in self.residuals(piece, ordered_piece, rotate, maze_action.reverse_cutting_order):
            self.store_piece(residual)
        return True

    # == statistics ==
    def log_step_statistics(self) -> None:
        """Report the number of pieces in inventory (once per step)."""
        if self.inventory_events is not None:
            self.inventory_events.pieces_in_inventory(len(self.pieces))
