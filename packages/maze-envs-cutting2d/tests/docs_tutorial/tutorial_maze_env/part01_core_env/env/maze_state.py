"""The Cutting-2D MazeState of the tutorial."""


class Cutting2DMazeState:
    """What the agent may know about the cutting env.

    :param inventory: the pieces in inventory, ``(x, y)`` each (copied).
    :param max_pieces_in_inventory: inventory capacity.
    :param current_demand: the piece ordered for the next step.
    :param raw_piece_size: size of a raw piece.
    """

    def __init__(self, inventory: list[tuple[int, int]], max_pieces_in_inventory: int,
                 current_demand: tuple[int, int], raw_piece_size: tuple[int, int]):
        self.inventory = list(inventory)
        self.max_pieces_in_inventory = max_pieces_in_inventory
        self.current_demand = current_demand
        self.raw_piece_size = raw_piece_size
