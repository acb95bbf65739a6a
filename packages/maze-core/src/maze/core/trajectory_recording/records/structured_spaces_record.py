"""Record of one (structured) environment step: the spaces records of all its sub-steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from maze.core.env.structured_env import ActorID, StepKeyType
from maze.core.trajectory_recording.records.spaces_record import SpacesRecord


@dataclass
class StructuredSpacesRecord:
    """Observations, actions, rewards... of all sub-steps of one env step (one :class:`SpacesRecord` each).

    :param substep_records: one record per sub-step, in the order they were taken.
    :param event_log: events dispatched during the step (list of EventRecords), when recorded.
    :param step_stats: step statistics (when recorded by the rollout generator).
    :param episode_stats: episode statistics, set on the last step of an episode (when recorded).
    """

    substep_records: list[SpacesRecord] = field(default_factory=list)
    event_log: list | None = None
    step_stats: Any = None
    episode_stats: Any = None

    def append(self, record: SpacesRecord) -> None:
        """Add the record of the next sub-step."""
        self.substep_records.append(record)

    @classmethod
    def stack_records(cls, records: Sequence[StructuredSpacesRecord]) -> StructuredSpacesRecord:
        """Stack step records with identical sub-step structure (e.g. the envs of a vector env)."""
        if not records:
            raise ValueError("cannot stack an empty list of structured spaces records")
        n = len(records[0].substep_records)
        for r in records:
            if len(r.substep_records) != n:
                raise ValueError(f"cannot stack step records with {n} and {len(r.substep_records)} sub-steps")
        return cls(substep_records=[SpacesRecord.stack([r.substep_records[i] for r in records]) for i in range(n)])

    # ---------------------------------------------------------------- per-sub-step views
    @property
    def actor_ids(self) -> list[ActorID]:
        return [r.actor_id for r in self.substep_records]

    @property
    def observations(self) -> list[Any]:
        return [r.observation for r in self.substep_records]

    @property
    def actions(self) -> list[Any]:
        return [r.action for r in self.substep_records]

    @property
    def rewards(self) -> list[Any]:
        return [r.reward for r in self.substep_records]

    @property
    def dones(self) -> list[Any]:
        return [r.done for r in self.substep_records]

    @property
    def infos(self) -> list[Any]:
        return [r.info for r in self.substep_records]

    @property
    def logits(self) -> list[Any]:
        return [r.logits for r in self.substep_records]

    @property
    def next_observations(self) -> list[Any]:
        return [r.next_observation for r in self.substep_records]

    def _by_step_key(self, attr: str) -> dict[StepKeyType, Any]:
        out: dict[StepKeyType, Any] = {}
        for r in self.substep_records:
            key = r.actor_id.step_key
            if key in out:
                raise ValueError(
                    f"sub-step key {key!r} occurs several times in this step (multi-agent); use the list properties "
                    f"(observations, actions, actor_ids) instead of the per-step-key dicts"
                )
            out[key] = getattr(r, attr)
        return out

    @property
    def observations_dict(self) -> dict[StepKeyType, Any]:
        """``{step_key: observation}`` (sub-step keys must be unique within the step)."""
        return self._by_step_key("observation")

    @property
    def actions_dict(self) -> dict[StepKeyType, Any]:
        """``{step_key: action}``."""
        return self._by_step_key("action")

    @property
    def rewards_dict(self) -> dict[StepKeyType, Any]:
        return self._by_step_key("reward")

    @property
    def logits_dict(self) -> dict[StepKeyType, Any]:
        return self._by_step_key("logits")

    @property
    def batch_shape(self) -> tuple[int, ...] | None:
        return self.substep_records[0].batch_shape if self.substep_records else None

    @property
    def is_batched(self) -> bool:
        return self.batch_shape is not None

    def is_done(self) -> bool:
        """True if the last sub-step ended the episode (any env, for batched records)."""
        if not self.substep_records:
            return False
        done = self.substep_records[-1].done
        return bool(np.any(done)) if done is not None else False

    def total_reward(self) -> float | np.ndarray:
        """Sum of the sub-step rewards (per env for batched records)."""
        rewards = [np.asarray(r.reward, dtype=np.float64) for r in self.substep_records if r.reward is not None]
        if not rewards:
            return 0.0
        total = np.sum(rewards, axis=0)
        return float(total) if np.ndim(total) == 0 else total
