"""A small deterministic two-sub-step structured MazeEnv for the wrapper tests.

Sub-step ``"move"``: observations ``position`` (Box(-10, 10, (2,))) and ``image`` (Box(0, 255, (8, 6, 3), uint8));
action ``direction`` (Discrete(4): +x, -x, +y, -y).
Sub-step ``"scale"``: observations ``position`` and ``progress`` (Box(0, 1, (1,))); action ``magnitude``
(Box(-1, 1, (2,))), added to the position. A core step is ``move`` followed by ``scale``; the reward of the
``scale`` sub-step is ``-|position|_1``; episodes are truncated after ``max_steps`` core steps.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.agent.policy import Policy
from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.structured_env import ActorID

DIRECTIONS = np.asarray([[1, 0], [-1, 0], [0, 1], [0, -1]], dtype=np.float32)
POSITION_SPACE = gym.spaces.Box(-10.0, 10.0, (2,), np.float32)


class TwoStepCoreEnv(CoreEnv):
    """Deterministic core env: state = position, phase, core step count."""

    def __init__(self, max_steps: int = 5, start: tuple[float, float] = (1.0, 2.0)) -> None:
        super().__init__()
        self.max_steps = max_steps
        self.start = np.asarray(start, dtype=np.float32)
        self.position = self.start.copy()
        self.phase = "move"
        self.steps = 0

    def seed(self, seed: Any) -> None:
        pass

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        self.position, self.phase, self.steps = self.start.copy(), "move", 0
        return self.get_maze_state(), {}

    def step(self, maze_action: dict):
        if self.phase == "move":
            self.position = np.clip(self.position + DIRECTIONS[int(maze_action["direction"])], -10, 10)
            self.phase = "scale"
            self.context.keep_step_open()
            return self.get_maze_state(), 0.0, False, False, {}
        self.position = np.clip(self.position + np.asarray(maze_action["magnitude"], dtype=np.float32), -10, 10)
        self.phase = "move"
        self.steps += 1
        return self.get_maze_state(), -float(np.abs(self.position).sum()), False, self.steps >= self.max_steps, {}

    def get_maze_state(self) -> dict:
        return {"position": self.position.astype(np.float32), "phase": self.phase, "steps": self.steps,
                "max_steps": self.max_steps}

    def actor_id(self) -> ActorID:
        return ActorID(self.phase, 0)

    @property
    def agent_counts_dict(self) -> dict:
        return {"move": 1, "scale": 1}


def make_image(steps: int) -> np.ndarray:
    """The ``image`` observation after ``steps`` core steps: value ``(10 * steps + 3 * row + col + 50 * c) % 256``."""
    rows, cols, chans = np.meshgrid(np.arange(8), np.arange(6), np.arange(3), indexing="ij")
    return ((10 * steps + 3 * rows + cols + 50 * chans) % 256).astype(np.uint8)


class MoveObs(ObservationConversionInterface):
    def maze_to_space(self, maze_state: Any) -> dict:
        return {"position": maze_state["position"].copy(), "image": make_image(maze_state["steps"])}

    def space(self) -> gym.spaces.Dict:
        return gym.spaces.Dict({"position": POSITION_SPACE, "image": gym.spaces.Box(0, 255, (8, 6, 3), np.uint8)})


class ScaleObs(ObservationConversionInterface):
    def maze_to_space(self, maze_state: Any) -> dict:
        return {"position": maze_state["position"].copy(),
                "progress": np.asarray([maze_state["steps"] / maze_state["max_steps"]], dtype=np.float32)}

    def space(self) -> gym.spaces.Dict:
        return gym.spaces.Dict({"position": POSITION_SPACE, "progress": gym.spaces.Box(0.0, 1.0, (1,), np.float32)})


class MoveAct(ActionConversionInterface):
    def space_to_maze(self, action: dict, maze_state: Any) -> dict:
        return {"direction": action["direction"]}

    def maze_to_space(self, maze_action: Any) -> dict:
        return {"direction": maze_action["direction"]}

    def space(self) -> gym.spaces.Dict:
        return gym.spaces.Dict({"direction": gym.spaces.Discrete(4)})


class ScaleAct(ActionConversionInterface):
    def space_to_maze(self, action: dict, maze_state: Any) -> dict:
        return {"magnitude": np.asarray(action["magnitude"], dtype=np.float32)}

    def maze_to_space(self, maze_action: Any) -> dict:
        return {"magnitude": maze_action["magnitude"]}

    def space(self) -> gym.spaces.Dict:
        return gym.spaces.Dict({"magnitude": gym.spaces.Box(-1.0, 1.0, (2,), np.float32)})


class TwoStepMazeEnv(MazeEnv[TwoStepCoreEnv]):
    """Structured MazeEnv with sub-steps ``move`` and ``scale``."""

    def __init__(self, max_steps: int = 5, start: tuple[float, float] = (1.0, 2.0)) -> None:
        super().__init__(TwoStepCoreEnv(max_steps, start), {"move": MoveAct(), "scale": ScaleAct()},
                         {"move": MoveObs(), "scale": ScaleObs()})

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        key = maze_state["phase"] if maze_state is not None else None
        obs = None if maze_state is None else {key: self.observation_conversion_dict[key].maze_to_space(maze_state)}
        if maze_action is None:
            return obs, None
        act_key = "move" if "direction" in maze_action else "scale"
        return obs, {act_key: self.action_conversion_dict[act_key].maze_to_space(maze_action)}


def run_actions(env: Any, actions: list[dict]) -> list[tuple]:
    """Reset and apply ``actions``; returns ``[(actor step_key before the step, obs, reward, terminated, truncated)]``."""
    env.reset()
    out = []
    for action in actions:
        key = env.actor_id().step_key
        obs, reward, terminated, truncated, _ = env.step(action)
        out.append((key, obs, reward, terminated, truncated))
    return out


def step_both(env: Any, direction: int = 0, magnitude: tuple[float, float] = (0.0, 0.0)) -> tuple:
    """One core step (both sub-steps) of a :class:`TwoStepMazeEnv` (possibly wrapped); returns the last step result."""
    env.step({"direction": direction})
    return env.step({"magnitude": np.asarray(magnitude, dtype=np.float32)})


class CyclePolicy(Policy):
    """Deterministic sampling policy for the TwoStepMazeEnv: directions 0, 2, 1, 3, ... and magnitude (0.5, -0.25)."""

    def __init__(self, action_spaces_dict: dict | None = None) -> None:
        self.action_spaces_dict = action_spaces_dict
        self.calls = 0

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        pass

    def compute_action(self, observation, maze_state=None, env=None, actor_id=None, deterministic=False):
        if actor_id.step_key == "move":
            self.calls += 1
            return {"direction": [0, 2, 1, 3][self.calls % 4]}
        return {"magnitude": np.asarray([0.5, -0.25], np.float32)}


def collect_observations(env: Any, policy: Policy, n_steps: int) -> list[dict]:
    """The observations a sampling run of ``n_steps`` sees (reset observation, then one per step, resets included)."""
    obs, _ = env.reset()
    seen = [obs]
    for _ in range(n_steps):
        obs, _, terminated, truncated, _ = env.step(policy.compute_action(obs, actor_id=env.actor_id()))
        seen.append(obs)
        if terminated or truncated:
            obs, _ = env.reset()
            seen.append(obs)
    return seen
