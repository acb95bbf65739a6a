"""Setups for scripts: trajectory recording and full monitoring (statistics, event logs, trajectories)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile


class SimpleTrajectoryRecordingSetup:
    """Context manager recording trajectories of an env into ``log_dir`` (one ``.traj.zip`` file per episode)::

        with SimpleTrajectoryRecordingSetup(env) as setup:
            env = setup.env              # step this (wrapped) env
            ...

    On exit the running episode is written (marked incomplete).

    :param env: the env to record.
    :param log_dir: output directory.
    """

    def __init__(self, env: Any, log_dir: str | os.PathLike = "trajectory_data") -> None:
        self.writer = TrajectoryWriterFile(log_dir)
        self.env = TrajectoryRecordingWrapper.wrap(env, writers=[self.writer])

    def __enter__(self) -> SimpleTrajectoryRecordingSetup:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.env.flush()


class MonitoringSetup:
    """Context manager for full monitoring of an env in ``log_dir``: statistics (console, TensorBoard when
    installed), event logs (``event_logs/*.tsv``) and trajectory data (``trajectory_data/``)::

        with MonitoringSetup(env, log_dir="outputs/run") as setup:
            env = setup.env
            ...

    :param env: the env to monitor (a LogStatsWrapper is added if missing).
    :param log_dir: output directory.
    :param record_trajectory: also record trajectories.
    """

    def __init__(self, env: Any, log_dir: str | os.PathLike = ".", record_trajectory: bool = True) -> None:
        from maze.core.log_events.log_events_utils import SimpleEventLoggingSetup
        from maze.core.log_stats.log_stats_utils import SimpleStatsLoggingSetup
        from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper

        log_dir = Path(log_dir)
        self._recorder: TrajectoryRecordingWrapper | None = None
        if record_trajectory:
            env = self._recorder = TrajectoryRecordingWrapper.wrap(env, writers=[TrajectoryWriterFile(log_dir / "trajectory_data")])
        if not isinstance(env, LogStatsWrapper):
            env = LogStatsWrapper.wrap(env, logging_prefix="eval")
        self.env = env
        self._stats = SimpleStatsLoggingSetup(env, log_dir=str(log_dir))
        self._events = SimpleEventLoggingSetup(env, log_dir=log_dir / "event_logs")

    def __enter__(self) -> MonitoringSetup:
        self._stats.__enter__()
        self._events.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self._events.__exit__(*exc)
            self._stats.__exit__(*exc)
        finally:
            if self._recorder is not None:
                self._recorder.flush()
