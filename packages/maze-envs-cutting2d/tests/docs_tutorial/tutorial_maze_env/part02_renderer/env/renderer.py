"""Tutorial part 2: the Cutting-2D renderer (the MazeAction on the left, the inventory on the right)."""


import matplotlib.patches as patches
import matplotlib.pyplot as plt
import numpy as np

from maze.core.annotations import override
from maze.core.log_events.step_event_log import StepEventLog
from maze.core.rendering.renderer import Renderer

from .maze_action import Cutting2DMazeAction
from .maze_state import Cutting2DMazeState


class Cutting2DRenderer(Renderer):
    """Draws the selected piece with the order and the cutting lines, and a scatter plot of the inventory."""

    @override(Renderer)
    def render(self, maze_state: Cutting2DMazeState, maze_action: Cutting2DMazeAction | None,
               events: StepEventLog) -> None:
        """Draw ``maze_state`` and the ``maze_action`` taken in it into the figure "Cutting 2D".

        :param maze_state: the state to draw.
        :param maze_action: the action taken in it (``None``: none yet).
        :param events: the step's events (not drawn).
        """
        plt.figure("Cutting 2D", figsize=(8, 4))
        plt.clf()

        plt.subplot(121, aspect="equal")
        if maze_action is not None:
            self._plot_maze_action(maze_action, "MazeAction", maze_state)
        else:
            self._add_title("MazeAction (none)")

        plt.subplot(122, aspect="equal")
        self._plot_inventory(maze_state, maze_action)

        plt.tight_layout()
        plt.draw()
        plt.pause(0.1)

    def _plot_maze_action(self, maze_action: Cutting2DMazeAction, title: str, maze_state: Cutting2DMazeState) -> None:
        piece_to_cut = maze_state.inventory[maze_action.piece_id]
        if maze_action.rotate:
            piece_to_cut = piece_to_cut[::-1]
        plt.xlim([0, maze_state.raw_piece_size[0]])
        plt.ylim([0, maze_state.raw_piece_size[1]])
        self._draw_piece(piece_to_cut)
        self._draw_piece(maze_state.current_demand, highlight=True)
        self._draw_cutting_lines(maze_state.current_demand, piece_to_cut, maze_action.reverse_cutting_order)
        self._add_title(title)

    def _plot_inventory(self, maze_state: Cutting2DMazeState, maze_action: Cutting2DMazeAction | None) -> None:
        dims = np.sort(np.vstack(maze_state.inventory), axis=1)
        plt.plot(dims[:, 0], dims[:, 1], "ko", alpha=0.5, label="inventory pieces")
        demand = sorted(maze_state.current_demand)
        plt.plot(demand[0], demand[1], "o", color=(0.7, 0.2, 0.2), alpha=0.75, label="current demand")
        if maze_action is not None and maze_action.piece_id < len(dims):
            selected = dims[maze_action.piece_id]
            plt.plot(selected[0], selected[1], "bo", alpha=0.75, label="cutting inventory piece")
        plt.grid()
        plt.legend()
        plt.axis("equal")
        self._add_title("Inventory Pieces")

    @staticmethod
    def _draw_piece(piece: tuple[int, int], highlight: bool = False) -> None:
        color = (0.7, 0.2, 0.2) if highlight else (0.8, 0.8, 0.8)
        plt.gca().add_patch(patches.Rectangle((0, 0), piece[0], piece[1], facecolor=color))

    @staticmethod
    def _add_title(title: str) -> None:
        plt.title(title, fontdict=dict(fontsize=16, fontweight="bold", horizontalalignment="left"), loc="left")

    @staticmethod
    def _draw_cutting_lines(ordered_piece: tuple[int, int], piece_to_cut: tuple[int, int],
                            reverse_cutting_order: bool) -> None:
        """Dashed lines of the two guillotine cuts.

        :param ordered_piece: size of the ordered piece.
        :param piece_to_cut: the piece it is cut from.
        :param reverse_cutting_order: whether the first cut is along the y axis.
        """
        if reverse_cutting_order:
            horizontal = ((0, piece_to_cut[0]), (ordered_piece[1], ordered_piece[1]))
            vertical = ((ordered_piece[0], ordered_piece[0]), (0, ordered_piece[1]))
        else:
            horizontal = ((0, ordered_piece[0]), (ordered_piece[1], ordered_piece[1]))
            vertical = ((ordered_piece[0], ordered_piece[0]), (0, piece_to_cut[1]))
        plt.plot(*horizontal, color="black", linestyle="--")
        plt.plot(*vertical, color="black", linestyle="--")
