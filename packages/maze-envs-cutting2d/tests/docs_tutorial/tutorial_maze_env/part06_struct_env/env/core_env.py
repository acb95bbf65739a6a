"""Tutorial part 6: the CoreEnv of part 5 with a static demand of several orders, issued in turn."""

from typing import Any, Sequence, Union

from maze.core.env.reward import RewardAggregatorInterface
from tutorial_maze_env.part05_reward.env import core_env as part05

from .maze_action import Cutting2DMazeAction
from .maze_state import Cutting2DMazeState

__all__ = ["Cutting2DCoreEnvironment"]


class Cutting2DCoreEnvironment(part05.Cutting2DCoreEnvironment):
    """The core env of part 5 whose orders cycle through ``static_demand``.

    :param max_pieces_in_inventory: inventory capacity.
    :param raw_piece_size: size of a raw piece.
    :param static_demand: one order ``(x, y)``, or a list of orders issued one per step, in turn.
    :param reward_aggregator: the reward aggregator.
    """

    def __init__(self, max_pieces_in_inventory: int, raw_piece_size: tuple[int, int],
                 static_demand: Union[tuple[int, int], Sequence[tuple[int, int]]],
                 reward_aggregator: RewardAggregatorInterface):
        orders = list(static_demand)
        self.demand = [tuple(o) for o in orders] if orders and isinstance(orders[0], Sequence) else [tuple(orders)]
        self._order_index = 0
        super().__init__(max_pieces_in_inventory, raw_piece_size, self.demand[0], reward_aggregator)

    def step(self, maze_action: Cutting2DMazeAction) -> tuple[Cutting2DMazeState, float, bool, bool, dict[Any, Any]]:
        """The step of part 5 for the current order; then the next order of the demand comes in."""
        _, reward, terminated, truncated, info = super().step(maze_action)
        self._order_index = (self._order_index + 1) % len(self.demand)
        self.current_demand = self.demand[self._order_index]
        return self.get_maze_state(), reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Cutting2DMazeState, dict]:
        """Start over with a fresh inventory and the first order."""
        self._order_index = 0
        self.current_demand = self.demand[0]
        return super().reset(seed=seed, options=options)
