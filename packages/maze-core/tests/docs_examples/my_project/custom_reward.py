"""The docs' "Implementing a Custom Reward": ``my_project.custom_reward.RawPieceUsageRewardAggregator`` for the
Cutting-2D env (its events: maze-envs-cutting2d's, the docs' ``maze_envs.logistics.cutting_2d``)."""


from maze.core.annotations import override
from maze.core.env.maze_state import MazeStateType
from maze.core.env.reward import RewardAggregatorInterface
from maze.core.events.pubsub import Subscriber
from maze.envs.cutting2d.env.events import InventoryEvents


class RawPieceUsageRewardAggregator(RewardAggregatorInterface):
    """Penalizes every raw piece that enters the inventory.

    :param reward_scale: the scale of the penalty (-1 per raw piece).
    """

    def __init__(self, reward_scale: float):
        super().__init__()
        self.reward_scale = reward_scale

    @override(Subscriber)
    def get_interfaces(self) -> list:
        """The event topics this aggregator listens to."""
        return [InventoryEvents]

    @override(RewardAggregatorInterface)
    def summarize_reward(self, maze_state: MazeStateType | None = None) -> float:
        """-1 per replenished raw piece of the step, times ``reward_scale``.

        :param maze_state: not used.
        :return: the reward of the step.
        """
        reward = 0.0
        for _ in self.query_events(InventoryEvents.piece_replenished):
            reward -= 1.0
        return reward * self.reward_scale
