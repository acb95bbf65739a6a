"""Trajectories: sequences of step records (MazeState form or spaces form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Iterator, Sequence, TypeVar

import numpy as np

from maze.core.trajectory_recording.records.state_record import StateRecord
from maze.core.trajectory_recording.records.structured_spaces_record import StructuredSpacesRecord

T = TypeVar("T")


@dataclass
class TrajectoryRecord(Generic[T]):
    """Common part of trajectory records.

    :param id: the episode ID (links trajectory data with event logs) or another identifier.
    :param step_records: the step records in order.
    :param metadata: free-form, encodable info (e.g. ``{"seed": 1234, "env": "GymMazeEnv"}``).
    """

    id: Any
    step_records: list[T] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def append(self, step_record: T) -> None:
        self.step_records.append(step_record)

    def extend(self, other: TrajectoryRecord[T]) -> None:
        """Append the steps of another trajectory (e.g. consecutive rollout chunks)."""
        self.step_records.extend(other.step_records)

    def __len__(self) -> int:
        return len(self.step_records)

    def __iter__(self) -> Iterator[T]:
        return iter(self.step_records)


@dataclass
class StateTrajectoryRecord(TrajectoryRecord[StateRecord]):
    """An episode as MazeStates and MazeActions (what :class:`TrajectoryRecordingWrapper` writes).

    :param renderer: the env's renderer for this episode (lets viewers render the recorded states).
    """

    renderer: Any = None

    @property
    def action_records(self) -> list[StateRecord]:
        """The records with an action (all but the final-state record)."""
        return [r for r in self.step_records if r.maze_action is not None]

    def is_done(self) -> bool:
        """True if the episode ended (terminated or truncated)."""
        return any(bool(r.done) for r in self.step_records[-2:]) if self.step_records else False

    def is_terminated(self) -> bool:
        """True if the episode reached a terminal state (not merely cut)."""
        return any(bool(r.terminated) for r in self.step_records[-2:]) if self.step_records else False

    def total_reward(self) -> float:
        """Sum of the recorded (scalar or summed per-actor) rewards."""
        return float(sum(np.sum(r.reward) for r in self.step_records if r.reward is not None))


@dataclass
class SpacesTrajectoryRecord(TrajectoryRecord[StructuredSpacesRecord]):
    """A trajectory as observation/action spaces (what :class:`RolloutGenerator` returns)."""

    @classmethod
    def stack_trajectories(cls, trajectories: Sequence[SpacesTrajectoryRecord]) -> SpacesTrajectoryRecord:
        """Stack equally long trajectories step by step (batch axis = trajectory)."""
        if not trajectories:
            raise ValueError("cannot stack an empty list of trajectories")
        n = len(trajectories[0])
        for t in trajectories:
            if len(t) != n:
                raise ValueError(f"cannot stack trajectories of lengths {n} and {len(t)}")
        steps = [StructuredSpacesRecord.stack_records([t.step_records[i] for t in trajectories]) for i in range(n)]
        return cls(id=[t.id for t in trajectories], step_records=steps)

    def is_done(self) -> bool:
        return bool(self.step_records) and self.step_records[-1].is_done()

    def is_terminated(self) -> bool:
        """True if the last sub-step reached a terminal state."""
        if not self.step_records or not self.step_records[-1].substep_records:
            return False
        term = self.step_records[-1].substep_records[-1].terminated
        return bool(np.any(term)) if term is not None else False

    def total_reward(self) -> float | np.ndarray:
        """Sum of all rewards (per env for batched trajectories)."""
        return sum((s.total_reward() for s in self.step_records), 0.0)
