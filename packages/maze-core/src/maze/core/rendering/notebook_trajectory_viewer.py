"""Trajectory viewer for Jupyter notebooks (ipywidgets): a step slider plus one control per renderer argument."""

from __future__ import annotations

from typing import Any

from maze.core.rendering.render_utils import renderer_arguments


class NotebookTrajectoryViewer:
    """Shows a recorded episode interactively in a notebook.

    Usage in a notebook cell::

        from maze.core.trajectory_recording.serialization import load_trajectory
        NotebookTrajectoryViewer(load_trajectory("trajectory_data/<id>.traj.zip")).build()

    Outside notebooks use ``python -m maze.core.rendering.trajectory_viewer`` (HTML page).

    :param episode_record: the recorded episode (a StateTrajectoryRecord with a renderer).
    :param renderer: renderer to use instead of the recorded one.
    """

    def __init__(self, episode_record: Any, renderer: Any = None) -> None:
        self.episode_record = episode_record
        self.renderer = renderer if renderer is not None else getattr(episode_record, "renderer", None)
        if self.renderer is None:
            raise ValueError(f"episode {getattr(episode_record, 'id', '?')} has no renderer; pass renderer=...")

    def build(self) -> None:
        """Build the widgets and show them (needs ipywidgets; call from a notebook cell)."""
        try:
            import ipywidgets
        except ImportError as exc:
            raise ImportError(
                "NotebookTrajectoryViewer needs ipywidgets (pip install ipywidgets jupyter); outside notebooks use "
                "`python -m maze.core.rendering.trajectory_viewer <file> --out viewer.html`"
            ) from exc
        n = len(self.episode_record.step_records)
        controls = {"step_id": ipywidgets.IntSlider(value=0, min=0, max=max(n - 1, 0), description="step",
                                                    continuous_update=False)}
        for arg in renderer_arguments(self.renderer):
            controls[arg.name] = arg.create_widget()
        ipywidgets.interact(self.render, **controls)

    def render(self, step_id: int, **kwargs: Any) -> Any:
        """Render step ``step_id`` with the given renderer arguments (called by the widgets)."""
        records = self.episode_record.step_records
        if not 0 <= int(step_id) < len(records):
            raise IndexError(f"step_id {step_id} out of range [0, {len(records) - 1}]")
        record = records[int(step_id)]
        return self.renderer.render(record.maze_state, record.maze_action, record.step_event_log or [], **kwargs)
