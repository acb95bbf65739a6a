"""A policy that replays the actions of recorded trajectories (e.g. to reproduce an episode)."""

from __future__ import annotations

import os
from typing import Any

from maze.core.agent.policy import Policy
from maze.core.env.structured_env import ActorID
from maze.core.trajectory_recording.records.trajectory_record import (
    SpacesTrajectoryRecord,
    StateTrajectoryRecord,
    TrajectoryRecord,
)
from maze.core.trajectory_recording.serialization import find_trajectory_files, load_trajectory


class ReplayRecordedActionsPolicy(Policy):
    """Replays the actions of recorded episodes, one episode per env episode (in order, cycling).

    State trajectories (what rollouts record) hold MazeActions; they are mapped to the policy's action
    space through ``env.get_observation_and_action_dicts`` of the env it acts in (which reverses action
    wrappers), so the policy needs the env. Spaces trajectories replay their action dicts directly.

    To reproduce an episode, reset the env with the seed the episode was recorded with (stored in
    ``trajectory.metadata["seed"]`` when the rollout seeded the episode explicitly, as the parallel runner does).

    :param trajectory_data: a trajectory file, a directory of them, or a (list of) trajectory record(s).
    :param cycle: after the last recorded episode start again with the first (else raise).
    """

    def __init__(self, trajectory_data: Any, cycle: bool = True) -> None:
        if isinstance(trajectory_data, TrajectoryRecord):
            self.trajectories = [trajectory_data]
        elif isinstance(trajectory_data, (list, tuple)) and trajectory_data and all(
                isinstance(t, TrajectoryRecord) for t in trajectory_data):
            self.trajectories = list(trajectory_data)
        elif isinstance(trajectory_data, (str, os.PathLike)):
            self.trajectories = [load_trajectory(f) for f in find_trajectory_files(trajectory_data)]
        else:
            raise TypeError(
                f"trajectory_data must be a trajectory file/directory path or trajectory records, got {trajectory_data!r}"
            )
        if not self.trajectories:
            raise ValueError(f"no recorded trajectories found in {trajectory_data!r}")
        self.cycle = bool(cycle)
        self._episode = -1
        self._actions: list[tuple[Any, Any]] = []
        self._step = 0
        #: state records: the converted action dicts of the current core step, and the sub-step keys served
        self._converted: dict | None = None
        self._served: set = set()
        self._recorded_actor: Any = None

    def needs_state(self) -> bool:
        return False

    def needs_env(self) -> bool:
        return True

    def seed(self, seed: int) -> None:
        """Replays are deterministic; nothing to seed."""

    def reset(self) -> None:
        """Move on to the next recorded episode."""
        self._episode += 1
        if self._episode >= len(self.trajectories):
            if not self.cycle:
                raise IndexError(f"all {len(self.trajectories)} recorded episodes were replayed (cycle=False)")
            self._episode = 0
        trajectory = self.trajectories[self._episode]
        if isinstance(trajectory, StateTrajectoryRecord):
            self._actions = [(r.actor_id, r.maze_action) for r in trajectory.step_records if r.maze_action is not None]
            self._is_state = True
        elif isinstance(trajectory, SpacesTrajectoryRecord):
            self._actions = [(r.actor_id, r.action) for s in trajectory.step_records for r in s.substep_records]
            self._is_state = False
        else:
            raise TypeError(f"cannot replay a {type(trajectory).__name__}")
        self._step = 0
        self._converted, self._served, self._recorded_actor = None, set(), None

    @property
    def current_trajectory(self) -> TrajectoryRecord:
        """The episode being replayed."""
        return self.trajectories[max(self._episode, 0)]

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> Any:
        if self._episode < 0:
            self.reset()
        if not self._is_state:
            self._check_remaining()
            _, action = self._actions[self._step]
            self._step += 1
            return action
        if env is None:
            raise ValueError("ReplayRecordedActionsPolicy needs the env to convert recorded MazeActions (needs_env)")
        key = actor_id.step_key if actor_id is not None else None
        # one state record holds the complete MazeAction of a core step; structured envs ask for it sub-step by
        # sub-step, so the converted record serves every sub-step key once before the next record is taken
        if key is None or self._converted is None or key in self._served or key not in self._converted:
            self._next_state_record(env)
        assert self._converted is not None
        if key is None:
            key = self._recorded_actor.step_key if self._recorded_actor is not None else next(iter(self._converted))
        self._served.add(key)
        try:
            return self._converted[key]
        except KeyError:
            raise KeyError(
                f"converted recorded action has sub-steps {list(self._converted)}, the env asks for {key!r}"
            ) from None

    def _next_state_record(self, env: Any) -> None:
        self._check_remaining()
        recorded_actor, action = self._actions[self._step]
        self._step += 1
        try:
            state = env.get_maze_state()
        except (AttributeError, NotImplementedError):
            state = None
        _, act_dict = env.get_observation_and_action_dicts(state, action, self._step == 1)
        if not act_dict:
            raise ValueError(f"{type(env).__name__}.get_observation_and_action_dicts returned no actions for a "
                             f"recorded MazeAction of episode {self.current_trajectory.id}")
        self._converted, self._served, self._recorded_actor = act_dict, set(), recorded_actor

    def _check_remaining(self) -> None:
        if self._step >= len(self._actions):
            raise IndexError(
                f"recorded episode {self.current_trajectory.id} has only {len(self._actions)} actions; the env asks for "
                f"action {self._step + 1} (was the env reset with the recorded seed?)"
            )
