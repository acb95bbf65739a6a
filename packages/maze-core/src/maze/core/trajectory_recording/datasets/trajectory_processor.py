"""Trajectory processors: pre-process a recorded trajectory and convert it to spaces records."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from typing import Any

from maze.core.env.structured_env import ActorID
from maze.core.trajectory_recording.records.spaces_record import SpacesRecord
from maze.core.trajectory_recording.records.structured_spaces_record import StructuredSpacesRecord
from maze.core.trajectory_recording.records.trajectory_record import (
    SpacesTrajectoryRecord,
    StateTrajectoryRecord,
    TrajectoryRecord,
)


class TrajectoryProcessor(ABC):
    """Base of trajectory processors used by datasets: :meth:`pre_process`, then conversion to spaces records."""

    def process(self, trajectory: TrajectoryRecord, conversion_env: Any | None) -> list[StructuredSpacesRecord]:
        """Pre-process ``trajectory`` and convert it into a list of step records in the policy's spaces.

        :param trajectory: a state or spaces trajectory.
        :param conversion_env: env (with the training wrapper stack) that maps MazeStates/MazeActions to
            observations/actions; needed for state trajectories only.
        """
        return self.convert_trajectory_with_env(self.pre_process(trajectory), conversion_env)

    @abstractmethod
    def pre_process(self, trajectory: TrajectoryRecord) -> TrajectoryRecord:
        """Return the trajectory to use (do not mutate the input)."""

    @staticmethod
    def convert_trajectory_with_env(trajectory: TrajectoryRecord, conversion_env: Any | None) -> list[StructuredSpacesRecord]:
        """Convert a trajectory into spaces records (state records through ``get_observation_and_action_dicts``)."""
        if isinstance(trajectory, SpacesTrajectoryRecord):
            return list(trajectory.step_records)
        if not isinstance(trajectory, StateTrajectoryRecord):
            raise TypeError(f"expected a StateTrajectoryRecord or SpacesTrajectoryRecord, got {type(trajectory).__name__}")
        if conversion_env is None:
            raise ValueError(
                f"trajectory {trajectory.id} holds MazeStates: a conversion env (conversion_env_factory) is needed to "
                f"map them to observations and actions"
            )
        out: list[StructuredSpacesRecord] = []
        first = True
        for record in trajectory.step_records:
            if record.maze_action is None:
                continue  # final state
            obs_dict, act_dict = conversion_env.get_observation_and_action_dicts(record.maze_state, record.maze_action, first)
            first = False
            if obs_dict is None or act_dict is None:
                raise ValueError(f"conversion env returned no observation/action for a step of trajectory {trajectory.id}")
            step = StructuredSpacesRecord(event_log=record.step_event_log)
            agent = record.actor_id.agent_id if record.actor_id is not None else 0
            for key, obs in obs_dict.items():
                if key not in act_dict:
                    raise ValueError(f"conversion env returned an observation for sub-step {key!r} but no action")
                step.append(SpacesRecord(
                    actor_id=ActorID(key, agent), observation=obs, action=act_dict[key], reward=record.reward,
                    done=record.done, info=record.info, terminated=record.terminated, truncated=record.truncated,
                ))
            out.append(step)
        return out


class IdentityTrajectoryProcessor(TrajectoryProcessor):
    """Uses trajectories as they are."""

    def pre_process(self, trajectory: TrajectoryRecord) -> TrajectoryRecord:
        return trajectory


class IdentityWithNextObservationTrajectoryProcessor(IdentityTrajectoryProcessor):
    """Uses trajectories as they are and adds the next observation to every sub-step record (off-policy
    learning from demonstrations, e.g. SAC from demonstrations, needs ``(s, a, r, s')`` transitions).

    The next observation of a sub-step is the observation of the same sub-step key in the following step; for the
    last step it is the observation of the recorded final state (state trajectories end with one). A last step
    without a final state to observe (e.g. spaces trajectories) is dropped, as it is no complete transition.
    """

    def process(self, trajectory: TrajectoryRecord, conversion_env: Any | None) -> list[StructuredSpacesRecord]:
        """Convert like :class:`IdentityTrajectoryProcessor` and set ``next_observation`` on every sub-step record."""
        trajectory = self.pre_process(trajectory)
        records = self.convert_trajectory_with_env(trajectory, conversion_env)
        final = self._final_observations(trajectory, conversion_env)
        complete: list[StructuredSpacesRecord] = []
        for index, step in enumerate(records):
            following = records[index + 1].observations_dict if index + 1 < len(records) else final
            next_observations = [None if following is None else following.get(r.actor_id.step_key)
                                 for r in step.substep_records]
            if any(obs is None for obs in next_observations):
                if index + 1 < len(records):
                    raise ValueError(f"trajectory {trajectory.id}: step {index + 1} has no observation for the sub-steps "
                                     f"{[r.actor_id.step_key for r in step.substep_records]} of step {index}")
                break  # the last step has no observed successor
            for record, next_observation in zip(step.substep_records, next_observations):
                record.next_observation = next_observation
            complete.append(step)
        return complete

    @staticmethod
    def _final_observations(trajectory: TrajectoryRecord, conversion_env: Any | None) -> dict | None:
        """The observations of the final state of a state trajectory (by sub-step key), if recorded."""
        if not isinstance(trajectory, StateTrajectoryRecord) or not trajectory.step_records:
            return None
        last = trajectory.step_records[-1]
        if last.maze_action is not None or conversion_env is None:
            return None
        observations, _ = conversion_env.get_observation_and_action_dicts(last.maze_state, None, False)
        return observations


class DeadEndClippingTrajectoryProcessor(TrajectoryProcessor):
    """Dead-end clipping: drops the last ``clip_k`` steps of trajectories that *terminated*.

    Motivation: when a teacher drives into a dead end (a terminal failure state), its last actions are
    likely the mistakes that led there; cloning them is harmful. Truncated episodes (time limit) are kept
    whole. Trajectories not longer than ``clip_k`` become empty.

    :param clip_k: number of final action steps to drop (>= 0).
    """

    def __init__(self, clip_k: int) -> None:
        if int(clip_k) < 0:
            raise ValueError(f"clip_k must be >= 0, got {clip_k}")
        self.clip_k = int(clip_k)

    def pre_process(self, trajectory: TrajectoryRecord) -> TrajectoryRecord:
        if self.clip_k == 0 or not _terminated(trajectory):
            return trajectory
        if isinstance(trajectory, StateTrajectoryRecord):
            actions = [r for r in trajectory.step_records if r.maze_action is not None]
            keep = actions[: max(0, len(actions) - self.clip_k)]
            return dataclasses.replace(trajectory, step_records=keep)
        steps = trajectory.step_records
        return dataclasses.replace(trajectory, step_records=steps[: max(0, len(steps) - self.clip_k)])


def _terminated(trajectory: TrajectoryRecord) -> bool:
    is_terminated = getattr(trajectory, "is_terminated", None)
    return bool(is_terminated()) if is_terminated is not None else False
