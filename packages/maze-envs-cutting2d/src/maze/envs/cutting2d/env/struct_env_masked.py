"""The structured Cutting-2D env with step-conditional action masks."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from maze.envs.cutting2d.env.struct_env import StructuredCutting2DEnvironment


class MaskedStructuredCutting2DEnvironment(StructuredCutting2DEnvironment):
    """:class:`StructuredCutting2DEnvironment` plus action masks in the observations.

    * sub-step 0: ``inventory_mask`` (``(max_pieces_in_inventory,)`` float32): 1 for inventory slots holding a
      piece that the order fits into (in either rotation), 0 otherwise (also for empty slots);
    * sub-step 1: ``cutting_mask`` (``(2,)`` float32) over ``cut_rotation``: ``[fits unrotated, fits rotated]``.

    Both cutting orders are always valid, so ``cut_order`` has no mask. The mask → action mapping is
    :attr:`action_mask_keys` (``{"piece_idx": "inventory_mask", "cut_rotation": "cutting_mask"}``); pass it
    as ``mask_keys`` to ``MaskedRandomPolicy``.

    Arguments: see :class:`StructuredCutting2DEnvironment`.
    """

    action_mask_keys = {"piece_idx": "inventory_mask", "cut_rotation": "cutting_mask"}

    def __init__(self, maze_env: Any = None, core_env: Any = None, action_conversion: Any = None,
                 observation_conversion: Any = None, render_mode: str | None = None) -> None:
        super().__init__(maze_env, core_env, action_conversion, observation_conversion, render_mode)
        n = self._action_spaces_dict[0]["piece_idx"].n
        spaces0 = dict(self._observation_spaces_dict[0].spaces)
        spaces0["inventory_mask"] = gym.spaces.Box(low=np.float32(0), high=np.float32(1), shape=(n,), dtype=np.float32)
        spaces1 = dict(self._observation_spaces_dict[1].spaces)
        spaces1["cutting_mask"] = gym.spaces.Box(low=np.float32(0), high=np.float32(1), shape=(2,), dtype=np.float32)
        self._observation_spaces_dict = {0: gym.spaces.Dict(spaces0), 1: gym.spaces.Dict(spaces1)}

    @staticmethod
    def inventory_mask(inventory_array: np.ndarray, demand: tuple[int, int]) -> np.ndarray:
        """1.0 where the order ``demand`` fits into the piece of a zero-padded ``(N, 2)`` inventory array."""
        lo_order, hi_order = (demand[0], demand[1]) if demand[0] <= demand[1] else (demand[1], demand[0])
        x = inventory_array[:, 0]
        y = inventory_array[:, 1]
        mask = np.minimum(x, y) >= lo_order  # the short side fits the order's short side ...
        mask &= np.maximum(x, y) >= hi_order  # ... and the long side its long side
        return mask.astype(np.float32)

    @staticmethod
    def cutting_mask(piece: tuple[int, int], demand: tuple[int, int]) -> np.ndarray:
        """``[fits unrotated, fits rotated]`` for cutting ``demand`` from ``piece``."""
        return np.array((float(demand[0] <= piece[0] and demand[1] <= piece[1]),
                         float(demand[1] <= piece[0] and demand[0] <= piece[1])), dtype=np.float32)

    def _selection_observation(self, flat_obs: dict[str, np.ndarray], maze_state: Any) -> dict[str, np.ndarray]:
        flat_obs["inventory_mask"] = self.inventory_mask(maze_state.inventory_array, maze_state.current_demand)
        return flat_obs

    def _cutting_observation(self, piece: tuple[int, int], demand: tuple[int, int]) -> dict[str, np.ndarray]:
        return {"selected_piece": np.array(piece, dtype=np.float32), "ordered_piece": np.array(demand, dtype=np.float32),
                "cutting_mask": self.cutting_mask(piece, demand)}


def masked_struct_env_factory(max_pieces_in_inventory: int, raw_piece_size: Any, static_demand: Any = None,
                              demand_generator: Any = None, reward_aggregator: Any = None,
                              max_steps: int | None = None) -> MaskedStructuredCutting2DEnvironment:
    """The masked structured Cutting-2D env (arguments: see :class:`Cutting2DCoreEnvironment`)."""
    from maze.envs.cutting2d.env.maze_env import make_cutting2d_env

    return MaskedStructuredCutting2DEnvironment(make_cutting2d_env(
        max_pieces_in_inventory, raw_piece_size, static_demand=static_demand, demand_generator=demand_generator,
        reward_aggregator=reward_aggregator, max_steps=max_steps))
