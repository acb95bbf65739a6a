"""Structured envs whose acting actor differs between parallel envs (no lock-step), for the vector env and trainer
tests.

* :class:`SelfishTurnsEnv`: two agents take turns in an order drawn per round from the env's seed. Choosing 1 earns
  the chooser +1 and costs the *other* agent 2 at its next turn. An agent that learns from its own rewards always
  chooses 1; one that is credited with the other agent's rewards learns to choose 0.
* :class:`DetourEnv`: a hierarchical env whose sub-step sequence depends on the actions: sub-step ``"choose"``
  either ends the core step (choice 0) or leads to sub-step ``"detail"`` (choice 1), whose observation space differs.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.structured_env import ActorID

#: penalty the other agent receives at its next turn for each 1 chosen
PENALTY = 2.0


class SelfishTurnsCoreEnv(CoreEnv):
    """Two agents (sub-step 0, agents 0 and 1) act in turns; ``n_rounds`` rounds, a random order per round.

    Each turn is a core step. Reward of the acting agent ``k`` choosing ``a``: ``float(a == 1) - PENALTY * p_k``,
    where ``p_k`` counts the 1s the other agent chose since ``k``'s previous turn.
    """

    def __init__(self, n_rounds: int = 4) -> None:
        super().__init__()
        self.n_rounds = int(n_rounds)
        self.rng = np.random.default_rng(0)
        self.round = 0
        self.position = 0
        self.order = np.array([0, 1])
        self.pending = np.zeros(2)

    def seed(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        if seed is not None:
            self.seed(seed)
        self.round, self.position = 0, 0
        self.order = self.rng.permutation(2)
        self.pending = np.zeros(2)
        return self.get_maze_state(), {}

    def step(self, maze_action: dict) -> tuple[dict, float, bool, bool, dict]:
        agent = int(self.order[self.position])
        choice = int(maze_action["action"])
        reward = float(choice == 1) - PENALTY * self.pending[agent]
        self.pending[agent] = 0
        if choice == 1:
            self.pending[1 - agent] += 1
        self.position += 1
        if self.position == 2:
            self.position, self.round = 0, self.round + 1
            self.order = self.rng.permutation(2)
        return self.get_maze_state(), reward, self.round >= self.n_rounds, False, {"agent": agent, "choice": choice}

    def get_maze_state(self) -> dict:
        agent = int(self.order[self.position])
        return {"agent": agent, "pending": float(self.pending[agent]), "round": self.round / self.n_rounds}

    def actor_id(self) -> ActorID:
        return ActorID(0, int(self.order[self.position]))

    @property
    def agent_counts_dict(self) -> dict:
        return {0: 2}


class _TurnObs(ObservationConversionInterface):
    def __init__(self) -> None:
        self._space = gym.spaces.Dict({"observation": gym.spaces.Box(0.0, 10.0, (4,), np.float32)})

    def maze_to_space(self, maze_state: Any) -> dict:
        obs = np.zeros(4, dtype=np.float32)
        obs[maze_state["agent"]] = 1.0
        obs[2], obs[3] = min(maze_state["pending"], 10.0), maze_state["round"]
        return {"observation": obs}

    def space(self) -> gym.spaces.Dict:
        return self._space


class _DiscreteAct(ActionConversionInterface):
    def __init__(self, key: str, n: int) -> None:
        self.key, self._space = key, gym.spaces.Dict({key: gym.spaces.Discrete(n)})

    def space_to_maze(self, action: dict, maze_state: Any) -> dict:
        return {self.key: int(action[self.key])}

    def maze_to_space(self, maze_action: Any) -> dict:
        return {self.key: maze_action[self.key]}

    def space(self) -> gym.spaces.Dict:
        return self._space


class SelfishTurnsEnv(MazeEnv[SelfishTurnsCoreEnv]):
    """The MazeEnv of :class:`SelfishTurnsCoreEnv` (observation: agent one-hot, pending penalties, round)."""

    def __init__(self, n_rounds: int = 4) -> None:
        super().__init__(SelfishTurnsCoreEnv(n_rounds), {0: _DiscreteAct("action", 2)}, {0: _TurnObs()})


class DetourCoreEnv(CoreEnv):
    """Sub-step ``"choose"`` (target shown as a one-hot of 3) ends the core step with choice 0 (reward 0.1), or leads
    to sub-step ``"detail"`` (a 2×3 observation) whose action earns 1 if it hits the target; ``max_steps`` core
    steps per episode."""

    def __init__(self, max_steps: int = 3) -> None:
        super().__init__()
        self.max_steps = int(max_steps)
        self.rng = np.random.default_rng(0)
        self.target = 0
        self.detour = False
        self.steps = 0

    def seed(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        if seed is not None:
            self.seed(seed)
        self.target, self.detour, self.steps = int(self.rng.integers(3)), False, 0
        return self.get_maze_state(), {}

    def step(self, maze_action: dict) -> tuple[dict, float, bool, bool, dict]:
        if not self.detour:
            if int(maze_action["choose"]) == 1:
                self.detour = True
                self.context.keep_step_open()
                return self.get_maze_state(), 0.0, False, False, {}
            reward = 0.1
        else:
            reward = float(int(maze_action["detail"]) == self.target)
            self.detour = False
        self.steps += 1
        self.target = int(self.rng.integers(3))
        return self.get_maze_state(), reward, False, self.steps >= self.max_steps, {}

    def get_maze_state(self) -> dict:
        return {"target": self.target, "detour": self.detour, "steps": self.steps}

    def actor_id(self) -> ActorID:
        return ActorID("detail" if self.detour else "choose", 0)

    @property
    def agent_counts_dict(self) -> dict:
        return {"choose": 1, "detail": 1}


class _ChooseObs(ObservationConversionInterface):
    def __init__(self) -> None:
        self._space = gym.spaces.Dict({"target": gym.spaces.Box(0.0, 1.0, (3,), np.float32)})

    def maze_to_space(self, maze_state: Any) -> dict:
        return {"target": np.eye(3, dtype=np.float32)[maze_state["target"]]}

    def space(self) -> gym.spaces.Dict:
        return self._space


class _DetailObs(ObservationConversionInterface):
    def __init__(self) -> None:
        self._space = gym.spaces.Dict({"grid": gym.spaces.Box(0.0, 1.0, (2, 3), np.float32),
                                       "steps": gym.spaces.Discrete(100)})

    def maze_to_space(self, maze_state: Any) -> dict:
        grid = np.zeros((2, 3), dtype=np.float32)
        grid[0, maze_state["target"]] = 1.0
        return {"grid": grid, "steps": maze_state["steps"]}

    def space(self) -> gym.spaces.Dict:
        return self._space


class DetourEnv(MazeEnv[DetourCoreEnv]):
    """The MazeEnv of :class:`DetourCoreEnv` (sub-steps ``choose`` and ``detail`` with different spaces)."""

    def __init__(self, max_steps: int = 3) -> None:
        super().__init__(DetourCoreEnv(max_steps), {"choose": _DiscreteAct("choose", 2), "detail": _DiscreteAct("detail", 3)},
                         {"choose": _ChooseObs(), "detail": _DetailObs()})
