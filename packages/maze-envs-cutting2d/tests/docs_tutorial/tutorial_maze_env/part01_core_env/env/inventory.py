"""The inventory of 2D pieces and the guillotine cut."""

from .maze_action import Cutting2DMazeAction


class Inventory:
    """Keeps the pieces available for cutting; when full, the oldest piece is dropped.

    :param max_pieces_in_inventory: inventory capacity.
    :param raw_piece_size: size of a fresh raw piece.
    """

    def __init__(self, max_pieces_in_inventory: int, raw_piece_size: tuple[int, int]):
        self.max_pieces_in_inventory = max_pieces_in_inventory
        self.raw_piece_size = raw_piece_size
        self.pieces: list[tuple[int, int]] = []

    def is_full(self) -> bool:
        """Whether every slot holds a piece."""
        return len(self.pieces) == self.max_pieces_in_inventory

    def store_piece(self, piece: tuple[int, int]) -> None:
        """Put ``piece`` into the inventory, dropping the oldest piece if there is no free slot.

        :param piece: the piece to store.
        """
        if self.is_full():
            self.pieces.pop(0)
        self.pieces.append(piece)

    def replenish_piece(self) -> None:
        """Add a raw piece."""
        self.store_piece(self.raw_piece_size)

    def cut(self, maze_action: Cutting2DMazeAction, ordered_piece: tuple[int, int]) -> bool:
        """Cut ``ordered_piece`` out of the selected piece; the residuals go back into the inventory.

        :param maze_action: which piece to cut, and how.
        :param ordered_piece: size of the piece to deliver.
        :return: ``True`` if the cut was possible, ``False`` otherwise (nothing changes then).
        """
        if maze_action.rotate:
            ordered_piece = ordered_piece[::-1]
        if maze_action.piece_id >= len(self.pieces):
            return False
        available = self.pieces[maze_action.piece_id]
        if ordered_piece[0] > available[0] or ordered_piece[1] > available[1]:
            return False

        remaining = list(self.pieces.pop(maze_action.piece_id))
        for dim in ([1, 0] if maze_action.reverse_cutting_order else [0, 1]):
            residual = list(remaining)
            residual[dim] = remaining[dim] - ordered_piece[dim]
            remaining[dim] = ordered_piece[dim]
            if residual[dim] > 0:
                self.store_piece(tuple(residual))
        return True

    def size(self) -> int:
        """The number of pieces in inventory."""
        return len(self.pieces)
