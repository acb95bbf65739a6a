"""Record of one sub-step in the policy's spaces (observation dict, action dict, reward, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from maze.core.env.structured_env import ActorID


def _stack_dicts(dicts: Sequence[dict | None]) -> dict | None:
    if dicts[0] is None:
        if any(d is not None for d in dicts):
            raise ValueError("cannot stack records where only some have the value set")
        return None
    return {k: np.stack([np.asarray(d[k]) for d in dicts]) for k in dicts[0]}  # type: ignore[index]


def _stack_values(values: Sequence[Any]) -> np.ndarray | None:
    if values[0] is None:
        return None
    return np.stack([np.asarray(v) for v in values])


@dataclass
class SpacesRecord:
    """Raw observation, action and associated data of one sub-step, as the policy saw them.

    For batched records (see :meth:`stack`) every value carries a leading batch axis.

    :param actor_id: the acting actor (``ActorID(step_key, agent_id)``).
    :param observation: observation dict (before the action).
    :param action: action dict taken by the actor.
    :param reward: reward returned by the step.
    :param done: ``terminated or truncated``.
    :param info: info dict of the step (for batched records: a list of dicts).
    :param terminated: the episode reached a terminal state (gymnasium semantics).
    :param truncated: the episode was cut (time limit...); trainers bootstrap such steps.
    :param next_observation: observation after the step (only when requested, e.g. for SAC).
    :param logits: action logits per action head (when recorded).
    :param batch_shape: ``None`` for a single record, else the leading batch shape.
    """

    actor_id: ActorID
    observation: dict[str, Any] | None = None
    action: dict[str, Any] | None = None
    reward: float | np.ndarray | None = None
    done: bool | np.ndarray | None = None
    info: Any = None
    terminated: bool | np.ndarray | None = None
    truncated: bool | np.ndarray | None = None
    next_observation: dict[str, Any] | None = None
    logits: dict[str, Any] | None = None
    batch_shape: tuple[int, ...] | None = None

    @classmethod
    def stack(cls, records: Sequence[SpacesRecord]) -> SpacesRecord:
        """Stack records of the same sub-step into one batched record (new leading axis).

        :raises ValueError: if the records belong to different sub-steps.
        """
        if not records:
            raise ValueError("cannot stack an empty list of spaces records")
        first = records[0]
        for r in records:
            if r.actor_id.step_key != first.actor_id.step_key:
                raise ValueError(
                    f"cannot stack records of different sub-steps: {first.actor_id.step_key!r} vs {r.actor_id.step_key!r}"
                )
        inner = first.batch_shape or ()
        return cls(
            actor_id=first.actor_id,
            observation=_stack_dicts([r.observation for r in records]),
            action=_stack_dicts([r.action for r in records]),
            reward=_stack_values([r.reward for r in records]),
            done=_stack_values([r.done for r in records]),
            info=[r.info for r in records],
            terminated=_stack_values([r.terminated for r in records]),
            truncated=_stack_values([r.truncated for r in records]),
            next_observation=_stack_dicts([r.next_observation for r in records]),
            logits=_stack_dicts([r.logits for r in records]),
            batch_shape=(len(records), *inner),
        )

    @property
    def is_batched(self) -> bool:
        """True for stacked records."""
        return self.batch_shape is not None


def _register() -> None:
    from maze.core.trajectory_recording.serialization import set_lenient_fields

    set_lenient_fields(SpacesRecord, {"info"})


_register()
