"""Browse a recorded episode step by step with the keyboard, in a matplotlib window."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from maze.core.rendering.render_utils import renderer_arguments
from maze.core.utils.matplotlib_utils import import_pyplot, is_figure


class KeyboardControlledTrajectoryViewer:
    """Render trajectory data with the possibility to browse back and forward through the episode steps using the
    keyboard.

    This is the simplest form of interactive rendering of an episode, useful for example to look at a trajectory ad
    hoc while the environment is still running. Inside Jupyter notebooks,
    :class:`~maze.core.rendering.notebook_trajectory_viewer.NotebookTrajectoryViewer` is more comfortable; without a
    display, ``python -m maze.core.rendering.trajectory_viewer`` writes an HTML page.

    Keys: ``right``/``n``/``space`` next step, ``left``/``p``/``backspace`` previous step, ``home``/``end`` first/last
    step, ``q``/``escape`` close the window. Usage::

        viewer = KeyboardControlledTrajectoryViewer(load_trajectory("trajectory_data/<id>.traj.zip"))
        viewer.show()     # blocks until the window is closed (needs an interactive matplotlib backend)

    :param episode_record: the recorded episode (a trajectory record with ``step_records`` and a ``renderer``).
    :param renderer: renderer to use instead of the recorded one.
    :param renderer_kwargs: renderer arguments (defaults: each argument's default value).
    :param initial_step_index: the step shown first.
    """

    NEXT_KEYS = ("right", "n", " ")
    PREVIOUS_KEYS = ("left", "p", "backspace")
    CLOSE_KEYS = ("q", "escape")

    def __init__(self, episode_record: Any, renderer: Any = None, renderer_kwargs: dict | None = None,
                 initial_step_index: int = 0) -> None:
        self.episode_record = episode_record
        self.renderer = renderer if renderer is not None else getattr(episode_record, "renderer", None)
        if self.renderer is None:
            raise ValueError(f"episode {getattr(episode_record, 'id', '?')} has no renderer; pass renderer=...")
        self.step_records = list(episode_record.step_records)
        if not self.step_records:
            raise ValueError(f"episode {getattr(episode_record, 'id', '?')} has no recorded steps")
        self.renderer_kwargs = {a.name: a.default_value() for a in renderer_arguments(self.renderer)}
        self.renderer_kwargs.update(renderer_kwargs or {})
        self.step_index = self._checked_index(initial_step_index)
        self.fig: Any = None
        self._connection: int | None = None

    def _checked_index(self, index: int) -> int:
        if not 0 <= int(index) < len(self.step_records):
            raise IndexError(f"step index {index} out of range [0, {len(self.step_records) - 1}]")
        return int(index)

    def _figure(self) -> Any:
        plt = import_pyplot()
        if self.fig is None or not plt.fignum_exists(self.fig.number):
            self.fig = plt.figure()
            self._connection = self.fig.canvas.mpl_connect("key_press_event", self._on_key)
        return self.fig

    def render(self, step_index: int | None = None) -> Any:
        """Draw step ``step_index`` (default: the current one) into the viewer's figure and return the figure."""
        plt = import_pyplot()
        if step_index is not None:
            self.step_index = self._checked_index(step_index)
        record = self.step_records[self.step_index]
        fig = self._figure()
        fig.clf()
        plt.figure(fig.number)  # renderers that draw into the current figure draw here
        result = self.renderer.render(record.maze_state, record.maze_action, list(record.step_event_log or []),
                                      **self.renderer_kwargs)
        if is_figure(result) and result is not fig:  # a figure of its own: show it as an image
            result = _figure_to_rgb(result)
        if isinstance(result, np.ndarray):
            fig.clf()
            ax = fig.add_subplot(1, 1, 1)
            ax.imshow(result)
            ax.set_axis_off()
        fig.suptitle(self.caption())
        fig.canvas.draw_idle()
        return fig

    def caption(self) -> str:
        """The caption of the current step (index, action or final state, reward)."""
        record = self.step_records[self.step_index]
        text = f"step {self.step_index}/{len(self.step_records) - 1}"
        if record.maze_action is None:
            return text + " (final state)"
        if getattr(record, "reward", None) is not None:
            text += f" | reward {record.reward}"
        return text + "  [left/right: browse, q: close]"

    def handle_key(self, key: str | None) -> bool:
        """React to one key press (see the class docstring); returns True if the key was a viewer key."""
        plt = import_pyplot()
        last = len(self.step_records) - 1
        if key in self.NEXT_KEYS:
            target = min(self.step_index + 1, last)
        elif key in self.PREVIOUS_KEYS:
            target = max(self.step_index - 1, 0)
        elif key == "home":
            target = 0
        elif key == "end":
            target = last
        elif key in self.CLOSE_KEYS:
            if self.fig is not None:
                plt.close(self.fig)
            return True
        else:
            return False
        self.render(target)
        return True

    def _on_key(self, event: Any) -> None:
        self.handle_key(event.key)

    def show(self) -> None:
        """Open the window at the current step and block until it is closed (interactive backends only)."""
        plt = import_pyplot()
        self.render()
        plt.show(block=True)


def _figure_to_rgb(figure: Any) -> np.ndarray:
    """Rasterize a figure the renderer returned (then closed) into an RGBA array."""
    plt = import_pyplot()
    buf = io.BytesIO()
    figure.savefig(buf, format="png", bbox_inches="tight")
    plt.close(figure)
    buf.seek(0)
    return plt.imread(buf)
