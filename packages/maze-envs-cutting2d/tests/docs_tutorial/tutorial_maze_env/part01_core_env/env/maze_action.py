"""The Cutting-2D MazeAction of the tutorial."""


class Cutting2DMazeAction:
    """Which inventory piece to cut, and how.

    :param piece_id: index of the inventory piece to cut.
    :param rotate: whether the ordered piece is rotated by 90 degrees before cutting.
    :param reverse_cutting_order: cut along the y axis first (instead of x first).
    """

    def __init__(self, piece_id: int, rotate: bool, reverse_cutting_order: bool):
        self.piece_id = piece_id
        self.rotate = rotate
        self.reverse_cutting_order = reverse_cutting_order
