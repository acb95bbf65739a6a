"""Tutorial part 4: the CoreEnv fires cutting and inventory events and has a KPI calculator."""

from typing import Any

from tutorial_maze_env.part03_maze_env.env import core_env as part03

from .events import CuttingEvents, InventoryEvents
from .inventory import Inventory
from .kpi_calculator import Cutting2dKpiCalculator
from .maze_action import Cutting2DMazeAction
from .maze_state import Cutting2DMazeState


class Cutting2DCoreEnvironment(part03.Cutting2DCoreEnvironment):
    """The core env of part 3 with events instead of info messages (see part 1 for the parameters)."""

    def __init__(self, max_pieces_in_inventory: int, raw_piece_size: tuple[int, int], static_demand: tuple[int, int]):
        # CoreEnv.__init__ (called first) creates self.pubsub = Pubsub(self.context.event_service), the pubsub that
        # routes events to subscribers (reward aggregators, part 5); _setup_env creates the event topics on it
        super().__init__(max_pieces_in_inventory, raw_piece_size, static_demand)
        # KPI calculation
        self.kpi_calculator = Cutting2dKpiCalculator()

    def _setup_env(self) -> None:
        """A fresh inventory with one raw piece; the event topics of the cutting and the inventory."""
        inventory_events = self.pubsub.create_event_topic(InventoryEvents)
        self.inventory = Inventory(self.max_pieces_in_inventory, self.raw_piece_size, inventory_events)
        self.inventory.replenish_piece()
        self.cutting_events = self.pubsub.create_event_topic(CuttingEvents)

    def step(self, maze_action: Cutting2DMazeAction) -> tuple[Cutting2DMazeState, float, bool, bool, dict[Any, Any]]:
        """As in part 1, but the outcome of the cut is an event instead of an info message.

        :param maze_action: the cutting MazeAction.
        :return: maze_state, reward, terminated, truncated, info.
        """
        info: dict[Any, Any] = {}
        reward = 0
        replenishment_needed = False

        if maze_action.piece_id >= self.inventory.size():
            self.cutting_events.invalid_piece_selected()
        else:
            piece_to_cut = self.inventory.pieces[maze_action.piece_id]
            if self.inventory.cut(maze_action, self.current_demand):
                self.cutting_events.valid_cut(current_demand=self.current_demand, piece_to_cut=piece_to_cut,
                                              raw_piece_size=self.raw_piece_size,
                                              cutting_area=float(self.current_demand[0] * self.current_demand[1]))
                replenishment_needed = piece_to_cut == self.raw_piece_size
            else:
                self.cutting_events.invalid_cut(current_demand=self.current_demand, piece_to_cut=piece_to_cut,
                                                raw_piece_size=self.raw_piece_size)
                reward = -2

        if replenishment_needed:
            self.inventory.replenish_piece()
            reward = -1

        # the step is done: report the step statistics
        self.inventory.log_step_statistics()
        return self.get_maze_state(), reward, False, False, info

    def get_kpi_calculator(self) -> Cutting2dKpiCalculator:
        """The env supports KPIs."""
        return self.kpi_calculator
