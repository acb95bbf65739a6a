"""Parallel rollouts: episodes run in worker processes; statistics and event logs are gathered in the main process.

Workers are started with the ``spawn`` context (no inherited state, safe with threads and torch) and build
env and policy from the config themselves. Episodes are handed out through a task queue, each with its own
env and agent seed drawn from :class:`MazeSeeding` in episode order, so results do not depend on the number of
processes or on which worker ran an episode.

Per finished episode a worker sends an :class:`EpisodeStatsReport` (episode statistics + event log); the main
process prints a progress line, appends the event log to the TSV files and aggregates the statistics into
the ``rollout_stats`` table printed at the end. Trajectory files are written by the workers (atomically, one
per episode). A worker exception arrives as an :class:`ExceptionReport`: the other workers are terminated,
the statistics of the finished episodes are printed, and :class:`RolloutWorkerError` carrying the worker's
traceback is raised (``maze-run`` exits non-zero). A worker that dies without a report (killed, segfault) is
detected by liveness checks; the run never hangs.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import time
import traceback
from pathlib import Path
from typing import Any, NamedTuple

from maze.core.log_events.log_events_writer import LogEventsWriter
from maze.core.log_stats.log_stats import LogStatsConsumer
from maze.core.rollout.rollout_runner import RolloutRunner

#: seconds between liveness checks of the workers
POLL_INTERVAL_S = 0.5


class EpisodeStatsReport(NamedTuple):
    """Sent by a worker per finished episode (fields 0 and 1 as in the reference API)."""

    stats: Any
    event_log: Any
    episode_index: int = -1
    worker_id: int = -1
    steps: int = 0
    total_reward: float = 0.0
    episode_id: str = ""


class ExceptionReport(NamedTuple):
    """Sent by a worker whose env or policy raised (fields 0 and 1 as in the reference API)."""

    exception: BaseException
    traceback: str
    worker_id: int = -1
    episode_index: int = -1


class _WorkerDone(NamedTuple):
    worker_id: int


class RolloutWorkerError(RuntimeError):
    """A rollout worker failed; the message contains the worker's traceback."""


class EpisodeRecorder(LogStatsConsumer, LogEventsWriter):
    """Keeps the statistics and event log of the last episode in a worker, to ship them to the main process."""

    def __init__(self) -> None:
        self.last_stats: Any = None
        self.last_event_log: Any = None

    def receive(self, stat: Any) -> None:
        self.last_stats = stat

    def write(self, episode_event_log: Any) -> None:
        self.last_event_log = episode_event_log

    def get_last_episode_data(self) -> tuple[Any, Any]:
        """``(episode stats, event log)`` of the last episode; both are cleared."""
        data = (self.last_stats, self.last_event_log)
        self.last_stats, self.last_event_log = None, None
        return data


def _picklable_exception(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}")


class ParallelRolloutWorker:
    """Functionality performed in the worker processes."""

    @staticmethod
    def run(env_config: Any, wrapper_config: Any, agent_config: Any, max_episode_steps: int, record_trajectory: bool,
            record_event_logs: bool, output_dir: str, task_queue: Any, reporting_queue: Any, worker_id: int) -> None:
        """Build env and policy, then run episodes from ``task_queue`` (``(index, env_seed, agent_seed)``, ``None``
        ends) and report each through ``reporting_queue``."""
        episode_index = -1
        try:
            from maze.core.env.maze_env import MazeEnv
            from maze.core.log_events.log_events_writer_registry import LogEventsWriterRegistry
            from maze.core.log_stats.log_stats_types import LogStatsLevel
            from maze.core.log_stats.rollout_stats import wrap_env_for_rollout_stats
            from maze.core.utils.config_utils import make_env, make_policy
            from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
            from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper
            from maze.core.wrappers.wrapper import Wrapper
            from maze.core.wrappers.wrapper_factory import WrapperFactory

            if isinstance(env_config, (MazeEnv, Wrapper)):
                env = WrapperFactory.wrap_from_config(env_config, wrapper_config)
            else:
                env = make_env(env_config, wrapper_config)
            if max_episode_steps:
                env = TimeLimitWrapper.wrap(env, max_episode_steps=max_episode_steps)
            if not isinstance(env, LogStatsWrapper):
                env = wrap_env_for_rollout_stats(env, logging_prefix=None)  # action monitoring + LogStatsWrapper
            recorder = EpisodeRecorder()
            env.get_stats(LogStatsLevel.EPISODE).register_consumer(recorder)
            if record_event_logs:
                LogEventsWriterRegistry.register_writer(recorder)
            if record_trajectory:
                from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
                from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile

                env = TrajectoryRecordingWrapper.wrap(env, writers=[TrajectoryWriterFile(Path(output_dir) / "trajectory_data")])
            from maze.core.agent.policy import Policy

            policy = agent_config if isinstance(agent_config, Policy) else make_policy(agent_config, env)
            needs_state, needs_env = policy.needs_state(), policy.needs_env()
            while True:
                task = task_queue.get()
                if task is None:
                    break
                episode_index, env_seed, agent_seed = task
                policy.seed(agent_seed)
                obs, _ = env.reset(seed=env_seed)
                policy.reset()
                episode_id = env.get_episode_id()
                steps, total, done = 0, 0.0, False
                while not done:
                    action = policy.compute_action(obs, maze_state=env.get_maze_state() if needs_state else None,
                                                   env=env if needs_env else None, actor_id=env.actor_id(),
                                                   deterministic=False)
                    obs, reward, terminated, truncated, _ = env.step(action)
                    steps += 1
                    total += float(reward)
                    done = terminated or truncated
                stats, event_log = recorder.get_last_episode_data()
                reporting_queue.put(EpisodeStatsReport(stats, event_log, episode_index, worker_id, steps, total, episode_id))
            env.close()
            reporting_queue.put(_WorkerDone(worker_id))
        except BaseException as exc:  # noqa: BLE001 - everything goes to the main process
            reporting_queue.put(ExceptionReport(_picklable_exception(exc), traceback.format_exc(), worker_id, episode_index))


class ParallelRolloutRunner(RolloutRunner):
    """Runs rollouts in ``n_processes`` worker processes.

    Trajectory recording happens in the workers; statistics and event logs are shipped to the main process,
    which prints progress and the aggregated ``rollout_stats`` table. Memory use scales with the number of
    processes (each holds an env and a policy).

    :param n_processes: number of worker processes (at most ``n_episodes`` are started).
    :param n_episodes: total number of episodes.
    :param max_episode_steps: step limit per episode (0: none), enforced with a TimeLimitWrapper.
    :param record_trajectory: write ``<output_dir>/trajectory_data/<episode_id>.traj.zip`` files.
    :param record_event_logs: write ``<output_dir>/event_logs/<Topic>.<event>.tsv`` files.
    :param timeout_s: optional limit on the whole run in seconds (``None``: none); on expiry the workers
        are stopped and an error is raised.
    """

    def __init__(self, n_processes: int = 5, n_episodes: int = 50, max_episode_steps: int | None = None,
                 record_trajectory: bool = False, record_event_logs: bool = False, timeout_s: float | None = None) -> None:
        super().__init__(n_episodes, max_episode_steps, record_trajectory, record_event_logs)
        if int(n_processes) < 1:
            raise ValueError(f"runner.n_processes must be >= 1, got {n_processes}")
        self.n_processes = int(n_processes)
        self.timeout_s = float(timeout_s) if timeout_s else None
        self.reports: list[EpisodeStatsReport] = []
        self.epoch_stats: Any = None

    def run(self) -> list[EpisodeStatsReport]:
        """Run with the env, wrappers and policy configs of the composed config (built inside the workers)."""
        from omegaconf import OmegaConf

        def plain(node: Any) -> Any:
            return OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node

        return self.run_with(plain(self.cfg.env), plain(self.cfg.policy), wrappers=plain(self.cfg.get("wrappers")))

    def run_with(self, env: Any, policy: Any, wrappers: Any = None) -> list[EpisodeStatsReport]:  # type: ignore[override]
        """Run the rollout; ``env``/``policy`` are configs or picklable instances (copied into each worker)."""
        from maze.core.log_events.log_events_writer_tsv import LogEventsWriterTSV
        from maze.core.log_stats.rollout_stats import RolloutStatsLogging

        output_dir = os.path.abspath(self.output_dir)
        for name, obj in (("env", env), ("policy", policy), ("wrappers", wrappers)):
            try:
                pickle.dumps(obj)
            except Exception as exc:  # noqa: BLE001
                raise ValueError(f"the {name} passed to ParallelRolloutRunner cannot be sent to worker processes ({exc}); "
                                 f"pass a config instead") from exc
        tasks = [(i, self.maze_seeding.generate_env_instance_seed(), self.maze_seeding.generate_agent_instance_seed())
                 for i in range(self.n_episodes)]
        n_workers = min(self.n_processes, self.n_episodes)
        ctx = multiprocessing.get_context("spawn")
        task_queue, report_queue = ctx.Queue(), ctx.Queue()
        for t in tasks:
            task_queue.put(t)
        for _ in range(n_workers):
            task_queue.put(None)

        stats_logging = RolloutStatsLogging(None, output_dir, record_event_logs=False)
        if getattr(self, "cfg", None) is not None:
            stats_logging.add_run_text(self.cfg)
        self.epoch_stats = stats_logging.epoch_stats
        event_writer = LogEventsWriterTSV(Path(output_dir) / "event_logs") if self.record_event_logs else None
        workers = [
            ctx.Process(target=ParallelRolloutWorker.run, name=f"maze-rollout-worker-{w}", daemon=True,
                        args=(env, wrappers, policy, self.max_episode_steps, self.record_trajectory,
                              self.record_event_logs, output_dir, task_queue, report_queue, w))
            for w in range(n_workers)
        ]
        self.reports = []
        failure: str | None = None
        cause: BaseException | None = None
        try:
            for w in workers:
                w.start()
            failure, cause = self._collect(workers, report_queue, event_writer)
        except KeyboardInterrupt:
            failure = "rollout interrupted (KeyboardInterrupt)"
            raise
        finally:
            for w in workers:
                if w.is_alive():
                    w.terminate()
            for w in workers:
                w.join(timeout=5)
            stats_logging.finish()  # statistics of the finished episodes: console table (+ TensorBoard)
            if event_writer is not None:
                event_writer.close()
            print(f"[maze] {len(self.reports)}/{self.n_episodes} episodes finished; outputs in {output_dir}", flush=True)
        if failure is not None:
            raise RolloutWorkerError(failure) from cause
        return self.reports

    def _collect(self, workers: list, report_queue: Any, event_writer: Any) -> tuple[str | None, BaseException | None]:
        done: set[int] = set()
        deadline = time.monotonic() + self.timeout_s if self.timeout_s else None
        while len(done) < len(workers):
            try:
                msg = report_queue.get(timeout=POLL_INTERVAL_S)
            except queue.Empty:
                if deadline is not None and time.monotonic() > deadline:
                    return f"parallel rollout exceeded runner.timeout_s={self.timeout_s}", None
                for i, w in enumerate(workers):
                    if i not in done and not w.is_alive():
                        try:  # a report may still be in flight
                            msg = report_queue.get(timeout=POLL_INTERVAL_S)
                        except queue.Empty:
                            return (f"rollout worker {i} died without reporting (exit code {w.exitcode}); "
                                    f"killed or crashed in native code?"), None
                        break
                else:
                    continue
            if isinstance(msg, _WorkerDone):
                done.add(msg.worker_id)
            elif isinstance(msg, ExceptionReport):
                where = f" in episode {msg.episode_index}" if msg.episode_index >= 0 else " during setup"
                return (f"rollout worker {msg.worker_id} failed{where} with {type(msg.exception).__name__}: "
                        f"{msg.exception}\n--- worker traceback ---\n{msg.traceback}"), msg.exception
            elif isinstance(msg, EpisodeStatsReport):
                self.reports.append(msg)
                if msg.stats:
                    self.epoch_stats.receive(msg.stats)  # = RolloutStatsLogging.receive
                if event_writer is not None and msg.event_log is not None:
                    event_writer.write(msg.event_log)
                print(f"episode {len(self.reports)}/{self.n_episodes} (#{msg.episode_index}, worker {msg.worker_id}): "
                      f"steps={msg.steps} return={msg.total_reward:.3f}", flush=True)
        return None, None
