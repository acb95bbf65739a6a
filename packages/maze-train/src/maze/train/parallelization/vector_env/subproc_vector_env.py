"""Envs in worker processes (the ``local`` run mode).

Each worker owns one env and talks to the main process over a pipe. Every fault of a worker surfaces as one
:class:`VectorEnvWorkerError` naming the env index, the worker's pid and the command it was serving:

* an env that raises: the worker sends its formatted traceback back, which the error carries;
* a worker that dies (killed, segfault, ``os._exit``): its liveness is polled while waiting, and a broken pipe
  (``EOFError``, ``ConnectionResetError``, ``BrokenPipeError``) is never raised bare: the process is joined
  briefly and its exit code (with the signal's name) goes into the error, e.g.
  ``env worker 1 (pid 4242) died with exit code -9 (SIGKILL) during step``.

The main process never hangs on a dead worker; after a fault all workers are terminated.

Observations and actions travel through shared memory (``shared_memory=True``, the default), as observations do
in gymnasium's ``AsyncVectorEnv``: the main process allocates one ``(n_envs, *shape)`` array per (sub-step key,
key) of every sub-step's observation and action space (:class:`SharedSpaceMemory`). Each worker writes its env's
observation into its row in place and the main process copies the batch out; the main process writes the batched
actions in place and each worker takes its row — instead of pickling them through the pipes per step. Observation
values are cast to the space's dtype (``same_kind``); an observation whose shape or keys differ from its space is an
error of its env (raised in the worker, carried by :class:`VectorEnvWorkerError`). Keys whose space has no fixed
shape and numeric dtype (e.g. ``Text``, nested ``Dict``/``Tuple``), and actions of another dtype than their space's,
stay pickled; so do rewards, flags, infos and the final observations in the infos at episode ends (small, or rare).
The memory is released on :meth:`SubprocVectorEnv.close` and after a worker fault.
"""

from __future__ import annotations

import multiprocessing as mp
import select
import signal
import sys
import traceback
from dataclasses import dataclass
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from typing import Any, Mapping, Sequence

import cloudpickle
import gymnasium as gym
import numpy as np

from maze.core.env.structured_env import ActorID, StepKeyType
from maze.train.parallelization.vector_env.vector_env import (
    EnvFactory,
    StructuredVectorEnv,
    VectorEnvError,
    batched_action_arrays,
    split_actions,
    stack_observations,
    step_with_auto_reset,
)

_POLL_SECONDS = 0.5
_POLL_MS = int(_POLL_SECONDS * 1000)
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


#: spaces whose values go through shared memory: a fixed shape and a numeric dtype
_SHARED_SPACES = (gym.spaces.Box, gym.spaces.Discrete, gym.spaces.MultiBinary, gym.spaces.MultiDiscrete)
_ALIGN = 64


@dataclass(frozen=True)
class SharedArraySpec:
    """Where the batched values of one (sub-step key, key) lie in the shared segment.

    :param step_key: the sub-step key.
    :param key: the observation or action key.
    :param offset: byte offset of the ``(n_envs, *shape)`` array in the segment.
    :param shape: the shape of one env's value.
    :param dtype: the numpy dtype string (the space's dtype).
    """

    step_key: StepKeyType
    key: str
    offset: int
    shape: tuple[int, ...]
    dtype: str


@dataclass(frozen=True)
class SharedMemoryLayout:
    """A shared segment of a :class:`SubprocVectorEnv` (sent to every worker once, at start-up).

    :param name: the segment's name (``multiprocessing.shared_memory``).
    :param n_envs: number of envs (rows of every array).
    :param arrays: one entry per (sub-step key, observation key).
    """

    name: str
    n_envs: int
    arrays: tuple[SharedArraySpec, ...]


class SharedSpaceMemory:
    """Batched values of a space dict in one shared-memory segment: a ``(n_envs, *shape)`` array per (sub-step key,
    key) of every sub-step's space (:data:`_SHARED_SPACES` only; values of other keys are pickled).

    The main process :meth:`create` s one for the observation spaces and one for the action spaces; workers
    :meth:`attach` to their :attr:`layout`. Observations: a worker :meth:`write` s its env's row, the main process
    reads copies (:meth:`read_batch`, :meth:`read_env`). Actions: the main process :meth:`write_batch` es, a worker
    :meth:`take_env` s its row.

    :param segment: the shared memory segment.
    :param layout: where each array lies.
    :param owner: the creating process (unlinks the segment on :meth:`close`).
    """

    def __init__(self, segment: SharedMemory, layout: SharedMemoryLayout, owner: bool) -> None:
        self.segment, self.layout, self.owner = segment, layout, owner
        self.arrays: dict[StepKeyType, dict[str, np.ndarray]] = {}
        for spec in layout.arrays:
            dtype = np.dtype(spec.dtype)
            shape = (layout.n_envs, *spec.shape)
            self.arrays.setdefault(spec.step_key, {})[spec.key] = np.ndarray(shape, dtype, segment.buf, spec.offset)
        self._closed = False

    @classmethod
    def create(cls, spaces_dict: Mapping[StepKeyType, gym.spaces.Space], n_envs: int) -> SharedSpaceMemory | None:
        """Allocate the arrays of every sub-step's (``Dict``) space (``None``: no key can be shared)."""
        specs, offset = [], 0
        for step_key, space in spaces_dict.items():
            if not isinstance(space, gym.spaces.Dict):
                continue
            for key, sub in space.spaces.items():
                if not isinstance(sub, _SHARED_SPACES) or sub.shape is None or sub.dtype is None or sub.dtype.kind not in "biuf":
                    continue
                specs.append(SharedArraySpec(step_key, key, offset, tuple(int(d) for d in sub.shape), sub.dtype.str))
                nbytes = n_envs * int(np.prod(sub.shape, dtype=np.int64)) * sub.dtype.itemsize
                offset += -(-nbytes // _ALIGN) * _ALIGN
        if not specs:
            return None
        segment = SharedMemory(create=True, size=max(offset, 1))
        return cls(segment, SharedMemoryLayout(segment.name, n_envs, tuple(specs)), owner=True)

    @classmethod
    def attach(cls, layout: SharedMemoryLayout) -> SharedSpaceMemory:
        """Map the segment of ``layout`` (in a worker)."""
        return cls(SharedMemory(name=layout.name), layout, owner=False)

    def write(self, step_key: StepKeyType, env_index: int, observation: Mapping[str, Any]) -> dict[str, Any] | None:
        """Write env ``env_index``'s observation of sub-step ``step_key`` into its rows.

        :return: the keys that are not in shared memory (``None`` if there are none); they are pickled.
        :raises ValueError: a value whose shape differs from its space, or a key of the space that is missing.
        """
        arrays = self.arrays.get(step_key)
        if arrays is None:
            return dict(observation)
        rest: dict[str, Any] | None = None
        written = 0
        for key, value in observation.items():
            target = arrays.get(key)
            if target is None:
                if rest is None:
                    rest = {}
                rest[key] = value
                continue
            row = target[env_index, ...]  # a view, also of scalar spaces
            value = np.asarray(value)
            if value.shape != row.shape:
                raise ValueError(f"observation '{key}' of sub-step {step_key!r} has shape {value.shape}, but its "
                                 f"observation space declares shape {row.shape}")
            np.copyto(row, value, casting="same_kind")
            written += 1
        if written != len(arrays):
            missing = sorted(set(arrays) - set(observation))
            raise ValueError(f"the observation of sub-step {step_key!r} lacks the key(s) {missing} of its observation "
                             f"space (it has {sorted(observation)})")
        return rest

    def read_batch(self, step_key: StepKeyType) -> dict[str, np.ndarray]:
        """Copies of the batched arrays of sub-step ``step_key`` (every env acts in it)."""
        return {key: array.copy() for key, array in self.arrays.get(step_key, {}).items()}

    def read_env(self, step_key: StepKeyType, env_index: int) -> dict[str, np.ndarray]:
        """Copies of env ``env_index``'s values of sub-step ``step_key``."""
        return {key: array[env_index].copy() for key, array in self.arrays.get(step_key, {}).items()}

    def write_batch(self, step_key: StepKeyType, items: Sequence[tuple[str, np.ndarray]]
                    ) -> tuple[tuple[str, ...], list[tuple[str, np.ndarray]]]:
        """Write batched values (leading ``n_envs`` axis) of sub-step ``step_key`` (actions, in the main process).

        :param items: ``(key, batched array)`` pairs.
        :return: the keys written, and the items left to pickle (keys without an array, other dtypes or shapes).
        """
        arrays = self.arrays.get(step_key, {})
        written, rest = [], []
        for key, value in items:
            target = arrays.get(key)
            if target is None or value.dtype != target.dtype or value.shape != target.shape:
                rest.append((key, value))
                continue
            target[...] = value
            written.append(key)
        return tuple(written), rest

    def take_env(self, step_key: StepKeyType, env_index: int, keys: Sequence[str]) -> dict[str, Any]:
        """Env ``env_index``'s values of ``keys`` (actions, in a worker): what indexing the batch gives (numpy
        scalars of scalar spaces), arrays copied out of the shared buffer."""
        arrays = self.arrays[step_key]
        out = {}
        for key in keys:
            value = arrays[key][env_index]
            out[key] = value.copy() if isinstance(value, np.ndarray) else value
        return out

    def close(self) -> None:
        """Unmap the segment (the owner also unlinks it); idempotent."""
        if self._closed:
            return
        self._closed = True
        self.arrays = {}
        try:
            self.segment.close()
        except BufferError:  # a view is still referenced somewhere: the mapping goes with the process
            pass
        if self.owner:
            try:
                self.segment.unlink()
            except FileNotFoundError:
                pass


def _worker(remote: Connection, parent_remote: Connection, pickled_factory: bytes) -> None:
    """Worker loop: create the env, then serve ``attach``/``step``/``reset``/``call``/``close`` commands."""
    parent_remote.close()
    env = None
    memory: SharedSpaceMemory | None = None  # observations
    action_memory: SharedSpaceMemory | None = None
    env_index = 0
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
                shared_keys, action = data  # keys of the action in shared memory, the pickled rest
                if shared_keys:
                    shared = action_memory.take_env(env.actor_id().step_key, env_index, shared_keys)  # type: ignore[union-attr]
                    action = shared if action is None else {**shared, **action}
                obs, rew, term, trunc, info = step_with_auto_reset(env, action)
                actor_id = env.actor_id()
                if memory is not None:  # the shared keys go into shared memory, the rest (if any) is pickled
                    obs = memory.write(actor_id.step_key, env_index, obs)
                remote.send(("ok", (obs, float(rew), bool(term), bool(trunc), info, actor_id)))
            elif cmd == "reset":
                obs, _ = env.reset(seed=data)
                actor_id = env.actor_id()
                if memory is not None:
                    obs = memory.write(actor_id.step_key, env_index, obs)
                remote.send(("ok", (obs, actor_id)))
            elif cmd == "attach":
                env_index, layout, action_layout = data
                memory = SharedSpaceMemory.attach(layout) if layout is not None else None
                action_memory = SharedSpaceMemory.attach(action_layout) if action_layout is not None else None
                remote.send(("ok", None))
            elif cmd == "call":
                name, args, kwargs = data
                remote.send(("ok", getattr(env, name)(*args, **kwargs)))
            elif cmd == "close":
                env.close()
                for shared_memory in (memory, action_memory):
                    if shared_memory is not None:
                        shared_memory.close()
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
    :param shared_memory: move observations and actions through shared memory (see the module docstring);
        ``False`` pickles them through the pipes.
    """

    def __init__(self, env_factories: Sequence[EnvFactory], logging_prefix: str | None = None,
                 start_method: str | None = None, shared_memory: bool = True) -> None:
        super().__init__(len(env_factories), logging_prefix)
        if start_method is None:
            start_method = "fork" if sys.platform.startswith("linux") else "spawn"
        ctx = mp.get_context(start_method)
        self._closed = False
        self.remotes: list[Connection] = []
        self.processes: list[Any] = []
        self._commands = ["start-up"] * len(env_factories)  # what each worker is serving (for errors)
        #: the shared observation and action arrays (``None``: they are pickled)
        self.memory: SharedSpaceMemory | None = None
        self.action_memory: SharedSpaceMemory | None = None
        if shared_memory:
            # workers that attach register the segment with the resource tracker: they must share this process's
            # tracker (started before they are), or theirs would unlink the segment when they exit
            resource_tracker.ensure_running()
        for factory in env_factories:
            remote, work_remote = ctx.Pipe()
            process = ctx.Process(target=_worker, args=(work_remote, remote, cloudpickle.dumps(factory)), daemon=True)
            process.start()
            work_remote.close()
            self.remotes.append(remote)
            self.processes.append(process)
        self._pollers: list[Any] | None = None
        if hasattr(select, "poll"):
            self._pollers = []
            for remote in self.remotes:
                poller = select.poll()
                poller.register(remote.fileno(), select.POLLIN)  # POLLHUP/POLLERR are always reported
                self._pollers.append(poller)
        spaces = [self._receive(i) for i in range(self.n_envs)]
        self._action_spaces_dict, self._observation_spaces_dict, self._agent_counts_dict = spaces[0]
        self._actor_ids = [ActorID(0, 0)] * self.n_envs
        if shared_memory:
            try:
                self.memory = SharedSpaceMemory.create(self._observation_spaces_dict, self.n_envs)
                self.action_memory = SharedSpaceMemory.create(self._action_spaces_dict, self.n_envs)
            except BaseException:  # e.g. no space left for a segment: do not leave the workers behind
                self._abort()
                raise
            layouts = tuple(m.layout if m is not None else None for m in (self.memory, self.action_memory))
            if layouts != (None, None):
                for i in range(self.n_envs):
                    self._send(i, ("attach", (i, *layouts)))
                for i in range(self.n_envs):
                    self._receive(i)

    # ------------------------------------------------------------------ IPC
    def _wait_readable(self, i: int) -> bool:
        """Wait up to :data:`_POLL_SECONDS` for a message (or the end) of pipe ``i``; ``True`` when readable."""
        if self._pollers is None:
            return self.remotes[i].poll(_POLL_SECONDS)
        # one ``poll`` syscall on a poller made once (``Connection.poll`` builds a selector per call: hot path)
        return bool(self._pollers[i].poll(_POLL_MS))

    def _receive(self, i: int) -> Any:
        remote, process = self.remotes[i], self.processes[i]
        try:
            while not self._wait_readable(i):
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
        self._release_memory()

    def _release_memory(self) -> None:
        for memory in (self.memory, self.action_memory):
            if memory is not None:
                memory.close()

    def _action_messages(self, actions: dict[str, Any]) -> list[tuple[tuple[str, ...], dict[str, Any] | None]]:
        """Per env: the action keys written to shared memory and the pickled rest of its action."""
        memory = self.action_memory
        step_key = self._actor_ids[0].step_key
        if memory is None or any(aid.step_key != step_key for aid in self._actor_ids):
            return [((), action) for action in split_actions(actions, self.n_envs)]
        shared, rest = memory.write_batch(step_key, batched_action_arrays(actions, self.n_envs))
        if not rest:
            return [(shared, None)] * self.n_envs
        return [(shared, {k: v[i] for k, v in rest}) for i in range(self.n_envs)]

    def _batch_observations(self, received: list[Any]) -> dict[str, np.ndarray]:
        """The batched observation of the current actors from shared memory and the pickled keys ``received``."""
        memory = self.memory
        if memory is None:
            return stack_observations(received)
        step_key = self._actor_ids[0].step_key
        if all(aid.step_key == step_key for aid in self._actor_ids) and all(r is None for r in received):
            return memory.read_batch(step_key)  # the common case: one copy per key
        per_env = []
        for i, rest in enumerate(received):
            obs = memory.read_env(self._actor_ids[i].step_key, i)
            if rest:
                obs.update(rest)
            per_env.append(obs)
        return stack_observations(per_env)

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
        return self._batch_observations(obs_list)

    def step(self, actions: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, list[dict]]:
        self._check_open()
        for i, message in enumerate(self._action_messages(actions)):
            self._send(i, ("step", message))
        obs_list, infos = [], []
        rewards = np.empty(self.n_envs, dtype=np.float64)
        terminated = np.empty(self.n_envs, dtype=bool)
        truncated = np.empty(self.n_envs, dtype=bool)
        for i in range(self.n_envs):
            obs, rewards[i], terminated[i], truncated[i], info, self._actor_ids[i] = self._receive(i)
            obs_list.append(obs)
            infos.append(info)
        return self._batch_observations(obs_list), rewards, terminated, truncated, infos

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
        self._release_memory()

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
