"""The MazeAction of the Cutting-2D env."""

from __future__ import annotations

from maze.core.trajectory_recording.serialization import register_trajectory_class


class Cutting2DMazeAction:
    """Which inventory piece to cut, and how.

    :param piece_id: index of the inventory piece to cut.
    :param rotate: rotate the *ordered* piece by 90° before cutting (i.e. cut ``(y, x)`` instead of ``(x, y)``).
    :param reverse_cutting_order: cut along the y axis first (default: x first).
    """

    __slots__ = ("piece_id", "rotate", "reverse_cutting_order")

    def __init__(self, piece_id: int, rotate: bool, reverse_cutting_order: bool) -> None:
        self.piece_id = int(piece_id)
        self.rotate = bool(rotate)
        self.reverse_cutting_order = bool(reverse_cutting_order)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Cutting2DMazeAction)
            and self.piece_id == other.piece_id
            and self.rotate == other.rotate
            and self.reverse_cutting_order == other.reverse_cutting_order
        )

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple:
        return self.piece_id, self.rotate, self.reverse_cutting_order

    def __setstate__(self, state: tuple) -> None:
        self.piece_id, self.rotate, self.reverse_cutting_order = state

    def __repr__(self) -> str:
        return (
            f"Cutting2DMazeAction(piece_id={self.piece_id}, rotate={self.rotate}, "
            f"reverse_cutting_order={self.reverse_cutting_order})"
        )


register_trajectory_class(
    Cutting2DMazeAction,
    lambda a: {"piece_id": a.piece_id, "rotate": a.rotate, "reverse_cutting_order": a.reverse_cutting_order},
    lambda cls, d: cls(d["piece_id"], d["rotate"], d["reverse_cutting_order"]),
)
