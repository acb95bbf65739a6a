"""Envs in worker processes (the ``local`` run mode).

Each worker owns one env and talks to the main process over a pipe. Every fault of a worker surfaces as one
:class:`VectorEnvWorkerError` naming the env index, the worker's pid and the command it was serving:

* an env that raises: the worker sends its formatted traceback back, which the error carries;
* a worker that dies (killed, segfault, ``os._exit``): its liveness is polled while waiting, and a broken pipe
  (``EOFError``, ``ConnectionResetError``, ``BrokenPipeError``) is never raised bare: the process is joined
  briefly and its exit code (with the signal's name) goes into the error, e.g.
  ``env worker 1 (pid 4242) died with exit code -9 (SIGKILL) during step``.

The main process never hangs on a dead worker; after a fault all workers are terminated.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any, Sequence

import cloudpickle
import numpy as np

from maze.core.env.structured_env import ActorID
from maze.train.parallelization.vector_env.vector_env import (
    EnvFactory,
    StructuredVectorEnv,
    VectorEnvError,
    split_actions,
    stack_observations,
    step_with_auto_reset,
)

_POLL_SECONDS = 0.5
#: how long a worker whose pipe broke is waited for, to learn its exit code
_JOIN_SECONDS = 1.0
#: errors of a pipe whose other end is gone
_PIPE_ERRORS = (EOFError, ConnectionResetError, BrokenPipeError, OSError)


class VectorEnvWorkerError(VectorEnvError):
    """An env worker process of a :class:`SubprocVectorEnv` failed: its env raised (the message carries the
    env's traceback) or the process died (the message names its pid and exit code).

    :param message: the description.
    :param env_index: index of the env (and worker).
    :param pid: the worker's process id.
    :param exitcode: the exit code of a dead worker (negative: killed by that signal), else ``None``.
    """

    def __init__(self, message: str, env_index: int, pid: int | None, exitcode: int | None = None) -> None:
        super().__init__(message)
        self.env_index, self.pid, self.exitcode = env_index, pid, exitcode

    def __reduce__(self) -> tuple:
        return type(self), (str(self), self.env_index, self.pid, self.exitcode)


def describe_exit_code(exitcode: int) -> str:
    """``"exit code -9 (SIGKILL)"`` for a process killed by a signal, else ``"exit code 3"``."""
    if exitcode < 0:
        try:
            return f"exit code {exitcode} ({signal.Signals(-exitcode).name})"
        except ValueError:
            pass
    return f"exit code {exitcode}"


def _worker(remote: Connection, parent_remote: Connection, pickled_factory: bytes) -> None:
    """Worker loop: create the env, then serve ``step``/``reset``/``call``/``close`` commands."""
    parent_remote.close()
    env = None
    try:
        env = cloudpickle.loads(pickled_factory)()
        remote.send(("ok", (env.action_spaces_dict, env.observation_spaces_dict, env.agent_counts_dict)))
    except BaseException:  # noqa: BLE001 - reported to the main process
        remote.send(("error", traceback.format_exc()))
        remote.close()
        return
    while True:
        try:
            cmd, data = remote.recv()
        except (EOFError, OSError, KeyboardInterrupt):  # the main process is gone or interrupted
            break
        try:
            if cmd == "step":
                obs, rew, term, trunc, info = step_with_auto_reset(env, data)
                remote.send(("ok", (obs, float(rew), bool(term), bool(trunc), info, env.actor_id())))
            elif cmd == "reset":
                obs, _ = env.reset(seed=data)
                remote.send(("ok", (obs, env.actor_id())))
            elif cmd == "call":
                name, args, kwargs = data
                remote.send(("ok", getattr(env, name)(*args, **kwargs)))
            elif cmd == "close":
                env.close()
                remote.send(("ok", None))
                break
            else:
                raise ValueError(f"unknown worker command {cmd!r}")
        except BaseException:  # noqa: BLE001 - reported to the main process
            remote.send(("error", traceback.format_exc()))
    remote.close()


class SubprocVectorEnv(StructuredVectorEnv):
    """Vector env with one worker process per env.

    :param env_factories: one picklable (cloudpickle) callable per env returning a MazeEnv.
    :param logging_prefix: statistics prefix (``"train"``/``"eval"``).
    :param start_method: multiprocessing start method; default ``fork`` where available (fast start, no
        pickling of the main module), else ``spawn``.
    """

    def __init__(self, env_factories: Sequence[EnvFactory], logging_prefix: str | None = None,
                 start_method: str | None = None) -> None:
        super().__init__(len(env_factories), logging_prefix)
        if start_method is None:
            start_method = "fork" if sys.platform.startswith("linux") else "spawn"
        ctx = mp.get_context(start_method)
        self._closed = False
        self.remotes: list[Connection] = []
        self.processes: list[Any] = []
        self._commands = ["start-up"] * len(env_factories)  # what each worker is serving (for errors)
        for factory in env_factories:
            remote, work_remote = ctx.Pipe()
            process = ctx.Process(target=_worker, args=(work_remote, remote, cloudpickle.dumps(factory)), daemon=True)
            process.start()
            work_remote.close()
            self.remotes.append(remote)
            self.processes.append(process)
        spaces = [self._receive(i) for i in range(self.n_envs)]
        self._action_spaces_dict, self._observation_spaces_dict, self._agent_counts_dict = spaces[0]
        self._actor_ids = [ActorID(0, 0)] * self.n_envs

    # ------------------------------------------------------------------ IPC
    def _receive(self, i: int) -> Any:
        remote, process = self.remotes[i], self.processes[i]
        try:
            while not remote.poll(_POLL_SECONDS):
                if not process.is_alive():
                    raise self._died(i)
            status, payload = remote.recv()
        except _PIPE_ERRORS:
            raise self._died(i) from None
        if status == "error":
            self._abort()
            raise VectorEnvWorkerError(f"env {i} (worker pid {process.pid}) raised during {self._commands[i]}:\n{payload}",
                                       i, process.pid)
        return payload

    def _send(self, i: int, message: tuple) -> None:
        self._commands[i] = message[0] if message[0] != "call" else f"call of {message[1][0]!r}"
        try:
            self.remotes[i].send(message)
        except _PIPE_ERRORS:
            raise self._died(i) from None

    def _died(self, i: int) -> VectorEnvWorkerError:
        """The error for worker ``i`` whose pipe broke or which is no longer alive; all workers are stopped."""
        process = self.processes[i]
        process.join(timeout=_JOIN_SECONDS)
        exitcode = process.exitcode
        self._abort()
        if exitcode is None:  # the pipe broke, yet the process lived on (it is terminated now)
            return VectorEnvWorkerError(f"env worker {i} (pid {process.pid}) lost its pipe during {self._commands[i]} "
                                        f"while still running", i, process.pid)
        return VectorEnvWorkerError(
            f"env worker {i} (pid {process.pid}) died with {describe_exit_code(exitcode)} during {self._commands[i]}",
            i, process.pid, exitcode)

    def _abort(self) -> None:
        """Terminate all workers after a failure (their state is undefined)."""
        if self._closed:
            return
        self._closed = True
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(timeout=1.0)

    # ------------------------------------------------------------------ API
    def reset(self) -> dict[str, np.ndarray]:
        self._check_open()
        seeds = self._take_seeds()
        for i, seed in enumerate(seeds):
            self._send(i, ("reset", seed))
        obs_list = []
        for i in range(self.n_envs):
            obs, actor_id = self._receive(i)
            obs_list.append(obs)
            self._actor_ids[i] = actor_id
        return stack_observations(obs_list)

    def step(self, actions: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, list[dict]]:
        self._check_open()
        for i, action in enumerate(split_actions(actions, self.n_envs)):
            self._send(i, ("step", action))
        obs_list, infos = [], []
        rewards = np.empty(self.n_envs, dtype=np.float64)
        terminated = np.empty(self.n_envs, dtype=bool)
        truncated = np.empty(self.n_envs, dtype=bool)
        for i in range(self.n_envs):
            obs, rewards[i], terminated[i], truncated[i], info, self._actor_ids[i] = self._receive(i)
            obs_list.append(obs)
            infos.append(info)
        return stack_observations(obs_list), rewards, terminated, truncated, infos

    def call(self, name: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Call a method on every env and return the results (e.g. to fetch statistics)."""
        self._check_open()
        for i in range(self.n_envs):
            self._send(i, ("call", (name, args, kwargs)))
        return [self._receive(i) for i in range(self.n_envs)]

    def close(self) -> None:
        if self._closed:
            return
        for remote in self.remotes:
            try:
                remote.send(("close", None))
            except _PIPE_ERRORS:
                pass
        for i, remote in enumerate(self.remotes):
            try:
                if remote.poll(2.0):
                    remote.recv()
            except _PIPE_ERRORS:
                pass
            self.processes[i].join(timeout=2.0)
            if self.processes[i].is_alive():
                self.processes[i].terminate()
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise VectorEnvError(f"{type(self).__name__} is closed (or one of its workers failed earlier)")

    def __del__(self) -> None:  # pragma: no cover - best effort cleanup
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass

    @property
    def action_spaces_dict(self) -> dict:
        return self._action_spaces_dict

    @property
    def observation_spaces_dict(self) -> dict:
        return self._observation_spaces_dict

    @property
    def agent_counts_dict(self) -> dict:
        return self._agent_counts_dict
