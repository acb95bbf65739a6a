"""The corridor heuristic."""

from __future__ import annotations

from typing import Any

from maze.core.agent.policy import Policy


class GoRightPolicy(Policy):
    """Always action 1 (right)."""

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        pass

    def compute_action(self, observation: Any, maze_state: Any = None, env: Any = None, actor_id: Any = None,
                       deterministic: bool = False) -> dict[str, int]:
        return {"action": 1}
