"""The tutorial's simple problem: the exact optimum and the greedy policy's result.

Problem: raw pieces 4x3, orders [1,2],[1,2],[1,1],[2,2],[1,2],[1,1] cycled in order, 50 inventory slots,
180 steps. Claim: the optimum is 30 raw pieces cut = 31 raw pieces entering the inventory (the initial
one plus 30 replenishments), if every order is fulfilled.

Proof: lower bound from area (the 180 orders have area 30 * 12, every raw piece has area 12, so at least
30 raw pieces must be cut); upper bound by construction (the greedy policy cuts exactly 30 in the real env).
The branch-and-bound search cross-checks short horizons without using the area argument.
"""

from __future__ import annotations

import math

import pytest

from maze.envs.cutting2d.env.events import CuttingEvents, InventoryEvents
from maze.envs.cutting2d.env.struct_env_masked import masked_struct_env_factory
from maze.envs.cutting2d.optimum import min_raw_pieces_cut, simple_problem_orders
from maze.envs.cutting2d.policies.greedy_policy import Cutting2DGreedyPolicy, cutting_configuration, select_piece

SIMPLE = {"max_pieces_in_inventory": 50, "raw_piece_size": (4, 3),
          "static_demand": [[1, 2], [1, 2], [1, 1], [2, 2], [1, 2], [1, 1]], "max_steps": 180}

#: the exact optimum of the simple problem (raw pieces entering the inventory per episode)
OPTIMUM_RAW_PIECES = 31


def _greedy_episode() -> dict[str, int]:
    env = masked_struct_env_factory(**SIMPLE)
    policy = Cutting2DGreedyPolicy(env.action_spaces_dict)
    obs, _ = env.reset(seed=0)
    counts = {"replenished": 1, "valid_cut": 0, "invalid": 0, "steps": 0}  # the initial raw piece
    done = False
    while not done:
        action = policy.compute_action(obs, maze_state=env.get_maze_state(), actor_id=env.actor_id())
        obs, _, terminated, truncated, _ = env.step(action)
        done = terminated or truncated
        if env.actor_id().step_key == 0:
            counts["steps"] += 1
            for e in env.get_step_events():
                counts["replenished"] += e.interface_method is InventoryEvents.piece_replenished
                counts["valid_cut"] += e.interface_method is CuttingEvents.valid_cut
                counts["invalid"] += e.interface_method in (CuttingEvents.invalid_cut, CuttingEvents.invalid_piece_selected)
    return counts


def test_greedy_policy_reaches_the_proven_optimum_of_the_simple_problem():
    orders = simple_problem_orders(180)
    area_lower_bound = math.ceil(sum(x * y for x, y in orders) / (4 * 3))  # raw pieces that must be cut
    assert area_lower_bound == 30
    counts = _greedy_episode()
    assert counts["steps"] == 180 and counts["valid_cut"] == 180 and counts["invalid"] == 0
    greedy_raw_pieces = counts["replenished"]
    assert greedy_raw_pieces - 1 == area_lower_bound  # cuts == lower bound: optimal
    assert greedy_raw_pieces == OPTIMUM_RAW_PIECES == 31


@pytest.mark.parametrize("n_steps, expected", [(6, 1), (12, 2), (7, 2)])
def test_exhaustive_search_on_short_horizons(n_steps, expected):
    orders = simple_problem_orders(n_steps)
    assert min_raw_pieces_cut((4, 3), orders, upper_bound=expected) == expected
    with pytest.raises(RuntimeError, match="no solution"):
        min_raw_pieces_cut((4, 3), orders, upper_bound=expected - 1)


def test_search_finds_better_solutions_than_greedy_cut_choices_would():
    # orders 2x3 then 2x3 then 4x1: cutting 2x3 x-first keeps a 2x3 residual, then the 4x1 needs a new raw piece
    assert min_raw_pieces_cut((4, 4), [(2, 3), (2, 3), (4, 1)]) == 1
    assert min_raw_pieces_cut((4, 3), [(3, 3), (3, 3), (1, 3), (1, 3)]) == 2


def test_greedy_building_blocks():
    assert select_piece([(4, 3), (3, 3), (1, 1), (2, 1)], (1, 2)) == 3  # smallest fitting, rotated
    assert select_piece([(1, 1)], (2, 2)) is None
    assert cutting_configuration((4, 3), (1, 2)) == (0, 0)  # x first keeps a 3x3 piece
    assert cutting_configuration((2, 1), (1, 2)) == (1, 0)  # only fits rotated
    assert cutting_configuration((1, 1), (1, 2)) == (0, 0)  # does not fit at all
