"""A small two-sub-step structured env used by the foundation tests (pick a row, then a column)."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.structured_env import ActorID


class GridEvents:
    """Event topic of the grid env."""

    def cell_hit(self, row: int, col: int) -> None:
        """A (row, col) cell was chosen."""

    def miss(self) -> None:
        """The chosen cell was empty."""


class GridCoreEnv(CoreEnv):
    """Sub-step ``"row"`` picks a row, sub-step ``"col"`` picks a column; reward 1 if the cell holds a target."""

    def __init__(self, size: int = 3, max_steps: int = 5) -> None:
        super().__init__()
        self.size, self.max_steps = size, max_steps
        self.events = self.pubsub.create_event_topic(GridEvents)
        self.rng = np.random.default_rng(0)
        self.targets = np.zeros((size, size), dtype=np.int8)
        self.row: int | None = None
        self.steps = 0

    def seed(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        if seed is not None:
            self.seed(seed)
        self.targets = (self.rng.random((self.size, self.size)) < 0.5).astype(np.int8)
        self.row, self.steps = None, 0
        return self.get_maze_state(), {}

    def step(self, maze_action: dict):
        if self.row is None:
            self.row = int(maze_action["row"])
            self.context.keep_step_open()
            return self.get_maze_state(), 0.0, False, False, {}
        col = int(maze_action["col"])
        reward = float(self.targets[self.row, col])
        if reward:
            self.events.cell_hit(row=self.row, col=col)
            self.targets[self.row, col] = 0
        else:
            self.events.miss()
        self.row = None
        self.steps += 1
        return self.get_maze_state(), reward, False, self.steps >= self.max_steps, {}

    def get_maze_state(self) -> dict:
        return {"targets": self.targets.copy(), "row": -1 if self.row is None else self.row}

    def actor_id(self) -> ActorID:
        return ActorID("row" if self.row is None else "col", 0)

    @property
    def agent_counts_dict(self) -> dict:
        return {"row": 1, "col": 1}


class _Obs(ObservationConversionInterface):
    def __init__(self, size: int, with_row: bool) -> None:
        spaces: dict[str, gym.Space] = {"targets": gym.spaces.Box(0, 1, (size, size), np.int8)}
        if with_row:
            spaces["row"] = gym.spaces.Discrete(size)
        self.with_row, self._space = with_row, gym.spaces.Dict(spaces)

    def maze_to_space(self, maze_state: Any) -> dict:
        obs = {"targets": maze_state["targets"]}
        if self.with_row:
            obs["row"] = max(maze_state["row"], 0)
        return obs

    def space(self) -> gym.spaces.Dict:
        return self._space


class _Act(ActionConversionInterface):
    def __init__(self, key: str, size: int) -> None:
        self.key, self._space = key, gym.spaces.Dict({key: gym.spaces.Discrete(size)})

    def space_to_maze(self, action: dict, maze_state: Any) -> dict:
        return {self.key: action[self.key]}

    def maze_to_space(self, maze_action: Any) -> dict:
        return {self.key: maze_action[self.key]}

    def space(self) -> gym.spaces.Dict:
        return self._space


class GridMazeEnv(MazeEnv[GridCoreEnv]):
    """Structured MazeEnv with sub-steps ``row`` and ``col``."""

    def __init__(self, size: int = 3, max_steps: int = 5) -> None:
        core = GridCoreEnv(size, max_steps)
        super().__init__(core, {"row": _Act("row", size), "col": _Act("col", size)},
                         {"row": _Obs(size, False), "col": _Obs(size, True)})
