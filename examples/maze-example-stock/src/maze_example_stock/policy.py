"""Order-up-to heuristic."""

from __future__ import annotations

from typing import Any

from maze.core.agent.policy import Policy


class OrderUpToPolicy(Policy):
    """Orders ``target - stock`` units (clipped to ``max_order``)."""

    def __init__(self, target: int = 8, max_order: int = 10) -> None:
        self.target, self.max_order = target, max_order

    def needs_state(self) -> bool:
        return True

    def seed(self, seed: int) -> None:
        pass

    def compute_action(self, observation: Any, maze_state: Any = None, env: Any = None, actor_id: Any = None,
                       deterministic: bool = False) -> dict[str, int]:
        return {"order": max(0, min(self.max_order, self.target - maze_state.stock))}
