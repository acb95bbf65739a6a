"""Tutorial part 6: the structured env with step-conditional action masks in its observations."""

from copy import deepcopy

import gymnasium as gym
import numpy as np

from maze.core.env.maze_env import MazeEnv
from tutorial_maze_env.part06_struct_env.env.maze_env import maze_env_factory
from tutorial_maze_env.part06_struct_env.env.struct_env import StructuredCutting2DEnvironment


class MaskedStructuredCutting2DEnvironment(StructuredCutting2DEnvironment):
    """The structured env with ``inventory_mask`` (pieces the order fits into) in the selection observation and
    ``cutting_mask`` (rotations in which the order fits into the selected piece) in the cutting observation.

    :param maze_env: the flat Cutting-2D env to wrap.
    """

    def __init__(self, maze_env: MazeEnv):
        super().__init__(maze_env)
        max_inventory = self.observation_conversion.max_pieces_in_inventory
        self._observation_spaces_dict[0].spaces["inventory_mask"] = \
            gym.spaces.Box(low=np.float32(0), high=np.float32(1), shape=(max_inventory,), dtype=np.float32)
        self._observation_spaces_dict[1].spaces["cutting_mask"] = \
            gym.spaces.Box(low=np.float32(0), high=np.float32(1), shape=(2,), dtype=np.float32)

    @staticmethod
    def _obs_selection_step(flat_obs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The flat observation plus the inventory mask."""
        observation = deepcopy(flat_obs)
        sorted_order = np.sort(observation["ordered_piece"].flatten())
        sorted_inventory = np.sort(observation["inventory"], axis=1)
        # occupied slots whose piece the order fits into (in some rotation)
        mask = np.all(observation["inventory"] > 0, axis=1).astype(np.float32)
        for i in np.nonzero(mask)[0]:
            mask[i] = np.all(sorted_order <= sorted_inventory[i])
        observation["inventory_mask"] = mask
        return observation

    @staticmethod
    def _obs_cutting_step(flat_obs: dict[str, np.ndarray], selected_piece_idx: int) -> dict[str, np.ndarray]:
        """The selected piece, the order and the cutting mask (index 0: not rotated, 1: rotated)."""
        selected_piece = flat_obs["inventory"][selected_piece_idx].squeeze()
        ordered_piece = flat_obs["ordered_piece"]
        cutting_mask = np.zeros((2,), dtype=np.float32)
        if np.all(ordered_piece <= selected_piece):
            cutting_mask[0] = 1.0
        if np.all(ordered_piece[::-1] <= selected_piece):
            cutting_mask[1] = 1.0
        return {"selected_piece": selected_piece, "ordered_piece": ordered_piece, "cutting_mask": cutting_mask}


def struct_env_factory(max_pieces_in_inventory: int, raw_piece_size: tuple[int, int],
                       static_demand: list[tuple[int, int]]) -> StructuredCutting2DEnvironment:
    """The trainable masked structured env (see :func:`maze_env_factory` for the arguments)."""
    env = maze_env_factory(max_pieces_in_inventory=max_pieces_in_inventory, raw_piece_size=raw_piece_size,
                           static_demand=static_demand)
    return MaskedStructuredCutting2DEnvironment(env)
