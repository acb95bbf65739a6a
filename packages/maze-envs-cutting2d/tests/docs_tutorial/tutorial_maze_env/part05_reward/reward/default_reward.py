"""Tutorial part 5: the default reward of the Cutting-2D env, computed from the step's events."""


from maze.core.annotations import override
from maze.core.env.maze_state import MazeStateType
from maze.core.env.reward import RewardAggregatorInterface

from ..env.events import CuttingEvents, InventoryEvents


class DefaultRewardAggregator(RewardAggregatorInterface):
    """Penalizes every raw piece used and every invalid action.

    :param invalid_action_penalty: reward of an invalid piece selection or an invalid cut (negative).
    :param raw_piece_usage_penalty: reward of a raw piece entering the inventory (negative).
    """

    def __init__(self, invalid_action_penalty: float, raw_piece_usage_penalty: float):
        super().__init__()
        self.invalid_action_penalty = invalid_action_penalty
        self.raw_piece_usage_penalty = raw_piece_usage_penalty

    @override(RewardAggregatorInterface)
    def get_interfaces(self) -> list:
        """The event topics this aggregator listens to."""
        return [CuttingEvents, InventoryEvents]

    @override(RewardAggregatorInterface)
    def summarize_reward(self, maze_state: MazeStateType | None = None) -> float:
        """The sum of the penalties of the step's events.

        :param maze_state: not used (the reward depends on events only).
        :return: the reward of the step.
        """
        rewards: list[float] = []
        for _ in self.query_events(InventoryEvents.piece_replenished):
            rewards.append(self.raw_piece_usage_penalty)
        for _ in self.query_events(CuttingEvents.invalid_piece_selected):
            rewards.append(self.invalid_action_penalty)
        for _ in self.query_events(CuttingEvents.invalid_cut):
            rewards.append(self.invalid_action_penalty)
        return sum(rewards)
