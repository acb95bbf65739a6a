"""A hand-written CartPole controller: push the cart towards the side the pole falls to."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from maze.core.agent.policy import Policy
from maze.core.env.structured_env import ActorID


class DummyCartPolePolicy(Policy):
    """Dummy structured policy for the CartPole env (``GymMazeEnv("CartPole-v1")``).

    Useful mainly for showcasing the config scheme and for testing: it pushes the cart to the right when the
    pole leans (or rotates) to the right, ``action = 1 if angle + angular_velocity > 0 else 0``, which keeps the
    pole up far longer than random actions do.

    :param angular_velocity_weight: weight of the pole's angular velocity against its angle.
    """

    def __init__(self, angular_velocity_weight: float = 1.0) -> None:
        self.angular_velocity_weight = float(angular_velocity_weight)

    def needs_state(self) -> bool:
        """This policy does not need the MazeState (it reads the observation)."""
        return False

    def seed(self, seed: int) -> None:
        """Deterministic policy: nothing to seed."""

    def _push_right_score(self, observation: Any) -> float:
        obs = observation["observation"] if isinstance(observation, dict) else observation
        obs = np.asarray(obs, dtype=np.float64).reshape(-1)
        if obs.shape[0] != 4:
            raise ValueError(f"DummyCartPolePolicy expects CartPole observations of 4 values, got shape {obs.shape}")
        return float(obs[2] + self.angular_velocity_weight * obs[3])

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> dict[str, int]:
        """``{"action": 1}`` (push right) if the pole leans or turns right, else ``{"action": 0}``."""
        return {"action": int(self._push_right_score(observation) > 0)}

    def compute_top_action_candidates(self, observation: Any, num_candidates: int | None, maze_state: Any | None = None,
                                      env: Any | None = None, actor_id: ActorID | None = None
                                      ) -> tuple[Sequence[dict[str, int]], Sequence[float]]:
        """The chosen action (probability 1) followed by the other one (probability 0)."""
        best = self.compute_action(observation)["action"]
        candidates, probabilities = [{"action": best}, {"action": 1 - best}], [1.0, 0.0]
        n = len(candidates) if num_candidates is None else max(1, int(num_candidates))
        return candidates[:n], probabilities[:n]
