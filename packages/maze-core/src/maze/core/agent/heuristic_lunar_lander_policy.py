"""A hand-written LunarLander controller (config ``policy=lunar_lander_heuristics``).

It is a proportional-derivative controller on two targets, the logic of the heuristic that ships with
gymnasium's LunarLander, written out here with named gains:

* **tilt**: lean towards the landing pad, ``target = position_gain * x + velocity_gain * vx`` (clipped to
  ``±max_tilt`` radians); the tilt error is ``(target - angle) * 0.5 - angular_velocity``;
* **altitude**: hover at a height proportional to the horizontal offset, ``target = 0.55 * |x|``; the altitude
  error is ``(target - y) * 0.5 - vy * 0.5``;
* once a leg touches the ground the tilt error is ignored and only the fall speed is damped.

Discrete actions (``LunarLander-v3``): fire the main engine if the altitude error dominates, else the side
engine that reduces the tilt error, else nothing. Continuous actions (``continuous=True``): both errors scaled
by 20 and clipped to ``[-1, 1]``.
"""

from __future__ import annotations

from typing import Any, Mapping

import gymnasium as gym
import numpy as np

from maze.core.agent.policy import Policy
from maze.core.env.structured_env import ActorID

#: discrete LunarLander actions
NOOP, FIRE_LEFT, FIRE_MAIN, FIRE_RIGHT = 0, 1, 2, 3


class HeuristicLunarLanderPolicy(Policy):
    """Heuristic policy for gymnasium's LunarLander (``GymMazeEnv("LunarLander-v3")``, discrete or continuous).

    :param action_spaces_dict: the env's action spaces (offered by the runners); decides between discrete and
        continuous control. Without it, discrete actions are produced.
    :param max_tilt: largest tilt (radians) the lander is steered to.
    :param position_gain: tilt target per unit of horizontal offset from the pad.
    :param velocity_gain: tilt target per unit of horizontal speed.
    :param dead_band: errors below this magnitude fire no engine (discrete control).
    """

    def __init__(self, action_spaces_dict: Mapping[Any, gym.spaces.Dict] | None = None, max_tilt: float = 0.4,
                 position_gain: float = 0.5, velocity_gain: float = 1.0, dead_band: float = 0.05) -> None:
        self.continuous = False
        if action_spaces_dict:
            space = next(iter(action_spaces_dict.values()))
            inner = space.spaces.get("action") if isinstance(space, gym.spaces.Dict) else space
            if isinstance(inner, gym.spaces.Box):
                self.continuous = True
            elif not isinstance(inner, gym.spaces.Discrete):
                raise ValueError("HeuristicLunarLanderPolicy needs the LunarLander action space {'action': Discrete(4) "
                                 f"or Box(2)}}, got {space}")
        self.max_tilt = float(max_tilt)
        self.position_gain = float(position_gain)
        self.velocity_gain = float(velocity_gain)
        self.dead_band = float(dead_band)

    def needs_state(self) -> bool:
        """The policy reads the observation only."""
        return False

    def seed(self, seed: int) -> None:
        """Deterministic policy: nothing to seed."""

    def control_errors(self, observation: Any) -> tuple[float, float]:
        """The (tilt error, altitude error) of one LunarLander observation (8 values).

        Positive tilt error: turn counter-clockwise (fire the left engine); positive altitude error: fire the main
        engine.
        """
        obs = observation["observation"] if isinstance(observation, Mapping) else observation
        s = np.asarray(obs, dtype=np.float64).reshape(-1)
        if s.shape[0] != 8:
            raise ValueError(f"HeuristicLunarLanderPolicy expects LunarLander observations of 8 values, got {s.shape}")
        x, y, vx, vy, angle, angular_velocity, left_contact, right_contact = s
        tilt_target = float(np.clip(self.position_gain * x + self.velocity_gain * vx, -self.max_tilt, self.max_tilt))
        altitude_target = 0.55 * abs(x)
        tilt_error = (tilt_target - angle) * 0.5 - angular_velocity
        altitude_error = (altitude_target - y) * 0.5 - vy * 0.5
        if left_contact or right_contact:  # on the ground: only damp the fall
            tilt_error, altitude_error = 0.0, -vy * 0.5
        return float(tilt_error), float(altitude_error)

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> dict[str, Any]:
        """``{"action": engine}`` (discrete) or ``{"action": [main, lateral]}`` (continuous)."""
        tilt_error, altitude_error = self.control_errors(observation)
        if self.continuous:
            throttle = np.clip([altitude_error * 20 - 1, -tilt_error * 20], -1.0, 1.0).astype(np.float32)
            return {"action": throttle}
        if altitude_error > abs(tilt_error) and altitude_error > self.dead_band:
            return {"action": FIRE_MAIN}
        if tilt_error < -self.dead_band:
            return {"action": FIRE_RIGHT}
        if tilt_error > self.dead_band:
            return {"action": FIRE_LEFT}
        return {"action": NOOP}
