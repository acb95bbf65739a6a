"""KeyboardControlledTrajectoryViewer (browsing with key events) and NotebookEventLogsViewer (timelines of TSV
event logs written by a real rollout)."""

from __future__ import annotations

import numpy as np
import pytest
from line_walker_env import GreedyWalkerPolicy, LineWalkerEnv

from maze.core.log_events.log_events_writer_tsv import read_event_log_tsv
from maze.core.log_stats.log_stats import GlobalLogState
from maze.core.rendering.keyboard_controlled_trajectory_viewer import KeyboardControlledTrajectoryViewer
from maze.core.rendering.notebook_event_logs_viewer import NotebookEventLogsViewer
from maze.core.rollout.sequential_rollout_runner import SequentialRolloutRunner
from maze.core.trajectory_recording.serialization import load_trajectory
from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile
from maze.core.utils.seeding import MazeSeeding

plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture
def walker_record(tmp_path):
    writer = TrajectoryWriterFile(tmp_path / "trajectory_data")
    env = TrajectoryRecordingWrapper.wrap(LineWalkerEnv(size=10, max_steps=20), writers=[writer])
    obs, _ = env.reset(seed=0)  # walker at 4, goal at 8: 4 steps, 5 records
    done = False
    while not done:
        obs, _, terminated, truncated, _ = env.step(GreedyWalkerPolicy().compute_action(obs))
        done = terminated or truncated
    env.close()
    return load_trajectory(writer.written[0])


def _press(viewer, key):
    from matplotlib.backend_bases import KeyEvent

    viewer.fig.canvas.callbacks.process("key_press_event", KeyEvent("key_press_event", viewer.fig.canvas, key))


def test_keyboard_viewer_browses_the_steps_with_the_arrow_keys(walker_record):
    viewer = KeyboardControlledTrajectoryViewer(walker_record, renderer_kwargs={"marker_size": 8})
    fig = viewer.render()
    assert fig.axes[0].get_title() == "step 0 move 1" and fig._suptitle.get_text().startswith("step 0/4")
    _press(viewer, "right")
    _press(viewer, "right")
    assert viewer.step_index == 2 and fig.axes[0].get_title() == "step 2 move 1"
    _press(viewer, "left")
    assert viewer.step_index == 1
    _press(viewer, "end")
    assert viewer.step_index == 4 and "final state" in fig._suptitle.get_text()
    _press(viewer, "right")  # stays at the last step
    assert viewer.step_index == 4
    assert viewer.handle_key("x") is False and viewer.step_index == 4
    _press(viewer, "q")
    assert not plt.fignum_exists(fig.number)
    with pytest.raises(IndexError, match="out of range"):
        viewer.render(9)
    with pytest.raises(ValueError, match="no renderer"):
        KeyboardControlledTrajectoryViewer(type("Rec", (), {"renderer": None, "step_records": [1]})())


@pytest.fixture
def event_logs(tmp_path):
    GlobalLogState.reset()
    runner = SequentialRolloutRunner(n_episodes=3, record_event_logs=True)
    runner.output_dir = str(tmp_path)
    runner.maze_seeding = MazeSeeding(explicit_env_seeds=[0], agent_seed=0)
    runner.run_with(LineWalkerEnv(size=10, max_steps=12), GreedyWalkerPolicy())
    return tmp_path / "event_logs"


def test_event_logs_viewer_timelines_average_over_episodes(event_logs):
    viewer = NotebookEventLogsViewer(event_logs)
    assert "WalkEvents.moved" in viewer.event_names
    assert viewer.numeric_columns("WalkEvents.moved") == ["position", "direction"]
    rows = read_event_log_tsv(event_logs / "WalkEvents.moved.tsv")
    episodes = sorted({r["episode_id"] for r in rows})
    assert len(episodes) == 3
    steps, means, stds = viewer.timeline("WalkEvents.moved", "position")[None]
    by_episode = {(r["episode_id"], int(r["env_time"])): float(r["position"]) for r in rows}
    for step, mean, std in zip(steps, means, stds):
        values = [by_episode.get((e, step), 0.0) for e in episodes]
        assert mean == pytest.approx(np.mean(values)) and std == pytest.approx(np.std(values))
    grouped = viewer.timeline("WalkEvents.moved", "position", group_by="direction")
    assert set(grouped) <= {"-1", "0", "1"} and grouped
    fig = viewer.render("WalkEvents.moved", "position", group_by="direction")
    assert len(fig.axes[0].lines) == len(grouped)
    plt.close(fig)
    with pytest.raises(ValueError, match="not a numeric attribute"):
        viewer.timeline("WalkEvents.moved", "episode_id")
    with pytest.raises(KeyError, match="no event log for 'Nope.x'"):
        viewer.rows("Nope.x")
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="needs ipywidgets"):
            viewer.build()


def test_event_logs_viewer_needs_a_directory_of_logs(tmp_path):
    with pytest.raises(FileNotFoundError, match="no event logs directory"):
        NotebookEventLogsViewer(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="no TSV event logs"):
        NotebookEventLogsViewer(tmp_path)
