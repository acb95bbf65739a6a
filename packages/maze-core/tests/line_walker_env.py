"""Deterministic test env for rollout/trajectory/rendering/deployment tests: a walker on a line looks for a goal.

MazeState and MazeAction are dataclasses (registered for trajectory files, as this test module's package is
not trusted); the env dispatches ``WalkEvents.moved`` every step, has a matplotlib renderer with renderer
arguments, and can be told to raise at a given step of the episode with a given seed (worker crash tests).
Importable by spawned worker processes (the tests directory is on ``sys.path``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.agent.policy import Policy
from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.rendering.renderer import Renderer
from maze.core.rendering.renderer_args import IntRangeArg, OptionsArrayArg
from maze.core.trajectory_recording.serialization import register_trajectory_class


@register_trajectory_class
@dataclass(eq=False)
class WalkerState:
    position: int
    goal: int
    step: int = 0
    visits: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    path: tuple = ()

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, WalkerState) and (self.position, self.goal, self.step, self.path)
                == (other.position, other.goal, other.step, other.path) and np.array_equal(self.visits, other.visits))


@register_trajectory_class
@dataclass
class WalkerAction:
    move: int  # -1, 0, +1


class WalkEvents:
    """Event topic of the walker."""

    def moved(self, position: int, direction: int) -> None:
        """The walker moved (direction 0: stayed)."""


register_trajectory_class(WalkEvents)


class WalkerCrash(ValueError):
    """Raised on purpose by the crash-test configuration."""


class LineWalkerRenderer(Renderer):
    """Draws the line, the goal and the walker."""

    def __init__(self, size: int) -> None:
        self.size = size

    def get_args(self) -> list:
        return [IntRangeArg("marker_size", "marker size", 6, 20), OptionsArrayArg("color", "color", ["tab:blue", ("red", "tab:red")])]

    def render(self, maze_state: Any, maze_action: Any | None, events: list | None = None, marker_size: int = 6,
               color: str = "tab:blue", **kwargs: Any) -> None:
        import matplotlib.pyplot as plt

        ax = plt.gca()  # draws into the current figure (reference-docs convention)
        ax.plot([0, self.size - 1], [0, 0], color="0.5")
        ax.plot([maze_state.goal], [0], "g*", markersize=marker_size + 4)
        ax.plot([maze_state.position], [0], "o", color=color, markersize=marker_size)
        ax.set_title(f"step {maze_state.step} move {None if maze_action is None else maze_action.move}")


register_trajectory_class(LineWalkerRenderer)


class LineWalkerCoreEnv(CoreEnv):
    """Walker on positions ``0..size-1``; reward ``-|position - goal| / size``; terminates at the goal,
    truncates after ``max_steps``.

    :param crash_seed: raise :class:`WalkerCrash` in episodes reset with this seed ...
    :param crash_at_step: ... when this step (1-based) is taken.
    """

    def __init__(self, size: int = 10, max_steps: int = 20, crash_seed: int | None = None, crash_at_step: int = 1) -> None:
        super().__init__()
        self.size = size
        self.max_steps = max_steps
        self.crash_seed = crash_seed
        self.crash_at_step = crash_at_step
        self.events = self.pubsub.create_event_topic(WalkEvents)
        self.rng = np.random.default_rng(0)
        self.state = WalkerState(0, 1)
        self._episode_seed: int | None = None

    def seed(self, seed: Any) -> None:
        self.rng = np.random.default_rng(seed)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self._episode_seed = seed
        goal = int(self.rng.integers(0, self.size))
        position = int((goal + 1 + self.rng.integers(0, self.size - 1)) % self.size)
        visits = np.zeros(self.size, dtype=np.int64)
        visits[position] = 1
        self.state = WalkerState(position, goal, 0, visits, (position,))
        return self.state, {}

    def step(self, maze_action: WalkerAction) -> tuple[Any, Any, bool, bool, dict]:
        s = self.state
        if self.crash_seed is not None and self._episode_seed == self.crash_seed and s.step + 1 == self.crash_at_step:
            raise WalkerCrash(f"boom at step {self.crash_at_step}")
        move = int(maze_action.move)
        position = int(np.clip(s.position + move, 0, self.size - 1))
        visits = s.visits.copy()
        visits[position] += 1
        self.state = WalkerState(position, s.goal, s.step + 1, visits, s.path + (position,))
        self.events.moved(position=position, direction=move)
        reward = -abs(position - s.goal) / self.size
        terminated = position == s.goal
        truncated = not terminated and self.state.step >= self.max_steps
        return self.state, reward, terminated, truncated, {"position": position}

    def get_maze_state(self) -> Any:
        return self.state

    def get_renderer(self) -> Renderer:
        return LineWalkerRenderer(self.size)


class WalkerObservationConversion(ObservationConversionInterface):
    def __init__(self, size: int) -> None:
        self.size = size

    def maze_to_space(self, maze_state: WalkerState) -> dict:
        return {"position": np.array([maze_state.position], dtype=np.float32),
                "goal": np.array([maze_state.goal], dtype=np.float32)}

    def space_to_maze(self, observation: dict) -> Any:
        raise NotImplementedError

    def space(self) -> gym.spaces.Dict:
        box = gym.spaces.Box(0, self.size - 1, shape=(1,), dtype=np.float32)
        return gym.spaces.Dict({"position": box, "goal": box})


class WalkerActionConversion(ActionConversionInterface):
    def space_to_maze(self, action: dict, maze_state: Any) -> WalkerAction:
        return WalkerAction(int(action["move"]) - 1)

    def maze_to_space(self, maze_action: WalkerAction) -> dict:
        return {"move": np.int64(maze_action.move + 1)}

    def noop_action(self) -> dict:
        return {"move": np.int64(1)}

    def space(self) -> gym.spaces.Dict:
        return gym.spaces.Dict({"move": gym.spaces.Discrete(3)})


class LineWalkerEnv(MazeEnv[LineWalkerCoreEnv]):
    """The MazeEnv of the walker."""

    def __init__(self, size: int = 10, max_steps: int = 20, crash_seed: int | None = None, crash_at_step: int = 1) -> None:
        super().__init__(LineWalkerCoreEnv(size, max_steps, crash_seed, crash_at_step),
                         {0: WalkerActionConversion()}, {0: WalkerObservationConversion(size)})


def make_line_walker_env(size: int = 10, max_steps: int = 20, crash_seed: int | None = None, crash_at_step: int = 1) -> LineWalkerEnv:
    return LineWalkerEnv(size, max_steps, crash_seed, crash_at_step)


class GreedyWalkerPolicy(Policy):
    """Deterministic heuristic: move towards the goal."""

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        pass

    def compute_action(self, observation: Any, maze_state: Any = None, env: Any = None, actor_id: Any = None,
                       deterministic: bool = False) -> Any:
        diff = float(observation["goal"][0] - observation["position"][0])
        return {"move": np.int64(1 + int(np.sign(diff)))}
