"""Dict action → Cutting-2D MazeAction."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from maze.core.env.action_conversion import ActionConversionInterface
from maze.envs.cutting2d.env.maze_action import Cutting2DMazeAction


class ActionConversion(ActionConversionInterface):
    """Dict action of the Cutting-2D env.

    * ``piece_idx``: ``Discrete(max_pieces_in_inventory)``, the inventory piece to cut,
    * ``cut_rotation``: ``Discrete(2)``, rotate the order by 90° (1) or not (0),
    * ``cut_order``: ``Discrete(2)``, cut x first (0) or y first (1).

    :param max_pieces_in_inventory: inventory capacity.
    """

    def __init__(self, max_pieces_in_inventory: int) -> None:
        if int(max_pieces_in_inventory) < 1:
            raise ValueError(f"max_pieces_in_inventory must be >= 1, got {max_pieces_in_inventory!r}")
        self.max_pieces_in_inventory = int(max_pieces_in_inventory)
        self._space = gym.spaces.Dict({
            "piece_idx": gym.spaces.Discrete(self.max_pieces_in_inventory),
            "cut_rotation": gym.spaces.Discrete(2),
            "cut_order": gym.spaces.Discrete(2),
        })

    def space_to_maze(self, action: dict[str, Any], maze_state: Any) -> Cutting2DMazeAction:
        try:
            return Cutting2DMazeAction(action["piece_idx"], action["cut_rotation"], action["cut_order"])
        except KeyError as exc:
            raise KeyError(
                f"Cutting-2D action misses key {exc.args[0]!r}: expected keys 'piece_idx', 'cut_rotation', 'cut_order', "
                f"got {sorted(action)}"
            ) from None

    def maze_to_space(self, maze_action: Cutting2DMazeAction) -> dict[str, int]:
        return {
            "piece_idx": int(maze_action.piece_id),
            "cut_rotation": int(maze_action.rotate),
            "cut_order": int(maze_action.reverse_cutting_order),
        }

    def space(self) -> gym.spaces.Dict:
        return self._space
