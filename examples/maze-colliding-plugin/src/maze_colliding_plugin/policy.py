"""A policy that always takes the first action of each Discrete action space."""

from __future__ import annotations

from typing import Any, Mapping

import gymnasium as gym

from maze.core.agent.policy import Policy


class FirstActionPolicy(Policy):
    """Takes action ``space.start`` of every Discrete sub-space, in every sub-step.

    :param action_spaces_dict: ``{step_key: gymnasium Dict space}`` (the runners pass the env's).
    """

    def __init__(self, action_spaces_dict: Mapping[Any, gym.spaces.Dict]) -> None:
        self.actions = {}
        for step_key, space in action_spaces_dict.items():
            if not all(isinstance(sub, gym.spaces.Discrete) for sub in space.spaces.values()):
                raise ValueError(f"FirstActionPolicy needs Discrete action spaces, got {space} for sub-step {step_key!r}")
            self.actions[step_key] = {key: int(sub.start) for key, sub in space.spaces.items()}
        self._single = next(iter(self.actions.values())) if len(self.actions) == 1 else None

    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        pass

    def compute_action(self, observation: Any, maze_state: Any = None, env: Any = None, actor_id: Any = None,
                       deterministic: bool = False) -> dict[str, int]:
        return dict(self._single if actor_id is None else self.actions[actor_id.step_key])
