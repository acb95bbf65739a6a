"""Records MazeStates, MazeActions and events of every step and writes each episode when it ends."""

from __future__ import annotations

import copy
from typing import Any, Sequence

from maze.core.env.core_step_tracker import CoreStepTracker
from maze.core.trajectory_recording.records.state_record import StateRecord
from maze.core.trajectory_recording.records.trajectory_record import StateTrajectoryRecord
from maze.core.trajectory_recording.writers.trajectory_writer import TrajectoryWriter
from maze.core.trajectory_recording.writers.trajectory_writer_registry import TrajectoryWriterRegistry
from maze.core.wrappers.wrapper import Wrapper


class TrajectoryRecordingWrapper(Wrapper):
    """Records a :class:`StateTrajectoryRecord` per episode and hands it to trajectory writers.

    Per core step (env time step) it keeps a copy of the MazeState before the action, the MazeAction, the
    step's events, reward, termination flags and info. Structured envs whose sub-steps keep the core step
    open (e.g. select a piece, then cut it) give one record per core step: the complete MazeAction, the
    events of all its sub-steps, the summed sub-step rewards, and the actor of its first sub-step.

    The episode is written when a step returns ``terminated``/``truncated``; an unfinished episode is
    written on the next ``reset()`` or on ``close()`` (e.g. episodes cut by a rollout runner's step limit).
    Written episodes end with a final-state record (``maze_action=None``).

    Recording is meant for rollouts, not training: copying states costs a ``deepcopy`` per core step.

    :param env: the env to wrap (usually the outermost wrapper, so that every step is seen).
    :param writers: writers to use; ``None`` uses those registered in :class:`TrajectoryWriterRegistry`.
    :param copy_states: deep-copy MazeStates/actions (needed when the core env mutates its state in place).
    """

    def __init__(self, env: Any, writers: Sequence[TrajectoryWriter] | None = None, copy_states: bool = True) -> None:
        super().__init__(env)
        self.writers = list(writers) if writers is not None else None
        self.copy_states = bool(copy_states)
        self.episode_record: StateTrajectoryRecord | None = None
        self._last_state: Any = None
        self._core_step = CoreStepTracker()
        self._pending_actor: Any = None
        self._pending_reward: Any = None
        self._pending_info: dict = {}
        self._copy = copy.deepcopy if self.copy_states else _identity

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        self._flush(final_state=False)
        obs, info = self.env.reset(seed=seed, options=options)
        renderer = None
        try:
            renderer = self.env.get_renderer()
        except (AttributeError, NotImplementedError):
            pass
        metadata: dict[str, Any] = {"env": type(self.env.maze_env).__qualname__}
        if seed is not None:
            metadata["seed"] = int(seed)
        self.episode_record = StateTrajectoryRecord(id=self.env.get_episode_id(), renderer=renderer, metadata=metadata)
        self._core_step.start(self.env)
        self._start_step()
        return obs, info

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        if self.episode_record is None:
            raise RuntimeError("TrajectoryRecordingWrapper: step() called before reset()")
        if self._pending_actor is None:
            self._pending_actor = self.env.actor_id()
        obs, reward, terminated, truncated, info = self.env.step(action)
        env = self.env
        self._pending_reward = reward if self._pending_reward is None else self._pending_reward + reward
        if info:
            self._pending_info.update(info)
        # sub-steps of a structured env that keep the core step open do not advance the env time: the
        # MazeAction is only complete (and the events of all sub-steps collected) when the core step ends
        if not self._core_step.step_ended(env, terminated or truncated):
            return obs, reward, terminated, truncated, info
        env_time = self._core_step.env_time
        components = env.get_serializable_components()
        self.episode_record.step_records.append(
            StateRecord(
                maze_state=self._last_state,
                maze_action=self._copy(env.get_maze_action()),
                step_event_log=list(env.get_step_events()),
                reward=self._pending_reward,
                done=bool(terminated or truncated),
                info=self._pending_info,
                serializable_components=self._copy(components) if components else {},
                terminated=bool(terminated),
                truncated=bool(truncated),
                env_time=env_time,
                actor_id=self._pending_actor,
            )
        )
        self._start_step()
        if terminated or truncated:
            self._flush(final_state=True)
        return obs, reward, terminated, truncated, info

    def _start_step(self) -> None:
        """Remember the state before the next core step and clear the sub-step accumulators."""
        self._last_state = self._copy(self.env.get_maze_state())
        self._pending_actor = None
        self._pending_reward = None
        self._pending_info = {}

    def close(self) -> None:
        self._flush(final_state=False)
        self.env.close()

    def flush(self) -> None:
        """Write the running episode now (marked ``incomplete``), e.g. before a script ends."""
        self._flush(final_state=False)

    # ------------------------------------------------------------------ writing
    def _flush(self, final_state: bool) -> None:
        record = self.episode_record
        self.episode_record = None
        if record is None or not record.step_records:
            return
        record.step_records.append(StateRecord(maze_state=self._last_state, env_time=record.step_records[-1].env_time))
        if not final_state:
            record.metadata["incomplete"] = True
        if self.writers is None:
            TrajectoryWriterRegistry.record_trajectory_data(record)
        else:
            for writer in self.writers:
                writer.write(record)


def _identity(x: Any) -> Any:
    return x
