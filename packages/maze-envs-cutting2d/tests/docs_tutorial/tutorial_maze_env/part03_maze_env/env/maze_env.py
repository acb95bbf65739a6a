"""Tutorial part 3: the Cutting-2D MazeEnv and its factory (the ``_target_`` of ``env=tutorial_cutting_2d_basic``)."""

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface

from ..space_interfaces.dict_action_conversion import ActionConversion
from ..space_interfaces.dict_observation_conversion import ObservationConversion
from .core_env import Cutting2DCoreEnvironment


class Cutting2DEnvironment(MazeEnv[Cutting2DCoreEnvironment]):
    """The Cutting-2D MazeEnv: the core env with one (action, observation) conversion pair.

    :param core_env: the core env.
    :param action_conversion: the action conversion.
    :param observation_conversion: the observation conversion.
    """

    def __init__(self, core_env: CoreEnv, action_conversion: ActionConversionInterface,
                 observation_conversion: ObservationConversionInterface):
        super().__init__(core_env=core_env, action_conversion_dict={0: action_conversion},
                         observation_conversion_dict={0: observation_conversion})


def maze_env_factory(max_pieces_in_inventory: int, raw_piece_size: tuple[int, int],
                     static_demand: tuple[int, int]) -> Cutting2DEnvironment:
    """The trainable MazeEnv built from the core env's parameters (see :class:`Cutting2DCoreEnvironment`)."""
    core_env = Cutting2DCoreEnvironment(max_pieces_in_inventory=max_pieces_in_inventory,
                                        raw_piece_size=raw_piece_size, static_demand=static_demand)
    action_conversion = ActionConversion(max_pieces_in_inventory=max_pieces_in_inventory)
    observation_conversion = ObservationConversion(raw_piece_size=raw_piece_size,
                                                   max_pieces_in_inventory=max_pieces_in_inventory)
    return Cutting2DEnvironment(core_env, action_conversion, observation_conversion)
