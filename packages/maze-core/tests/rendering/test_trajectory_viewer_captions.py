"""Trajectory viewer: captions carry the MazeAction's values; the Cutting-2D frames have axis labels and a legend
that covers no data."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from line_walker_env import GreedyWalkerPolicy, LineWalkerEnv

from maze.core.rendering.renderer import format_maze_action
from maze.core.rendering.trajectory_viewer import frames_to_html, render_trajectory_frames
from maze.core.trajectory_recording.serialization import load_trajectory
from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile

pytest.importorskip("matplotlib", reason="rendering needs maze-core[render]")


def _record(env, policy, tmp_path, seed: int = 0):
    writer = TrajectoryWriterFile(tmp_path / "trajectory_data")
    env = TrajectoryRecordingWrapper.wrap(env, writers=[writer])
    obs, _ = env.reset(seed=seed)
    done = False
    while not done:
        action = policy.compute_action(obs, maze_state=env.get_maze_state(), env=env, actor_id=env.actor_id())
        obs, _, terminated, truncated, _ = env.step(action)
        done = terminated or truncated
    env.close()
    return load_trajectory(writer.written[0])  # read back from its file, as the viewer does


def test_format_maze_action_lists_field_values():
    @dataclass
    class Move:
        direction: int
        speed: float

    class Slotted:
        __slots__ = ("piece_id", "rotate")

        def __init__(self) -> None:
            self.piece_id, self.rotate = 3, True

    assert format_maze_action(Move(-1, 0.5)) == "direction=-1, speed=0.5"
    assert format_maze_action(Slotted()) == "piece_id=3, rotate=True"
    assert format_maze_action({"order": 2}) == "order=2"
    assert format_maze_action(None) == "no action"
    assert format_maze_action(7) == "7"


def test_captions_of_a_recorded_walk_name_each_move(tmp_path):
    trajectory = _record(LineWalkerEnv(size=10, max_steps=20), GreedyWalkerPolicy(), tmp_path)
    frames = render_trajectory_frames(trajectory)
    captions = [c for c, _ in frames]
    assert len(captions) == len(trajectory.step_records)
    for caption, record in zip(captions[:-1], trajectory.step_records):
        assert f"| move={record.maze_action.move} |" in caption, caption
    assert captions[-1].endswith("(final state)")
    assert captions[0] in frames_to_html(frames)


def test_cutting2d_captions_and_figure_artists(tmp_path):
    pytest.importorskip("maze.envs.cutting2d", reason="needs maze-envs-cutting2d")
    import matplotlib

    matplotlib.use("Agg")
    from maze.core.utils.config_utils import make_env_from_options
    from maze.envs.cutting2d.policies.greedy_policy import Cutting2DGreedyPolicy

    env = make_env_from_options("cutting2d_struct_masked", core_env={"max_steps": 5})
    trajectory = _record(env, Cutting2DGreedyPolicy(env.action_spaces_dict), tmp_path)
    captions = [c for c, _ in render_trajectory_frames(trajectory)]
    assert len(captions) == 6
    for caption, record in zip(captions, trajectory.step_records[:-1]):
        action, state = record.maze_action, record.maze_state
        piece = state.inventory[action.piece_id]
        expected = (f"piece {action.piece_id} ({piece[0]}×{piece[1]}), rotate={action.rotate}, "
                    f"cut {'y' if action.reverse_cutting_order else 'x'} first")
        assert expected in caption, caption
        assert "Cutting2DMazeAction" not in caption
        assert re.search(r"\| reward -?\d+\.\d{3} \| return -?\d+\.\d{3}", caption)

    # the frames' figure: axis labels on both plots, the legend outside the data
    renderer = trajectory.renderer
    record = trajectory.step_records[2]
    fig = renderer.render(record.maze_state, record.maze_action, None)
    fig.canvas.draw()
    mpl_renderer = fig.canvas.get_renderer()
    action_ax, inventory_ax = fig.axes
    assert action_ax.get_xlabel() and action_ax.get_ylabel()
    assert (inventory_ax.get_xlabel(), inventory_ax.get_ylabel()) == ("shorter side", "longer side")
    legend_box = inventory_ax.get_legend().get_window_extent(mpl_renderer)
    data_box = inventory_ax.get_window_extent(mpl_renderer)
    assert not legend_box.overlaps(data_box)
    for line in inventory_ax.get_lines():
        assert not legend_box.overlaps(line.get_window_extent(mpl_renderer)), line.get_label()
    assert fig.bbox.contains(legend_box.x1 - 1, legend_box.y1 - 1)
