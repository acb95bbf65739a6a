"""``runner.render=true`` on the masked structured Cutting-2D env: one frame per core step with its complete MazeAction,
and a legend that hides no marker."""

from __future__ import annotations

from typing import Any

import matplotlib
import pytest

matplotlib.use("Agg")

from maze.core.rollout.sequential_rollout_runner import SequentialRolloutRunner  # noqa: E402
from maze.core.trajectory_recording.serialization import find_trajectory_files, load_trajectory  # noqa: E402
from maze.core.utils.config_utils import make_env_from_options  # noqa: E402
from maze.envs.cutting2d.env.events import CuttingEvents  # noqa: E402
from maze.envs.cutting2d.env.maze_action import Cutting2DMazeAction  # noqa: E402
from maze.envs.cutting2d.env.maze_state import Cutting2DMazeState  # noqa: E402
from maze.envs.cutting2d.env.renderer import Cutting2DRenderer  # noqa: E402
from maze.envs.cutting2d.policies.greedy_policy import Cutting2DGreedyPolicy  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
CORE_STEPS = 6


class TitleRecordingRenderer(Cutting2DRenderer):
    """The env's renderer, also keeping what each frame was rendered from and the axes titles it drew."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[dict[str, Any]] = []

    def render(self, maze_state: Any, maze_action: Any | None, events: Any = None, **kwargs: Any) -> Any:
        fig = super().render(maze_state, maze_action, events, **kwargs)
        self.frames.append({"inventory": list(maze_state.inventory), "action": maze_action,
                            "titles": [ax.get_title(loc="left") for ax in fig.axes]})
        return fig


@pytest.fixture
def rendered_rollout(tmp_path):
    env = make_env_from_options("cutting2d_struct_masked", core_env={"max_steps": CORE_STEPS})
    renderer = TitleRecordingRenderer()
    env.core_env.renderer = renderer
    runner = SequentialRolloutRunner(n_episodes=1, render=True, record_trajectory=True)
    runner.output_dir = str(tmp_path)
    results = runner.run_with(env, Cutting2DGreedyPolicy(env.action_spaces_dict))
    trajectory = load_trajectory(find_trajectory_files(tmp_path / "trajectory_data")[0])
    return tmp_path, results, renderer, trajectory


def test_one_frame_per_core_step_with_the_complete_maze_action(rendered_rollout):
    out, results, renderer, trajectory = rendered_rollout
    assert results[0].steps == 2 * CORE_STEPS  # two sub-steps (select, cut) per core step
    core_steps = len(trajectory.step_records) - 1  # the recorder: one record per core step plus the final state
    assert core_steps == CORE_STEPS
    frames = sorted((out / "rendering").glob("*.png"))
    assert [f.name for f in frames] == [f"episode_0000_step_{i:05d}.png" for i in range(core_steps + 1)]
    assert all(f.read_bytes().startswith(PNG) for f in frames)
    action_frames = [f for f in renderer.frames if f["action"] is not None]
    assert len(action_frames) == core_steps and renderer.frames[-1]["action"] is None

    # every cut of the greedy policy was valid ...
    events = [e for record in trajectory.step_records for e in (record.step_event_log or [])]
    assert sum(1 for e in events if e.interface_method == CuttingEvents.valid_cut) == core_steps
    assert not any(e.interface_method == CuttingEvents.invalid_cut for e in events)
    # ... and no frame says otherwise
    for frame in renderer.frames:
        assert not any("invalid" in title for title in frame["titles"]), frame["titles"]
    assert [f["titles"][0] for f in action_frames] == ["MazeAction"] * core_steps

    # each frame pairs the state before the core step with that core step's complete MazeAction, as recorded
    for frame, record in zip(renderer.frames, trajectory.step_records):
        assert frame["inventory"] == list(record.maze_state.inventory)
        assert frame["action"] == record.maze_action


def _draw(renderer: Cutting2DRenderer, state: Cutting2DMazeState, action: Cutting2DMazeAction) -> tuple[Any, Any]:
    fig = renderer.render(state, action, None)
    fig.canvas.draw()
    return fig, fig.canvas.get_renderer()


def test_the_legend_hides_no_marker():
    """The selected piece sits in the upper left of the inventory plot, where the legend used to be."""
    state = Cutting2DMazeState(inventory=[(1, 4), (3, 3), (2, 2), (4, 4)], max_pieces_in_inventory=10, current_demand=(1, 2),
                               raw_piece_size=(4, 4))
    fig, mpl_renderer = _draw(Cutting2DRenderer(), state, Cutting2DMazeAction(0, False, False))
    inventory_ax = fig.axes[1]
    legend = inventory_ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["inventory pieces", "current demand", "cutting inventory piece"]
    legend_box = legend.get_window_extent(mpl_renderer)
    marker = next(line for line in inventory_ax.get_lines() if line.get_label() == "cutting inventory piece")
    assert marker.get_xydata().tolist() == [[1.0, 4.0]]
    assert not legend_box.overlaps(marker.get_window_extent(mpl_renderer))
    for line in inventory_ax.get_lines():  # no data marker at all under the legend
        assert not legend_box.overlaps(line.get_window_extent(mpl_renderer)), line.get_label()
    assert not legend_box.overlaps(inventory_ax.get_window_extent(mpl_renderer))
    assert fig.bbox.contains(legend_box.x1 - 1, legend_box.y0 + 1)  # on the figure, not cut off
