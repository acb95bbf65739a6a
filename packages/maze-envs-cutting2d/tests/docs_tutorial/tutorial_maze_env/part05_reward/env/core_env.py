"""Tutorial part 5: the CoreEnv of part 4, its reward computed by a reward aggregator from the step's events."""

from typing import Any

from maze.core.env.reward import RewardAggregatorInterface
from tutorial_maze_env.part04_events.env import core_env as part04

from .maze_action import Cutting2DMazeAction
from .maze_state import Cutting2DMazeState


class Cutting2DCoreEnvironment(part04.Cutting2DCoreEnvironment):
    """The core env of part 4 whose reward comes from ``reward_aggregator``.

    :param max_pieces_in_inventory: inventory capacity.
    :param raw_piece_size: size of a raw piece.
    :param static_demand: the order of every step.
    :param reward_aggregator: the reward aggregator (registered with the env's pubsub).
    """

    def __init__(self, max_pieces_in_inventory: int, raw_piece_size: tuple[int, int], static_demand: tuple[int, int],
                 reward_aggregator: RewardAggregatorInterface):
        super().__init__(max_pieces_in_inventory, raw_piece_size, static_demand)
        # the reward aggregator receives the events of every step
        self.reward_aggregator = reward_aggregator
        self.pubsub.register_subscriber(self.reward_aggregator)

    def step(self, maze_action: Cutting2DMazeAction) -> tuple[Cutting2DMazeState, float, bool, bool, dict[Any, Any]]:
        """The step of part 4; the reward is the aggregator's summary of the step's events.

        :param maze_action: the cutting MazeAction.
        :return: maze_state, reward, terminated, truncated, info.
        """
        maze_state, _, terminated, truncated, info = super().step(maze_action)
        reward = self.reward_aggregator.summarize_reward(maze_state)
        return maze_state, reward, terminated, truncated, info
