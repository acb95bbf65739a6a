"""Renderer for GymMazeEnvs.

Recorded gym observations (the MazeStates of a GymMazeEnv) of a few classic-control envs can be drawn
with matplotlib from the state alone (CartPole, Pendulum), so their trajectories can be viewed offline.
For other envs the renderer falls back to the live gymnasium env's ``render()`` (needs
``render_mode="rgb_array"``) and cannot render recorded states.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from maze.core.rendering.renderer import Renderer
from maze.core.utils.matplotlib_utils import import_pyplot


def _draw_cartpole(ax: Any, state: Any, action: Any) -> None:
    x, _, theta, _ = (float(v) for v in np.asarray(state, dtype=np.float64).reshape(-1)[:4])
    ax.axhline(0.0, color="0.3", lw=1)
    ax.add_patch(_rect((x - 0.25, -0.075), 0.5, 0.15, color="tab:blue"))
    ax.plot([x, x + np.sin(theta)], [0.0, np.cos(theta)], color="tab:orange", lw=4, solid_capstyle="round")
    ax.set_xlim(-2.6, 2.6)
    ax.set_ylim(-0.5, 1.3)
    ax.set_aspect("equal")
    title = f"x={x:+.2f}  θ={np.degrees(theta):+.1f}°"
    if action is not None:
        title += f"  action={'right' if int(np.asarray(action).reshape(-1)[0]) == 1 else 'left'}"
    ax.set_title(title, fontsize=9)


def _draw_pendulum(ax: Any, state: Any, action: Any) -> None:
    cos, sin, _ = (float(v) for v in np.asarray(state, dtype=np.float64).reshape(-1)[:3])
    ax.plot([0.0, sin], [0.0, cos], color="tab:red", lw=5, solid_capstyle="round")
    ax.plot([0.0], [0.0], "ko")
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    title = f"θ={np.degrees(np.arctan2(sin, cos)):+.1f}°"
    if action is not None:
        title += f"  torque={float(np.asarray(action).reshape(-1)[0]):+.2f}"
    ax.set_title(title, fontsize=9)


def _rect(xy: tuple[float, float], w: float, h: float, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(xy, w, h, color=color)


#: gymnasium env id prefix → function drawing a recorded state into an axes
STATE_DRAWERS: dict[str, Callable[[Any, Any, Any], None]] = {
    "CartPole": _draw_cartpole,
    "Pendulum": _draw_pendulum,
}


class GymRenderer(Renderer):
    """Renders GymMazeEnv states: from the state itself where a drawer is known, else the live env's image.

    :param env: the live gymnasium env (``None`` for renderers loaded from trajectory files).
    :param env_id: the gymnasium env id (taken from ``env.spec`` when not given).
    """

    def __init__(self, env: Any, env_id: str | None = None) -> None:
        self.env = env
        spec = getattr(env, "spec", None) if env is not None else None
        self.env_id = env_id if env_id is not None else (spec.id if spec is not None else None)

    def _drawer(self) -> Callable[[Any, Any, Any], None] | None:
        if not self.env_id:
            return None
        for prefix, drawer in STATE_DRAWERS.items():
            if str(self.env_id).split("/")[-1].startswith(prefix):
                return drawer
        return None

    def can_render_states(self) -> bool:
        """True if recorded states can be rendered (a state drawer is known for this env id)."""
        return self._drawer() is not None

    def render(self, maze_state: Any, maze_action: Any | None, events: list | None = None, **kwargs: Any) -> Any:
        """Draw the state into a new matplotlib figure (returned), or return the live env's RGB image.

        Returns ``None`` when neither is possible (no drawer and the live env has no ``rgb_array`` mode).
        """
        drawer = self._drawer()
        if drawer is not None and maze_state is not None:
            plt = import_pyplot()

            fig, ax = plt.subplots(figsize=(5, 2.6))
            drawer(ax, maze_state, maze_action)
            return fig
        if self.env is not None and getattr(self.env, "render_mode", None) is not None:
            return self.env.render()
        return None


def _register() -> None:
    from maze.core.trajectory_recording.serialization import register_trajectory_class

    register_trajectory_class(
        GymRenderer,
        to_state=lambda r: {"env_id": r.env_id},
        from_state=lambda cls, state: cls(None, env_id=state.get("env_id")),
    )


_register()
