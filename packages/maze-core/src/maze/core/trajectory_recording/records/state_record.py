"""Record of one step in MazeState/MazeAction form (independent of the spaces of a wrapper stack)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from maze.core.env.structured_env import ActorID


@dataclass
class StateRecord:
    """Trajectory data of one step: the state, the action taken in it, and what the step returned.

    The last record of a finished episode holds the final state and ``maze_action=None``.
    Make sure the state/components are not mutated after recording (the recording wrapper copies them).

    :param maze_state: the MazeState before the action.
    :param maze_action: the MazeAction taken in ``maze_state`` (``None`` for the final state).
    :param step_event_log: events dispatched during the step (a list of EventRecords).
    :param reward: reward of the step (scalar or per-actor array).
    :param done: ``terminated or truncated``.
    :param info: info dict of the step.
    :param serializable_components: ``env.get_serializable_components()`` (copied), if any.
    :param terminated: the step reached a terminal state.
    :param truncated: the episode was cut after this step.
    :param env_time: the env's step counter after the step (``env.get_env_time()``).
    :param actor_id: the actor that took ``maze_action``.
    """

    maze_state: Any
    maze_action: Any | None = None
    step_event_log: list | None = None
    reward: Any = None
    done: bool | None = None
    info: dict | None = None
    serializable_components: dict[str, Any] = field(default_factory=dict)
    terminated: bool | None = None
    truncated: bool | None = None
    env_time: int | None = None
    actor_id: ActorID | None = None

    @property
    def step_id(self) -> int | None:
        """Alias of :attr:`env_time`."""
        return self.env_time


def _register() -> None:
    from maze.core.trajectory_recording.serialization import set_lenient_fields

    set_lenient_fields(StateRecord, {"info"})


_register()
