"""Tutorial part 4: the MazeEnv of part 3 on the core env with events (``env=tutorial_cutting_2d_events``)."""

from tutorial_maze_env.part03_maze_env.env.maze_env import Cutting2DEnvironment
from tutorial_maze_env.part03_maze_env.space_interfaces.dict_action_conversion import ActionConversion
from tutorial_maze_env.part03_maze_env.space_interfaces.dict_observation_conversion import ObservationConversion

from .core_env import Cutting2DCoreEnvironment

__all__ = ["Cutting2DEnvironment", "maze_env_factory"]


def maze_env_factory(max_pieces_in_inventory: int, raw_piece_size: tuple[int, int],
                     static_demand: tuple[int, int]) -> Cutting2DEnvironment:
    """The trainable MazeEnv built from the core env's parameters (see :class:`Cutting2DCoreEnvironment`)."""
    core_env = Cutting2DCoreEnvironment(max_pieces_in_inventory=max_pieces_in_inventory,
                                        raw_piece_size=raw_piece_size, static_demand=static_demand)
    return Cutting2DEnvironment(core_env, ActionConversion(max_pieces_in_inventory=max_pieces_in_inventory),
                                ObservationConversion(raw_piece_size=raw_piece_size,
                                                      max_pieces_in_inventory=max_pieces_in_inventory))
