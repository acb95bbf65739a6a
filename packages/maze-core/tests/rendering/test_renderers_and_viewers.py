"""Renderers (stats renderers, renderer args), rendering during sequential rollouts, and the trajectory viewers."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest
from line_walker_env import GreedyWalkerPolicy, LineWalkerEnv, WalkEvents

from maze.core.events.event_record import EventRecord
from maze.core.rendering.events_stats_renderer import EventStatsRenderer
from maze.core.rendering.notebook_trajectory_viewer import NotebookTrajectoryViewer
from maze.core.rendering.renderer_args import IntRangeArg, OptionsArrayArg
from maze.core.rendering.step_stats_renderer import StepStatsRenderer
from maze.core.rendering.trajectory_viewer import main as viewer_main
from maze.core.rollout.sequential_rollout_runner import SequentialRolloutRunner
from maze.core.trajectory_recording.serialization import find_trajectory_files, load_trajectory
from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv

PNG = b"\x89PNG\r\n\x1a\n"


def _moved(position, direction):
    return EventRecord(WalkEvents, WalkEvents.moved, {"position": position, "direction": direction})


def _reward(value):
    from maze.core.env.base_env_events import BaseEnvEvents

    return EventRecord(BaseEnvEvents, BaseEnvEvents.reward, {"value": value})


def test_event_stats_renderer_plots_aggregated_and_cumulative_series():
    log = [[_reward(1.0)], [_reward(-2.0)], [], [_reward(0.5), _reward(0.5)]]
    renderer = EventStatsRenderer()
    fig = renderer.render_current_episode_stats(log)  # default: BaseEnvEvents.reward value, cumsum
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_allclose(line.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_allclose(line.get_ydata(), [1.0, -1.0, -1.0, 0.0])  # sum per step, then cumulative
    events = [[_moved(3, 1), _moved(4, 1)], [_moved(4, 0)], [_moved(3, -1)]]
    fig = renderer.render_current_episode_stats(events, "WalkEvents.moved", "position", aggregation_func="max",
                                                group_by="direction", post_processing_func=None)
    series = {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in fig.axes[0].get_lines()}
    assert series == {"direction=-1": ([2], [3.0]), "direction=0": ([1], [4.0]), "direction=1": ([0], [4.0])}
    with pytest.raises(ValueError, match="has no attribute 'speed'"):
        renderer.render_current_episode_stats(events, "WalkEvents.moved", "speed")
    with pytest.raises(ValueError, match="unknown aggregation_func 'median'"):
        renderer.render_current_episode_stats(events, "WalkEvents.moved", "position", aggregation_func="median")
    renderer.close()


def test_step_stats_renderer_accumulates_steps():
    renderer = StepStatsRenderer()
    for r in (1.0, 2.0, 3.0):
        renderer.record_step([_reward(r)])
    fig = renderer.render_stats()
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), [1.0, 3.0, 6.0])
    fig = renderer.render_stats(cumulative=False)
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), [1.0, 2.0, 3.0])
    renderer.close()


def test_renderer_args_validate_and_parse():
    arg = IntRangeArg("driver", "Driver", 0, 3)
    assert arg.default_value() == 0 and arg.parse("2") == 2
    with pytest.raises(ValueError, match=r"'driver' must be in \[0, 3\], got 5"):
        arg.parse("5")
    options = OptionsArrayArg("mode", "Mode", ["a", ("Bee", "b")])
    assert options.default_value() == "a" and options.parse("Bee") == "b"
    with pytest.raises(ValueError, match="must be one of"):
        options.parse("c")
    with pytest.raises(ValueError, match="min_value 3 > max_value 1"):
        IntRangeArg("x", "X", 3, 1)
    with pytest.raises(ImportError, match="ipywidgets"):
        arg.create_widget()


def test_sequential_rollout_with_render_saves_one_png_per_step(tmp_path):
    runner = SequentialRolloutRunner(n_episodes=2, render=True, record_trajectory=True)
    runner.output_dir = str(tmp_path)
    results = runner.run_with(LineWalkerEnv(size=8, max_steps=6), GreedyWalkerPolicy())
    frames = sorted((tmp_path / "rendering").glob("*.png"))
    # one frame per step plus the final state of each episode
    assert len(frames) == sum(r.steps + 1 for r in results)
    assert frames[0].name == "episode_0000_step_00000.png" and frames[0].read_bytes().startswith(PNG)
    assert len(find_trajectory_files(tmp_path / "trajectory_data")) == 2


@pytest.fixture
def walker_trajectory(tmp_path):
    writer = TrajectoryWriterFile(tmp_path / "trajectory_data")
    env = TrajectoryRecordingWrapper.wrap(LineWalkerEnv(size=10, max_steps=20), writers=[writer])
    obs, _ = env.reset(seed=0)  # walker at 4, goal at 8: 4 steps
    done = False
    while not done:
        obs, _, term, trunc, _ = env.step(GreedyWalkerPolicy().compute_action(obs))
        done = term or trunc
    env.close()
    return writer.written[0]


def _frames(html: str) -> tuple[list[bytes], list[str]]:
    frames = json.loads(re.search(r"const frames = (\[.*?\]);", html).group(1))
    captions = json.loads(re.search(r"const captions = (\[.*?\]);", html).group(1))
    return [base64.b64decode(f) for f in frames], captions


def test_html_viewer_renders_every_recorded_step(walker_trajectory, tmp_path, capsys):
    out, gif = tmp_path / "view" / "viewer.html", tmp_path / "view" / "viewer.gif"
    code = viewer_main([str(walker_trajectory), "--out", str(out), "--gif", str(gif), "--arg", "marker_size=12",
                        "--arg", "color=red"])
    assert code == 0, capsys.readouterr().err
    html = out.read_text()
    assert "<script src" not in html and "http" not in html  # self-contained
    frames, captions = _frames(html)
    record = load_trajectory(walker_trajectory)
    assert len(frames) == len(record) == 5 and all(f.startswith(PNG) for f in frames)
    assert captions[0].startswith("step 0/4 | move=1 | reward -0.300") and captions[-1] == "step 4/4 (final state)"
    assert "terminated" in captions[-2]
    assert len({f for f in frames}) == 5  # every step looks different
    from PIL import Image

    with Image.open(gif) as im:
        assert im.n_frames == 5
    # bad renderer argument → exit code 2 and a message naming the argument
    assert viewer_main([str(walker_trajectory), "--out", str(out), "--arg", "marker_size=99"]) == 2
    assert "'marker_size' must be in [6, 20], got 99" in capsys.readouterr().err


def test_html_viewer_cli_on_a_recorded_cartpole_episode(tmp_path):
    """The viewer as its own process (no Jupyter) on a gym env: CartPole states are drawn from the recording."""
    writer = TrajectoryWriterFile(tmp_path / "data")
    env = TrajectoryRecordingWrapper.wrap(GymMazeEnv(gym.make("CartPole-v1")), writers=[writer])
    env.reset(seed=1)
    for _ in range(6):
        env.step({"action": 1})
    env.close()
    out = tmp_path / "cartpole.html"
    proc = subprocess.run([sys.executable, "-m", "maze.core.rendering.trajectory_viewer", str(tmp_path / "data"), "--out",
                           str(out)], capture_output=True, text=True, timeout=120, env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 0, proc.stderr
    frames, captions = _frames(out.read_text())
    assert len(frames) == 7 and captions[-1] == "step 6/6 (final state)"
    from PIL import Image

    with Image.open(io.BytesIO(frames[0])) as im:
        assert im.size[0] > 100 and im.size[1] > 50


def test_notebook_viewer_renders_steps_and_needs_ipywidgets(walker_trajectory):
    import matplotlib.pyplot as plt

    viewer = NotebookTrajectoryViewer(load_trajectory(walker_trajectory))
    plt.figure()
    viewer.render(2, marker_size=10)
    assert plt.gca().get_title() == "step 2 move 1"
    plt.close("all")
    with pytest.raises(IndexError, match="out of range"):
        viewer.render(9)
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="python -m maze.core.rendering.trajectory_viewer"):
            viewer.build()
