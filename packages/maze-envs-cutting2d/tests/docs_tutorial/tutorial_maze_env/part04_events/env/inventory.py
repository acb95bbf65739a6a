"""Tutorial part 4: the inventory of part 1, firing inventory events."""

from tutorial_maze_env.part01_core_env.env import inventory as part01

from .events import InventoryEvents


class Inventory(part01.Inventory):
    """The inventory of part 1 that reports discarded and replenished pieces and its size.

    :param max_pieces_in_inventory: inventory capacity.
    :param raw_piece_size: size of a fresh raw piece.
    :param inventory_events: the event topic proxy the inventory fires its events on.
    """

    def __init__(self, max_pieces_in_inventory: int, raw_piece_size: tuple[int, int],
                 inventory_events: InventoryEvents):
        super().__init__(max_pieces_in_inventory, raw_piece_size)
        self.inventory_events = inventory_events

    def store_piece(self, piece: tuple[int, int]) -> None:
        """Put ``piece`` into the inventory; if it is full, drop the oldest piece and fire ``piece_discarded``.

        :param piece: the piece to store.
        """
        if self.is_full():
            self.pieces.pop(0)
            self.inventory_events.piece_discarded(piece=piece)
        self.pieces.append(piece)

    def replenish_piece(self) -> None:
        """Add a raw piece and fire ``piece_replenished``."""
        self.store_piece(self.raw_piece_size)
        self.inventory_events.piece_replenished()

    def log_step_statistics(self) -> None:
        """Report the inventory size (once per step)."""
        self.inventory_events.pieces_in_inventory(self.size())
