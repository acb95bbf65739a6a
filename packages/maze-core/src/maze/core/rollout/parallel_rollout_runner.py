"""Parallel rollouts: episodes run in worker processes; statistics and event logs are gathered in the main process.

Workers are started with the ``spawn`` context (no inherited state, safe with threads and torch) and build
env and policy from the config themselves. Episodes are handed out through a task queue, each with its own
env and agent seed drawn from :class:`MazeSeeding` in episode order, so results do not depend on the number of
processes or on which worker ran an episode.

Per finished episode a worker sends an :class:`EpisodeStatsReport` (episode statistics + event log); the main
process logs a line (and shows the progress), appends the event log to the TSV files and aggregates the statistics
into the ``rollout_stats`` table logged at the end. Trajectory files are written by the workers (atomically, one
per episode). The workers' log records and warnings go through the same queue to the main process, whose console
and log file show them.

Faults end the run with :class:`RolloutWorkerError` (``maze-run`` exits non-zero) and never hang it:

* a worker exception arrives as an :class:`ExceptionReport` carrying the worker's traceback;
* a worker that dies without a report (killed, segfault) is found by liveness checks;
* a worker that makes no progress (no env reset or step finishing) for ``timeout_s`` seconds is *stalled*: its
  stack is dumped (``faulthandler``, on the signal :data:`STACK_DUMP_SIGNAL`) into the error, then it is
  terminated. Each worker counts its resets and steps in shared memory, so this costs no messages.

After a fault the other workers are asked to stop (they drop the episode they are running and exit), and
every report still queued is read before the error is raised: each episode whose trajectory file was written
is counted and its statistics are printed.
"""

from __future__ import annotations

import faulthandler
import logging
import multiprocessing
import os
import pickle
import queue
import shutil
import signal
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, NamedTuple

from maze.core.log_events.log_events_writer import LogEventsWriter
from maze.core.log_stats.log_stats import LogStatsConsumer
from maze.core.rollout.rollout_runner import RolloutRunner
from maze.core.utils.logging_utils import forward_logs_to, handle_forwarded_record
from maze.core.utils.progress import Progress

logger = logging.getLogger(__name__)

#: seconds between liveness and progress checks of the workers
POLL_INTERVAL_S = 0.5
#: default of ``timeout_s``: seconds a worker may go without finishing an env reset or step
DEFAULT_TIMEOUT_S = 300.0
#: worker start-up (imports, building env and policy) may take at least this long, whatever ``timeout_s``
SETUP_TIMEOUT_MIN_S = 60.0
#: seconds the other workers get to stop after a fault before they are terminated
STOP_GRACE_S = 10.0
#: signal on which workers dump their stacks (``None`` where the platform has no ``SIGUSR1``)
STACK_DUMP_SIGNAL = getattr(signal, "SIGUSR1", None)
#: the most bytes of a stack dump included in the error
STACK_DUMP_MAX_BYTES = 64_000
#: lines of a worker's exception message and traceback are shortened to this many characters in the error
MESSAGE_MAX_LINE_CHARS = 2_000


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


class WorkerProgress(NamedTuple):
    """Shared memory through which the workers show progress and the main process asks them to stop.

    :param heartbeats: per worker, the number of env resets and steps finished so far.
    :param episodes: per worker, the index of the episode it runs (``-1``: still starting up).
    :param stop: set to 1 by the main process after a fault: workers drop their episode and exit.
    """

    heartbeats: Any
    episodes: Any
    stop: Any

    @classmethod
    def create(cls, ctx: Any, n_workers: int) -> WorkerProgress:
        """Allocate the shared counters in the multiprocessing context ``ctx``."""
        episodes = ctx.RawArray("q", n_workers)
        for i in range(n_workers):
            episodes[i] = -1
        return cls(ctx.RawArray("q", n_workers), episodes, ctx.RawValue("b", 0))


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
            record_event_logs: bool, output_dir: str, task_queue: Any, reporting_queue: Any, worker_id: int,
            progress: WorkerProgress | None = None, stack_dump_path: str | None = None,
            deterministic: bool = False, log_level: int | None = None) -> None:
        """Build env and policy, then run episodes from ``task_queue`` (``(index, env_seed, agent_seed)``, ``None``
        ends) and report each through ``reporting_queue``.

        :param progress: shared counters: this worker counts its resets and steps in ``heartbeats[worker_id]``,
            writes its episode index to ``episodes[worker_id]``, and stops when ``stop`` is set (the running
            episode is dropped without writing its trajectory).
        :param stack_dump_path: file to dump all thread stacks into on :data:`STACK_DUMP_SIGNAL`.
        :param deterministic: ask the policy for deterministic actions.
        :param log_level: forward log records (and warnings) of this level and above to the main process through
            ``reporting_queue`` (``None``: the worker's own logging).
        """
        if log_level is not None:
            forward_logs_to(reporting_queue, log_level)
        episode_index = -1
        stack_dump_file = None
        if stack_dump_path is not None and STACK_DUMP_SIGNAL is not None:
            stack_dump_file = open(stack_dump_path, "w")  # stays open (and referenced) while the worker lives
            faulthandler.register(STACK_DUMP_SIGNAL, file=stack_dump_file, all_threads=True, chain=False)
        if progress is None:
            progress = WorkerProgress.create(multiprocessing, worker_id + 1)
        heartbeats, episodes, stop = progress
        try:
            from maze.core.env.maze_env import MazeEnv
            from maze.core.log_events.log_events_writer_registry import LogEventsWriterRegistry
            from maze.core.log_stats.log_stats_types import LogStatsLevel
            from maze.core.rollout.rollout_stats import wrap_env_for_rollout_stats
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
            done = True
            while not stop.value:
                task = task_queue.get()
                if task is None:
                    break
                episode_index, env_seed, agent_seed = task
                episodes[worker_id] = episode_index
                heartbeats[worker_id] += 1
                policy.seed(agent_seed)
                obs, _ = env.reset(seed=env_seed)
                heartbeats[worker_id] += 1
                policy.reset()
                episode_id = env.get_episode_id()
                steps, total, done = 0, 0.0, False
                while not done and not stop.value:
                    action = policy.compute_action(obs, maze_state=env.get_maze_state() if needs_state else None,
                                                   env=env if needs_env else None, actor_id=env.actor_id(),
                                                   deterministic=deterministic)
                    obs, reward, terminated, truncated, _ = env.step(action)
                    heartbeats[worker_id] += 1
                    steps += 1
                    total += float(reward)
                    done = terminated or truncated
                if not done:  # asked to stop: the episode is dropped (closing the env would write it as incomplete)
                    break
                stats, event_log = recorder.get_last_episode_data()
                reporting_queue.put(EpisodeStatsReport(stats, event_log, episode_index, worker_id, steps, total, episode_id))
            if done:
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
    :param timeout_s: no-progress timeout in seconds: a worker that finishes no env reset or step for this long
        is stalled; its stack is dumped into the error, the run stops and the error is raised. ``None``/``0``:
        wait forever. Worker start-up may take at least :data:`SETUP_TIMEOUT_MIN_S`.
    :param deterministic: the workers ask the policy for deterministic actions.
    """

    def __init__(self, n_processes: int = 5, n_episodes: int = 50, max_episode_steps: int | None = None,
                 record_trajectory: bool = False, record_event_logs: bool = False,
                 timeout_s: float | None = DEFAULT_TIMEOUT_S, deterministic: bool = False) -> None:
        super().__init__(n_episodes, max_episode_steps, record_trajectory, record_event_logs, deterministic)
        from maze.core.utils.validation import expect_int, expect_number

        self.n_processes = expect_int("runner.n_processes", n_processes, minimum=1)
        # seconds without progress before a stalled worker is reported (0 or null: wait forever)
        self.timeout_s = expect_number("runner.timeout_s", timeout_s, minimum=0, allow_none=True) or None
        self.reports: list[EpisodeStatsReport] = []
        self.epoch_stats: Any = None

    def run(self) -> list[EpisodeStatsReport]:
        """Run with the env, wrappers and policy configs of the composed config (built inside the workers)."""
        from omegaconf import OmegaConf

        def plain(node: Any) -> Any:
            return OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node

        return self.run_with(plain(self.cfg.env), plain(self.cfg.policy), wrappers=plain(self.cfg.get("wrappers")))

    def run_with(self, env: Any, policy: Any = None, wrappers: Any = None, *, agent: Any = None) -> list[EpisodeStatsReport]:
        """Run the rollout in worker processes; ``env``/``policy`` (or ``agent``, its documented name) are configs or
        picklable instances (copied into each worker, which applies ``wrappers`` and builds what is a config)."""
        policy = self.policy_argument(policy, agent)
        from maze.core.log_events.log_events_writer_tsv import LogEventsWriterTSV
        from maze.core.rollout.rollout_stats import RolloutStatsLogging

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
        task_queue.cancel_join_thread()  # tasks left after a fault must not block the exit of this process
        progress = WorkerProgress.create(ctx, n_workers)
        dump_dir = tempfile.mkdtemp(prefix="maze-rollout-stacks-") if STACK_DUMP_SIGNAL is not None else None
        dump_paths = [os.path.join(dump_dir, f"worker-{w}.txt") if dump_dir else None for w in range(n_workers)]
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
                              self.record_event_logs, output_dir, task_queue, report_queue, w, progress, dump_paths[w]),
                        kwargs={"deterministic": self.deterministic,
                                "log_level": logging.getLogger("maze").getEffectiveLevel()})
            for w in range(n_workers)
        ]
        self.reports = []
        self._progress = Progress(total=self.n_episodes, unit="episode", rate_unit="env steps")
        failure: str | None = None
        cause: BaseException | None = None
        try:
            for w in workers:
                w.start()
            failure, cause = _Collector(self, workers, report_queue, event_writer, progress, dump_paths).run()
        except KeyboardInterrupt:
            failure = "rollout interrupted (KeyboardInterrupt)"
            raise
        finally:
            progress.stop.value = 1
            for w in workers:
                if w.is_alive():
                    w.terminate()
            for w in workers:
                w.join(timeout=5)
                if w.is_alive():  # ignores SIGTERM
                    w.kill()
                    w.join(timeout=1)
            if dump_dir is not None:
                shutil.rmtree(dump_dir, ignore_errors=True)
            stats_logging.finish()  # statistics of the finished episodes: console table (+ TensorBoard)
            if event_writer is not None:
                event_writer.close()
            self._progress.close()
            logger.info("[maze] %d/%d episodes finished; outputs in %s", len(self.reports), self.n_episodes, output_dir)
        if failure is not None:
            raise RolloutWorkerError(failure) from cause
        return self.reports


    def _receive_episode(self, msg: EpisodeStatsReport, event_writer: Any) -> None:
        """Count a finished episode: statistics, event log, progress line."""
        self.reports.append(msg)
        if msg.stats:
            self.epoch_stats.receive(msg.stats)  # = RolloutStatsLogging.receive
        if event_writer is not None and msg.event_log is not None:
            event_writer.write(msg.event_log)
        logger.info("episode %d/%d (#%d, worker %d): steps=%d return=%.3f", len(self.reports), self.n_episodes,
                    msg.episode_index, msg.worker_id, msg.steps, msg.total_reward)
        self._progress.update(count=msg.steps,
                              mean_return=sum(r.total_reward for r in self.reports) / len(self.reports))


class _Collector:
    """Reads the reports of the workers of one :meth:`ParallelRolloutRunner.run_with` call and watches them.

    After the first fault (exception report, dead worker, stalled worker) the workers are asked to stop and
    the collector keeps reading until every worker has ended (at most :data:`STOP_GRACE_S`), then drains the
    queue, so every finished episode is counted.
    """

    def __init__(self, runner: ParallelRolloutRunner, workers: list, report_queue: Any, event_writer: Any,
                 progress: WorkerProgress, dump_paths: list[str | None]) -> None:
        self.runner, self.workers, self.report_queue, self.event_writer = runner, workers, report_queue, event_writer
        self.progress, self.dump_paths = progress, dump_paths
        self.ended: set[int] = set()  # workers that reported their end, failed, or were given up
        self.suspected_dead: set[int] = set()
        self.failures: list[tuple[str, BaseException | None]] = []
        now = time.monotonic()
        self.last_beat = [0] * len(workers)
        self.last_beat_time = [now] * len(workers)

    def run(self) -> tuple[str | None, BaseException | None]:
        """Collect until all workers ended; ``(failure message, cause)``, or ``(None, None)`` without fault."""
        stop_deadline: float | None = None
        next_check = time.monotonic() + POLL_INTERVAL_S
        while len(self.ended) < len(self.workers):
            try:
                self._handle(self.report_queue.get(timeout=POLL_INTERVAL_S))
                idle = False
            except queue.Empty:
                idle = True
            now = time.monotonic()
            if idle or now >= next_check:
                next_check = now + POLL_INTERVAL_S
                self._check_liveness(idle)
                self._check_progress(now)  # also while stopping: more stalled workers get their stacks dumped
            if self.failures and stop_deadline is None:
                self.progress.stop.value = 1
                stop_deadline = now + STOP_GRACE_S
            if stop_deadline is not None and now > stop_deadline:
                break  # the rest are terminated by the caller
        self._drain()
        if not self.failures:
            return None, None
        message, cause = self.failures[0]
        for other, _ in self.failures[1:]:
            message += f"\n(also: {other.splitlines()[0]})"
        return message, cause

    def _handle(self, msg: Any) -> None:
        if isinstance(msg, _WorkerDone):
            self.ended.add(msg.worker_id)
        elif isinstance(msg, ExceptionReport):
            self.ended.add(msg.worker_id)
            where = f" in episode {msg.episode_index}" if msg.episode_index >= 0 else " during setup"
            self.failures.append((_clip_lines(f"rollout worker {msg.worker_id} failed{where} with "
                                              f"{type(msg.exception).__name__}: {msg.exception}\n--- worker traceback ---\n"
                                              f"{msg.traceback}"), msg.exception))
        elif isinstance(msg, EpisodeStatsReport):
            self.runner._receive_episode(msg, self.event_writer)
        elif isinstance(msg, logging.LogRecord):  # a worker's log record (forward_logs_to)
            handle_forwarded_record(msg)

    def _drain(self) -> None:
        """Read what is still queued (reports of workers that ended are all in the pipe by now)."""
        while True:
            try:
                msg = self.report_queue.get(timeout=0.1)
            except queue.Empty:
                return
            if isinstance(msg, (EpisodeStatsReport, logging.LogRecord)) or not self.failures:
                self._handle(msg)

    def _check_liveness(self, idle: bool) -> None:
        """A worker found dead twice while the queue was idle died without reporting."""
        for i, w in enumerate(self.workers):
            if i in self.ended or w.is_alive():
                continue
            if idle and i in self.suspected_dead:
                self.ended.add(i)
                if not self.progress.stop.value:
                    self.failures.append((f"rollout worker {i} (pid {w.pid}) died without reporting (exit code "
                                          f"{w.exitcode}{_signal_name(w.exitcode)}); killed or crashed in native code?",
                                          None))
            else:
                self.suspected_dead.add(i)  # its last reports may still be in flight

    def _check_progress(self, now: float) -> None:
        timeout = self.runner.timeout_s
        if timeout is None:
            return
        for i, w in enumerate(self.workers):
            if i in self.ended:
                continue
            beat = self.progress.heartbeats[i]
            if beat != self.last_beat[i]:
                self.last_beat[i], self.last_beat_time[i] = beat, now
                continue
            episode = self.progress.episodes[i]
            limit = timeout if episode >= 0 else max(timeout, SETUP_TIMEOUT_MIN_S)
            if now - self.last_beat_time[i] <= limit:
                continue
            where = f"in episode {episode}" if episode >= 0 else "while starting up (building env and policy)"
            stack = _dump_stack(w, self.dump_paths[i])
            w.terminate()
            self.ended.add(i)
            self.failures.append((
                f"rollout worker {i} (pid {w.pid}) stalled {where}: no env reset or step finished for "
                f"{now - self.last_beat_time[i]:.1f} s (runner.timeout_s={timeout:g}; raise it, or set it to 0 or null "
                f"to wait forever)\n--- stack of the stalled worker ---\n{stack}", None))


def _clip_lines(text: str, max_line: int = MESSAGE_MAX_LINE_CHARS) -> str:
    """``text`` with each line longer than ``max_line`` characters shortened (huge exception messages)."""
    return "\n".join(line if len(line) <= max_line else f"{line[:max_line]}... [{len(line) - max_line:,} more characters]"
                     for line in text.split("\n"))


def _signal_name(exitcode: int | None) -> str:
    if exitcode is None or exitcode >= 0:
        return ""
    try:
        return f", {signal.Signals(-exitcode).name}"
    except ValueError:
        return ""


def _dump_stack(worker: Any, path: str | None) -> str:
    """Ask a live worker to dump its thread stacks (faulthandler) and return the dump."""
    if path is None or STACK_DUMP_SIGNAL is None:
        return "(no stack dump: this platform has no SIGUSR1)"
    try:
        os.kill(worker.pid, STACK_DUMP_SIGNAL)
    except OSError as exc:
        return f"(no stack dump: {exc})"
    deadline = time.monotonic() + 2.0
    size = -1
    while time.monotonic() < deadline:  # faulthandler writes from the signal handler at once; wait until done
        time.sleep(0.05)
        try:
            current = os.path.getsize(path)
        except OSError:
            current = 0
        if current and current == size:
            break
        size = current
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            dump = f.read(STACK_DUMP_MAX_BYTES)
    except OSError as exc:
        return f"(no stack dump: {exc})"
    return dump.rstrip() or "(the worker wrote no stack dump)"
