"""Envs in worker processes (the ``local`` run mode).

Each worker owns one env and talks to the main process over a pipe. A worker that raises sends its
formatted traceback back; the main process raises :class:`VectorEnvError` with it. A worker that dies
without a message (killed, segfault) is detected by polling its liveness, so the main process never hangs.
"""

from __future__ import annotations

import multiprocessing as mp
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
        except (EOFError, KeyboardInterrupt):
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
        while not remote.poll(_POLL_SECONDS):
            if not process.is_alive():
                self._abort()
                raise VectorEnvError(
                    f"worker {i} of {type(self).__name__} died (exit code {process.exitcode}) without reporting an error"
                )
        try:
            status, payload = remote.recv()
        except EOFError:
            self._abort()
            raise VectorEnvError(f"worker {i} of {type(self).__name__} closed its pipe unexpectedly") from None
        if status == "error":
            self._abort()
            raise VectorEnvError(f"env {i} in worker process {process.pid} raised:\n{payload}")
        return payload

    def _send(self, i: int, message: tuple) -> None:
        try:
            self.remotes[i].send(message)
        except (BrokenPipeError, EOFError, OSError):
            process = self.processes[i]
            process.join(timeout=0.1)
            self._abort()
            raise VectorEnvError(
                f"worker {i} of {type(self).__name__} is gone (exit code {process.exitcode}); cannot send {message[0]!r}"
            ) from None

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
            except (BrokenPipeError, OSError):
                pass
        for i, remote in enumerate(self.remotes):
            try:
                if remote.poll(2.0):
                    remote.recv()
            except (EOFError, OSError):
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
