"""SimulatedEnvMixin.clone_from of the flat, structured and masked structured Cutting-2D envs."""

from __future__ import annotations

import numpy as np
import pytest

from maze.core.env.simulated_env_mixin import SimulatedEnvMixin
from maze.core.utils.config_utils import make_env_from_hydra
from maze.envs.cutting2d.env.maze_env import make_cutting2d_env


@pytest.mark.parametrize("name", ["cutting2d_flat", "cutting2d_struct", "cutting2d_struct_masked"])
def test_a_clone_continues_exactly_like_the_original_and_independently(name):
    original, clone = make_env_from_hydra(env=name), make_env_from_hydra(env=name)
    assert isinstance(clone, SimulatedEnvMixin)
    original.action_space.seed(0)
    original.reset(seed=1)
    for _ in range(7):  # an odd number: structured envs are cloned in the middle of a core step
        original.step(original.action_space.sample())
    clone.reset(seed=42)
    clone.clone_from(original)
    assert clone.actor_id() == original.actor_id()
    assert clone.maze_env.core_env.context.step_id == original.maze_env.core_env.context.step_id
    for _ in range(12):
        action = original.action_space.sample()
        a, b = original.step(action), clone.step(action)
        assert a[0].keys() == b[0].keys() and all(np.array_equal(a[0][k], b[0][k]) for k in a[0])
        assert a[1:4] == b[1:4] and original.actor_id() == clone.actor_id()
    # stepping the clone does not touch the original's inventory
    pieces = list(original.maze_env.core_env.inventory.pieces)
    for _ in range(4):
        clone.step(clone.action_space.sample())
    assert original.maze_env.core_env.inventory.pieces == pieces


def test_clone_from_refuses_other_envs_and_other_sizes():
    env = make_cutting2d_env(max_pieces_in_inventory=5, raw_piece_size=(10, 10), static_demand=[[2, 2]])
    smaller = make_cutting2d_env(max_pieces_in_inventory=3, raw_piece_size=(10, 10), static_demand=[[2, 2]])
    with pytest.raises(ValueError, match="max_pieces_in_inventory=3"):
        env.clone_from(smaller)
    with pytest.raises(TypeError, match="needs another Cutting2DEnvironment"):
        env.clone_from(object())
