"""Policy interfaces (torch-free). Torch policies in maze-train implement the same interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Sequence

from maze.core.env.structured_env import ActorID


class Policy(ABC):
    """A policy for structured envs: picks the action of the acting actor.

    ``compute_action(observation, maze_state=None, env=None, actor_id=None, deterministic=False)``
    returns an action dict for ``actor_id`` (the env's ``actor_id()``; ``None`` means the only actor).
    """

    @abstractmethod
    def needs_state(self) -> bool:
        """True if the policy needs the MazeState (heuristics do; trained policies do not)."""

    def needs_env(self) -> bool:
        """True if the policy needs the env instance (e.g. planners that clone it)."""
        return False

    @abstractmethod
    def seed(self, seed: int) -> None:
        """Seed the policy's random number generators."""

    @abstractmethod
    def compute_action(
        self,
        observation: Any,
        maze_state: Any | None = None,
        env: Any | None = None,
        actor_id: ActorID | None = None,
        deterministic: bool = False,
    ) -> Any:
        """The action for ``actor_id`` given its observation (and the state/env if needed)."""

    def compute_top_action_candidates(
        self,
        observation: Any,
        num_candidates: int | None,
        maze_state: Any | None = None,
        env: Any | None = None,
        actor_id: ActorID | None = None,
    ) -> tuple[Sequence[Any], Sequence[float]]:
        """The most likely actions and their probabilities (policies that can rank actions override this)."""
        raise NotImplementedError(f"{type(self).__name__} cannot rank action candidates")

    def reset(self) -> None:
        """Called at the start of every episode (stateful policies reset their memory)."""


class FlatPolicy(ABC):
    """A policy for a single, flat action space (used inside structured policies)."""

    @abstractmethod
    def compute_action(self, observation: Any, deterministic: bool = False) -> Any:
        """The action for ``observation``."""

    def seed(self, seed: int) -> None:
        """Seed the policy (no-op by default)."""
