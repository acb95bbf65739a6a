"""Saves one PNG per step during rollouts (``runner.render=true``), using the env's Maze renderer."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from maze.core.rendering.render_utils import ensure_headless_backend, render_to_png
from maze.core.utils.atomic_write import atomic_write_bytes
from maze.core.wrappers.wrapper import Wrapper


class StepRenderingWrapper(Wrapper):
    """Renders every step into ``<output_dir>/episode_<e>_step_<s>.png`` with ``env.get_renderer()``.

    A frame shows the state before a step with the MazeAction taken in it and the step's events (as the
    trajectory viewer shows recorded steps); the final state of an episode is saved without action.
    Uses matplotlib's Agg backend when no display is available.

    :param env: the env to wrap.
    :param output_dir: target directory (created on first frame).
    :param dpi: resolution of figures.
    """

    def __init__(self, env: Any, output_dir: str | os.PathLike = "rendering", dpi: int = 80) -> None:
        super().__init__(env)
        ensure_headless_backend()
        self.output_dir = Path(output_dir)
        self.dpi = int(dpi)
        self.episode = -1
        self.step_index = 0
        self.frames_written = 0
        self._state: Any = None
        self._warned = False

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        obs, info = self.env.reset(seed=seed, options=options)
        self.episode += 1
        self.step_index = 0
        self._state = copy.deepcopy(self.env.get_maze_state())
        return obs, info

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._save(self._state, self.env.get_maze_action(), list(self.env.get_step_events()))
        self._state = copy.deepcopy(self.env.get_maze_state())
        self.step_index += 1
        if terminated or truncated:
            self._save(self._state, None, [])
        return obs, reward, terminated, truncated, info

    def _save(self, state: Any, action: Any, events: list) -> None:
        renderer = self.env.get_renderer()
        png = render_to_png(renderer, state, action, events, dpi=self.dpi) if renderer is not None else None
        if png is None:
            if not self._warned:
                self._warned = True
                print(f"[maze] render=true: {type(self.env.maze_env).__name__} produced no image (no Maze renderer for "
                      f"its states; gym envs may need env.render_mode=rgb_array)", flush=True)
            return
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / f"episode_{self.episode:04d}_step_{self.step_index:05d}.png"
        atomic_write_bytes(path, png)
        self.frames_written += 1
