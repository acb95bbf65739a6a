"""Reference docs, step-by-step tutorial part 3: the MazeEnv with its observation and action conversions."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from tutorial_maze_env.part03_maze_env import main as part03_main
from tutorial_maze_env.part03_maze_env.env.core_env import Cutting2DCoreEnvironment
from tutorial_maze_env.part03_maze_env.env.maze_env import Cutting2DEnvironment, maze_env_factory
from tutorial_maze_env.part03_maze_env.space_interfaces.dict_action_conversion import ActionConversion

from maze.core.env.maze_env import MazeEnv
from maze.core.utils.factory import Factory
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper


def test_part03_script_steps_with_sampled_actions(capsys):
    part03_main.main()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 15
    messages = {"info {'msg': 'valid_cut'}", "info {'error': 'piece_id_out_of_bounds'}", "info {'error': 'invalid_cut'}"}
    assert all(line.split(" | ")[2] in messages for line in lines), lines
    assert all(line.split(" | ")[1] == "done False" for line in lines)


def test_part03_factory_builds_a_gymnasium_maze_env_with_the_documented_spaces():
    env = maze_env_factory(max_pieces_in_inventory=10, raw_piece_size=[100, 100], static_demand=(30, 15))
    assert isinstance(env, Cutting2DEnvironment) and isinstance(env, MazeEnv) and isinstance(env, gym.Env)
    assert isinstance(env.core_env, Cutting2DCoreEnvironment)
    assert set(env.observation_space.spaces) == {"inventory", "inventory_size", "ordered_piece"}
    assert env.observation_space["inventory"].shape == (10, 2)
    assert env.action_space["piece_idx"] == gym.spaces.Discrete(10)
    assert env.action_spaces_dict == {0: env.action_space} and env.observation_spaces_dict == {0: env.observation_space}

    obs, info = env.reset(seed=3)
    assert obs in env.observation_space and info == {}
    np.testing.assert_array_equal(obs["inventory"][0], [100, 100])
    assert obs["inventory_size"][0] == 1
    obs, reward, terminated, truncated, info = env.step({"piece_idx": 0, "cut_rotation": 0, "cut_order": 0})
    assert obs in env.observation_space and (reward, terminated, truncated) == (-1, False, False)
    np.testing.assert_array_equal(obs["inventory"][:3], [[70, 100], [30, 85], [100, 100]])
    assert obs["inventory_size"][0] == 3 and env.actor_id() == (0, 0) and not env.is_actor_done()
    # the MazeAction of the step is the converted action
    assert env.get_maze_action().piece_id == 0 and env.get_maze_action().rotate is False


def test_part03_action_conversion_round_trips():
    conversion = ActionConversion(max_pieces_in_inventory=4)
    action = {"piece_idx": 3, "cut_rotation": 1, "cut_order": 0}
    maze_action = conversion.space_to_maze(action, None)
    assert (maze_action.piece_id, maze_action.rotate, maze_action.reverse_cutting_order) == (3, True, False)
    assert conversion.maze_to_space(maze_action) == action and action in conversion.space()


def test_part03_env_config_of_the_docs_builds_the_env_through_the_factory():
    config = {"_target_": "tutorial_maze_env.part03_maze_env.env.maze_env.maze_env_factory",
              "max_pieces_in_inventory": 200, "raw_piece_size": [100, 100], "static_demand": [30, 15]}
    env = Factory(MazeEnv, kind="env").instantiate(config)
    assert isinstance(env, Cutting2DEnvironment) and env.observation_space["inventory"].shape == (200, 2)
    env = TimeLimitWrapper.wrap(env, max_episode_steps=3)
    env.reset()
    steps = [env.step(env.action_space.sample()) for _ in range(3)]
    assert [s[3] for s in steps] == [False, False, True]  # truncated at the limit


def test_part03_env_renders_with_the_tutorial_renderer():
    plt = pytest.importorskip("matplotlib.pyplot")
    env = maze_env_factory(max_pieces_in_inventory=10, raw_piece_size=[100, 100], static_demand=(30, 15))
    env.reset()
    env.step({"piece_idx": 0, "cut_rotation": 0, "cut_order": 1})
    env.render()  # the docs' renderer takes (maze_state, maze_action, events) only
    axes = plt.figure("Cutting 2D").axes
    assert [ax.get_title(loc="left") for ax in axes] == ["MazeAction", "Inventory Pieces"]
    plt.close("all")
