"""Saves one PNG per core step during rollouts (``runner.render=true``), using the env's Maze renderer."""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path
from typing import Any

from maze.core.env.core_step_tracker import CoreStepTracker
from maze.core.rendering.render_utils import ensure_headless_backend, render_to_png
from maze.core.utils.atomic_write import atomic_write_bytes
from maze.core.wrappers.wrapper import Wrapper

logger = logging.getLogger(__name__)


class StepRenderingWrapper(Wrapper):
    """Renders every core step into ``<output_dir>/episode_<e>_step_<s>.png`` with ``env.get_renderer()``.

    A frame shows the state before a core step with the complete MazeAction taken in it and the events of all its
    sub-steps, as the trajectory recorder records it: structured envs whose sub-steps keep the core step open (select
    a piece, then cut it) give one frame per core step, written when the core step ends (see
    :class:`~maze.core.env.core_step_tracker.CoreStepTracker`). The final state of an episode is saved without action
    as one more frame. Uses matplotlib's Agg backend when no display is available.

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
        self._core_step = CoreStepTracker()
        self._warned = False

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        obs, info = self.env.reset(seed=seed, options=options)
        self.episode += 1
        self.step_index = 0
        self._core_step.start(self.env)
        self._state = copy.deepcopy(self.env.get_maze_state())
        return obs, info

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        done = bool(terminated or truncated)
        if self._core_step.step_ended(self.env, done):  # the MazeAction of the core step is complete now
            self._save(self._state, self.env.get_maze_action(), list(self.env.get_step_events()))
            self._state = copy.deepcopy(self.env.get_maze_state())
            self.step_index += 1
            if done:
                self._save(self._state, None, [])
        return obs, reward, terminated, truncated, info

    def _save(self, state: Any, action: Any, events: list) -> None:
        renderer = self.env.get_renderer()
        png = render_to_png(renderer, state, action, events, dpi=self.dpi) if renderer is not None else None
        if png is None:
            if not self._warned:
                self._warned = True
                logger.warning("render=true: %s produced no image (no Maze renderer for its states; gym envs may need "
                               "env.render_mode=rgb_array)", type(self.env.maze_env).__name__)
            return
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / f"episode_{self.episode:04d}_step_{self.step_index:05d}.png"
        atomic_write_bytes(path, png)
        self.frames_written += 1
