"""Reference docs, step-by-step tutorial parts 1 and 2: the Cutting-2D CoreEnv and its renderer.

The tutorial code is typed out in ``tutorial_maze_env`` (gymnasium adaptation: ``step`` returns five values,
``reset`` returns ``(maze_state, info)``); these tests run the parts' test scripts and check what the docs say they do.
"""

from __future__ import annotations

import pytest
from tutorial_maze_env.part01_core_env import main as part01_main
from tutorial_maze_env.part01_core_env.env.core_env import Cutting2DCoreEnvironment
from tutorial_maze_env.part01_core_env.env.inventory import Inventory
from tutorial_maze_env.part01_core_env.env.maze_action import Cutting2DMazeAction
from tutorial_maze_env.part01_core_env.env.maze_state import Cutting2DMazeState

from maze.core.env.core_env import CoreEnv
from maze.core.rendering.renderer import Renderer


def test_part01_script_prints_the_documented_first_steps(capsys):
    part01_main.main()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 15
    # the docs' output: the raw piece is cut first (reward -1: a new raw piece), then its residuals
    assert lines[:3] == ["reward -1 | done False | info {'msg': 'valid_cut'}",
                         "reward 0 | done False | info {'msg': 'valid_cut'}",
                         "reward 0 | done False | info {'msg': 'valid_cut'}"]


def test_part01_core_env_cuts_stores_residuals_and_replenishes():
    env = Cutting2DCoreEnvironment(max_pieces_in_inventory=5, raw_piece_size=[100, 100], static_demand=(30, 15))
    assert isinstance(env, CoreEnv)
    state, info = env.reset()
    assert isinstance(state, Cutting2DMazeState) and info == {}
    assert state.inventory == [(100, 100)] and state.current_demand == (30, 15)

    state, reward, terminated, truncated, info = env.step(Cutting2DMazeAction(0, rotate=False, reverse_cutting_order=False))
    # x first: residual (70, 100), then (30, 85); the cut raw piece is replenished
    assert state.inventory == [(70, 100), (30, 85), (100, 100)]
    assert (reward, terminated, truncated, info) == (-1, False, False, {"msg": "valid_cut"})

    state, reward, _, _, info = env.step(Cutting2DMazeAction(1, rotate=True, reverse_cutting_order=True))
    # (30, 85) with the order rotated to (15, 30), y first: residuals (30, 55) then (15, 30)
    assert state.inventory == [(70, 100), (100, 100), (30, 55), (15, 30)] and reward == 0

    state, reward, _, _, info = env.step(Cutting2DMazeAction(3, rotate=True, reverse_cutting_order=False))
    # (15, 30) holds the rotated order exactly: no residuals
    assert info == {"msg": "valid_cut"} and state.inventory == [(70, 100), (100, 100), (30, 55)]
    _, reward, _, _, info = env.step(Cutting2DMazeAction(9, rotate=False, reverse_cutting_order=False))
    assert info == {"error": "piece_id_out_of_bounds"} and reward == 0
    _, reward, _, _, info = env.step(Cutting2DMazeAction(0, rotate=True, reverse_cutting_order=False))
    assert info == {"msg": "valid_cut"}
    # the reset starts over
    state, _ = env.reset()
    assert state.inventory == [(100, 100)]


def test_part01_inventory_discards_the_oldest_piece_when_full():
    inventory = Inventory(max_pieces_in_inventory=2, raw_piece_size=(10, 10))
    inventory.store_piece((1, 1))
    inventory.store_piece((2, 2))
    assert inventory.is_full()
    inventory.replenish_piece()
    assert inventory.pieces == [(2, 2), (10, 10)] and inventory.size() == 2
    # an order that does not fit is an invalid cut and changes nothing
    assert not inventory.cut(Cutting2DMazeAction(0, False, False), (3, 1))
    assert inventory.pieces == [(2, 2), (10, 10)]


def test_part02_renderer_draws_action_and_inventory(capsys):
    plt = pytest.importorskip("matplotlib.pyplot")
    from tutorial_maze_env.part02_renderer import main as part02_main
    from tutorial_maze_env.part02_renderer.env.core_env import Cutting2DCoreEnvironment as RenderedCoreEnv

    part02_main.main(n_steps=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["reward -1 | done False | info {'msg': 'valid_cut'}",
                     "reward 0 | done False | info {'msg': 'valid_cut'}"]
    figure = plt.figure("Cutting 2D")
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles == ["MazeAction", "Inventory Pieces"]
    # the action panel shows the piece, the order and two dashed cutting lines
    action_axes = figure.axes[0]
    assert len(action_axes.patches) == 2 and len(action_axes.lines) == 2
    assert all(line.get_linestyle() == "--" for line in action_axes.lines)

    env = RenderedCoreEnv(max_pieces_in_inventory=10, raw_piece_size=[100, 100], static_demand=(30, 15))
    assert isinstance(env.get_renderer(), Renderer)
    state, _ = env.reset()
    env.get_renderer().render(state, None, None)
    assert [ax.get_title(loc="left") for ax in plt.figure("Cutting 2D").axes] == ["MazeAction (none)",
                                                                                 "Inventory Pieces"]
    plt.close("all")
