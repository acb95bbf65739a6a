"""Tutorial part 6: the flat MazeEnv factory (several static orders) that the structured env wraps."""

from typing import Sequence

from tutorial_maze_env.part03_maze_env.env.maze_env import Cutting2DEnvironment
from tutorial_maze_env.part03_maze_env.space_interfaces.dict_action_conversion import ActionConversion
from tutorial_maze_env.part03_maze_env.space_interfaces.dict_observation_conversion import ObservationConversion
from tutorial_maze_env.part05_reward.reward.default_reward import DefaultRewardAggregator

from .core_env import Cutting2DCoreEnvironment

__all__ = ["Cutting2DEnvironment", "maze_env_factory"]


def maze_env_factory(max_pieces_in_inventory: int, raw_piece_size: tuple[int, int],
                     static_demand: Sequence[tuple[int, int]]) -> Cutting2DEnvironment:
    """The flat MazeEnv with the event-based default reward (see :class:`Cutting2DCoreEnvironment`)."""
    core_env = Cutting2DCoreEnvironment(
        max_pieces_in_inventory=max_pieces_in_inventory, raw_piece_size=raw_piece_size, static_demand=static_demand,
        reward_aggregator=DefaultRewardAggregator(invalid_action_penalty=-2, raw_piece_usage_penalty=-1))
    return Cutting2DEnvironment(core_env, ActionConversion(max_pieces_in_inventory=max_pieces_in_inventory),
                                ObservationConversion(raw_piece_size=raw_piece_size,
                                                      max_pieces_in_inventory=max_pieces_in_inventory))
