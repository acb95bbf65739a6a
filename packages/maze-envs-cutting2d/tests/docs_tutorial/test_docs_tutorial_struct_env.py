"""Reference docs, "Structured Environments and Action Masking": the structured Cutting-2D env (piece selection, then
cutting) and its masked version, written as ``Wrapper[MazeEnv]`` subclasses as in the docs."""

from __future__ import annotations

import numpy as np
from tutorial_maze_env.part03_maze_env.env.maze_env import Cutting2DEnvironment
from tutorial_maze_env.part06_struct_env import main as part06_main
from tutorial_maze_env.part06_struct_env.env.maze_action import Cutting2DMazeAction
from tutorial_maze_env.part06_struct_env.env.struct_env import StructuredCutting2DEnvironment, struct_env_factory
from tutorial_maze_env.part06_struct_env.env.struct_env_masked import MaskedStructuredCutting2DEnvironment
from tutorial_maze_env.part06_struct_env.env.struct_env_masked import struct_env_factory as masked_struct_env_factory

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.env.structured_env import ActorID, StructuredEnv
from maze.core.log_stats.log_stats import LogStatsLevel
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper
from maze.envs.cutting2d.policies.greedy_policy import Cutting2DGreedyPolicy

#: the docs' "simple problem": six orders that fill one 4x3 raw piece
SIMPLE = dict(max_pieces_in_inventory=50, raw_piece_size=(4, 3),
              static_demand=[(1, 2), (1, 2), (1, 1), (2, 2), (1, 2), (1, 1)])


def test_part06_script_prints_alternating_spaces(capsys):
    part06_main.main()
    out = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines())
    assert "piece_idx" in out["action_space 1"] and "cut_order" not in out["action_space 1"]
    assert "cut_order" in out["action_space 2"] and "cut_rotation" in out["action_space 2"]
    assert out["observation 1"].strip() == "dict_keys(['inventory', 'inventory_size', 'ordered_piece'])"
    assert out["observation 2"].strip() == "dict_keys(['selected_piece', 'ordered_piece'])"


def test_part06_structured_env_alternates_sub_steps_and_steps_the_flat_env_once():
    env = struct_env_factory(**SIMPLE)
    assert isinstance(env, StructuredCutting2DEnvironment) and isinstance(env, StructuredEnv)
    assert isinstance(env, Cutting2DEnvironment)  # the wrapper is transparent for isinstance
    assert env.agent_counts_dict == {0: 1, 1: 1}
    obs, info = env.reset()
    assert env.actor_id() == ActorID(0, 0) and obs in env.observation_spaces_dict[0]
    assert env.get_env_time() == 0

    obs, reward, terminated, truncated, _ = env.step({"piece_idx": 0})
    assert env.actor_id() == ActorID(1, 0) and obs in env.observation_spaces_dict[1]
    np.testing.assert_array_equal(obs["selected_piece"], [4, 3])
    np.testing.assert_array_equal(obs["ordered_piece"], [1, 2])
    assert (reward, terminated, truncated) == (0.0, False, False) and env.get_env_time() == 0

    obs, reward, *_ = env.step({"cut_rotation": 0, "cut_order": 0})
    assert env.actor_id() == ActorID(0, 0) and env.get_env_time() == 1
    assert reward == -1  # the raw piece was used
    np.testing.assert_array_equal(env.get_actor_rewards(), [-0.5, -0.5])
    np.testing.assert_array_equal(obs["ordered_piece"], [1, 2])  # the second order of the demand
    assert env.core_env.inventory.pieces == [(3, 3), (1, 1), (4, 3)]


def test_part06_recorded_state_and_action_convert_to_both_sub_steps():
    env = struct_env_factory(**SIMPLE)
    env.reset()
    state = env.get_maze_state()
    obs_dict, act_dict = env.get_observation_and_action_dicts(state, Cutting2DMazeAction(0, True, False), True)
    assert act_dict == {0: {"piece_idx": 0}, 1: {"cut_rotation": 1, "cut_order": 0}}
    np.testing.assert_array_equal(obs_dict[1]["selected_piece"], [4, 3])
    assert set(obs_dict[0]) == {"inventory", "inventory_size", "ordered_piece"}


def test_part06_masks_allow_only_pieces_and_rotations_the_order_fits():
    env = masked_struct_env_factory(**SIMPLE)
    assert isinstance(env, MaskedStructuredCutting2DEnvironment)
    assert env.observation_spaces_dict[0]["inventory_mask"].shape == (50,)
    obs, _ = env.reset()
    assert obs in env.observation_spaces_dict[0]
    np.testing.assert_array_equal(np.nonzero(obs["inventory_mask"])[0], [0])  # only the raw piece is there
    for action in ({"piece_idx": 0}, {"cut_rotation": 0, "cut_order": 0}):  # cut (1, 2) from (4, 3)
        obs, *_ = env.step(action)
    # inventory (3, 3), (1, 1), (4, 3); order (1, 2) fits into (3, 3) and (4, 3)
    np.testing.assert_array_equal(obs["inventory_mask"][:4], [1, 0, 1, 0])
    obs, *_ = env.step({"piece_idx": 1})  # the (1, 1) piece: the order fits in no rotation
    np.testing.assert_array_equal(obs["cutting_mask"], [0, 0])
    assert obs in env.observation_spaces_dict[1]
    env.step({"cut_rotation": 0, "cut_order": 0})  # an invalid cut
    obs, *_ = env.step({"piece_idx": 0})  # order (1, 1) now: fits (3, 3) in both rotations
    np.testing.assert_array_equal(obs["cutting_mask"], [1, 1])


def test_part06_greedy_policy_reaches_the_documented_optimum_in_180_steps():
    """The docs: the optimum of a 180-step episode uses 30 raw pieces (31 entering the inventory)."""
    env = LogStatsWrapper.wrap(TimeLimitWrapper.wrap(masked_struct_env_factory(**SIMPLE), max_episode_steps=180))
    policy = Cutting2DGreedyPolicy(env.action_spaces_dict)
    obs, _ = env.reset()
    total, sub_steps, done = 0.0, 0, False
    while not done:
        action = policy.compute_action(obs, maze_state=env.get_maze_state(), actor_id=env.actor_id())
        obs, reward, terminated, truncated, _ = env.step(action)
        total, sub_steps, done = total + reward, sub_steps + 1, terminated or truncated
    assert truncated and sub_steps == 360 and total == -30
    env.reset()
    # the statistics count core steps: two sub-steps are one step
    assert env.get_stats_value(BaseEnvEvents.reward, LogStatsLevel.EPISODE, name="count") == 180
