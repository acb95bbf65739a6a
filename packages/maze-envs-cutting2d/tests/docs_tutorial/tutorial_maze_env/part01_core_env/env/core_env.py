"""Tutorial part 1: the Cutting-2D CoreEnv (gymnasium adaptation: 5-tuple ``step``, ``reset`` -> ``(state, info)``)."""

from typing import Any, Union

from maze.core.env.core_env import CoreEnv
from maze.core.env.structured_env import ActorID

from .inventory import Inventory
from .maze_action import Cutting2DMazeAction
from .maze_state import Cutting2DMazeState


class Cutting2DCoreEnvironment(CoreEnv):
    """Cuts customer orders out of 2D pieces in inventory.

    * Every step brings the same order (a static demand).
    * The agent picks the inventory piece to cut and how to cut it; the residuals go back into the inventory.
    * One raw piece is always in inventory: when it is cut, a new one is replenished.
    * The reward penalizes raw pieces (-1) and invalid cuts (-2); when the inventory is full, its oldest piece
      is dropped.

    :param max_pieces_in_inventory: inventory capacity.
    :param raw_piece_size: size of a raw piece.
    :param static_demand: the order of every step.
    """

    def __init__(self, max_pieces_in_inventory: int, raw_piece_size: tuple[int, int],
                 static_demand: tuple[int, int]):
        super().__init__()
        self.max_pieces_in_inventory = max_pieces_in_inventory
        self.raw_piece_size = tuple(raw_piece_size)
        self.current_demand = tuple(static_demand)
        self._setup_env()

    def _setup_env(self) -> None:
        """A fresh inventory holding one raw piece."""
        self.inventory = Inventory(self.max_pieces_in_inventory, self.raw_piece_size)
        self.inventory.replenish_piece()

    def step(self, maze_action: Cutting2DMazeAction) -> tuple[Cutting2DMazeState, float, bool, bool, dict[Any, Any]]:
        """Check the selected piece, try the cut, replenish a raw piece if it was used.

        :param maze_action: the cutting MazeAction.
        :return: maze_state, reward, terminated, truncated, info (the episode never ends by itself).
        """
        info: dict[Any, Any] = {}
        reward = 0
        replenishment_needed = False

        if maze_action.piece_id >= self.inventory.size():
            info["error"] = "piece_id_out_of_bounds"
        else:
            piece_to_cut = self.inventory.pieces[maze_action.piece_id]
            if self.inventory.cut(maze_action, self.current_demand):
                info["msg"] = "valid_cut"
                replenishment_needed = piece_to_cut == self.raw_piece_size
            else:
                info["error"] = "invalid_cut"
                reward = -2

        if replenishment_needed:
            self.inventory.replenish_piece()
            reward = -1

        return self.get_maze_state(), reward, False, False, info

    def get_maze_state(self) -> Cutting2DMazeState:
        """The current state."""
        return Cutting2DMazeState(self.inventory.pieces, self.max_pieces_in_inventory, self.current_demand,
                                  self.raw_piece_size)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Cutting2DMazeState, dict]:
        """Start over with a fresh inventory."""
        self._setup_env()
        return self.get_maze_state(), {}

    def close(self) -> None:
        """Nothing to clean up."""

    def seed(self, seed: int) -> None:
        """The env has no randomness yet."""

    # --- not needed in this part of the tutorial

    def get_renderer(self) -> Any:
        """No renderer yet (part 2 adds one)."""
        return None

    def get_serializable_components(self) -> dict[str, Any]:
        """Nothing to serialize."""
        return {}

    def is_actor_done(self) -> bool:
        """The single actor is never done."""
        return False

    def actor_id(self) -> ActorID:
        """The single actor (part 3 explains actors)."""
        return ActorID(step_key=0, agent_id=0)

    @property
    def agent_counts_dict(self) -> dict[Union[str, int], int]:
        """One agent in the single sub-step."""
        return {0: 1}
