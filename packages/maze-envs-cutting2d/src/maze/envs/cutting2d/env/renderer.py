"""Matplotlib renderer of the Cutting-2D env (works with headless backends such as Agg)."""

from __future__ import annotations

from typing import Any

import numpy as np

from maze.core.rendering.renderer import Renderer
from maze.core.trajectory_recording.serialization import register_trajectory_class
from maze.core.utils.matplotlib_utils import import_pyplot


class Cutting2DRenderer(Renderer):
    """Shows the MazeAction (the selected piece, the order and the cutting lines) on the left and the
    inventory (pieces by their sorted dimensions, the order and the selected piece) on the right; the legend sits
    outside the inventory axes, so it covers no marker. :meth:`describe_maze_action` gives the action's values
    (piece, rotation, cutting order) for viewer captions.

    ``render`` draws into the matplotlib figure ``"Cutting 2D"`` (created once, reused). Keyword arguments:

    * ``render_mode``: ``"rgb_array"`` returns an ``(H, W, 3)`` uint8 image; ``"human"`` shows the
      figure (only with an interactive backend); otherwise the figure is returned.
    * ``save_path``: also save the figure to this file (e.g. a ``.png``).

    matplotlib is imported on first use, so the env works without a display and without matplotlib installed;
    rendering then fails naming the extra to install (``pip install maze-envs-cutting2d[render]``).
    """

    figure_name = "Cutting 2D"

    def __init__(self) -> None:
        self._fig: Any = None

    def _figure(self) -> Any:
        plt = import_pyplot("rendering", extra="maze-envs-cutting2d[render]")

        if self._fig is None or not plt.fignum_exists(self._fig.number):
            self._fig = plt.figure(self.figure_name, figsize=(10, 4))
        self._fig.clf()
        return self._fig

    def render(self, maze_state: Any, maze_action: Any | None, events: Any = None, **kwargs: Any) -> Any:
        """Render ``maze_state`` and the ``maze_action`` taken in it (``events`` are not used)."""
        render_mode = kwargs.get("render_mode")
        save_path = kwargs.get("save_path")
        fig = self._figure()
        ax_action = fig.add_subplot(121, aspect="equal")
        piece = self._selected_piece(maze_state, maze_action)
        if maze_action is None:
            self._add_title(ax_action, "MazeAction (none)")
        elif piece is None:
            self._add_title(ax_action, f"invalid piece {maze_action.piece_id}")
        else:
            self._plot_maze_action(ax_action, maze_state, maze_action, piece)
        ax_inventory = fig.add_subplot(122)
        self._plot_inventory(ax_inventory, maze_state, piece)
        fig.tight_layout()
        if save_path:
            fig.savefig(save_path)
        if render_mode == "rgb_array":
            fig.canvas.draw()
            return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
        if render_mode == "human":
            import matplotlib
            import matplotlib.pyplot as plt

            if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo", "template"):
                plt.pause(0.001)
        return fig

    def describe_maze_action(self, maze_state: Any, maze_action: Any | None) -> str:
        """``piece 0 (4×3), rotate=False, cut x first`` (``invalid piece 7`` for an index outside the inventory)."""
        if maze_action is None:
            return "no action"
        piece = self._selected_piece(maze_state, maze_action)
        where = f"piece {maze_action.piece_id} ({piece[0]}×{piece[1]})" if piece is not None else f"invalid piece {maze_action.piece_id}"
        order = "y first" if maze_action.reverse_cutting_order else "x first"
        return f"{where}, rotate={maze_action.rotate}, cut {order}"

    @staticmethod
    def _selected_piece(maze_state: Any, maze_action: Any | None) -> tuple[int, int] | None:
        if maze_action is None or not 0 <= maze_action.piece_id < len(maze_state.inventory):
            return None
        return tuple(maze_state.inventory[maze_action.piece_id])

    def _plot_maze_action(self, ax: Any, maze_state: Any, maze_action: Any, piece: tuple[int, int]) -> None:
        import matplotlib.patches as patches

        order = tuple(maze_state.current_demand)
        if maze_action.rotate:
            order = order[::-1]
        ax.set_xlim(0, maze_state.raw_piece_size[0])
        ax.set_ylim(0, maze_state.raw_piece_size[1])
        ax.add_patch(patches.Rectangle((0, 0), piece[0], piece[1], facecolor=(0.8, 0.8, 0.8)))
        ax.add_patch(patches.Rectangle((0, 0), order[0], order[1], facecolor=(0.7, 0.2, 0.2)))
        # cutting lines: the first cut spans the whole piece, the second only the remaining strip
        if maze_action.reverse_cutting_order:
            ax.plot((0, piece[0]), (order[1], order[1]), color="black", linestyle="--")
            ax.plot((order[0], order[0]), (0, order[1]), color="black", linestyle="--")
        else:
            ax.plot((order[0], order[0]), (0, piece[1]), color="black", linestyle="--")
            ax.plot((0, order[0]), (order[1], order[1]), color="black", linestyle="--")
        fits = order[0] <= piece[0] and order[1] <= piece[1]
        ax.set_xlabel("x (raw piece units)")
        ax.set_ylabel("y")
        self._add_title(ax, "MazeAction" + ("" if fits else " (invalid cut)"))

    def _plot_inventory(self, ax: Any, maze_state: Any, piece: tuple[int, int] | None) -> None:
        if maze_state.inventory:
            dims = np.sort(np.asarray(maze_state.inventory, dtype=float).reshape(-1, 2), axis=1)
            ax.plot(dims[:, 0], dims[:, 1], "ko", alpha=0.5, label="inventory pieces")
        order = sorted(maze_state.current_demand)
        ax.plot(order[0], order[1], "o", color=(0.7, 0.2, 0.2), alpha=0.75, label="current demand")
        if piece is not None:
            p = sorted(piece)
            ax.plot(p[0], p[1], "bo", alpha=0.75, label="cutting inventory piece")
        ax.grid()
        ax.set_xlabel("shorter side")
        ax.set_ylabel("longer side")
        # outside the axes: a legend inside would cover the markers of small pieces (the selected one among them)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize=8)
        ax.axis("equal")
        self._add_title(ax, f"Inventory Pieces ({len(maze_state.inventory)})")

    @staticmethod
    def _add_title(ax: Any, title: str) -> None:
        ax.set_title(title, fontdict={"fontsize": 14, "fontweight": "bold"}, loc="left")


# the renderer is rebuilt from trajectory data (the figure is not part of its state)
register_trajectory_class(Cutting2DRenderer, lambda r: {}, lambda cls, d: cls())
