"""Tutorial part 3: dict action -> Cutting-2D MazeAction."""

import gymnasium as gym

from maze.core.env.action_conversion import ActionConversionInterface

from ..env.maze_action import Cutting2DMazeAction
from ..env.maze_state import Cutting2DMazeState


class ActionConversion(ActionConversionInterface):
    """Actions ``piece_idx`` (which piece), ``cut_rotation`` (rotate the order?) and ``cut_order`` (y first?).

    :param max_pieces_in_inventory: inventory capacity.
    """

    def __init__(self, max_pieces_in_inventory: int):
        self.max_pieces_in_inventory = max_pieces_in_inventory

    def space_to_maze(self, action: dict[str, int], maze_state: Cutting2DMazeState) -> Cutting2DMazeAction:
        """The MazeAction of a dict action."""
        return Cutting2DMazeAction(piece_id=int(action["piece_idx"]), rotate=bool(action["cut_rotation"]),
                                   reverse_cutting_order=bool(action["cut_order"]))

    def maze_to_space(self, maze_action: Cutting2DMazeAction) -> dict[str, int]:
        """The dict action of a MazeAction."""
        return {"piece_idx": maze_action.piece_id, "cut_rotation": int(maze_action.rotate),
                "cut_order": int(maze_action.reverse_cutting_order)}

    def space(self) -> gym.spaces.Dict:
        """The dict action space."""
        return gym.spaces.Dict({
            "piece_idx": gym.spaces.Discrete(self.max_pieces_in_inventory),
            "cut_rotation": gym.spaces.Discrete(2),
            "cut_order": gym.spaces.Discrete(2),
        })
