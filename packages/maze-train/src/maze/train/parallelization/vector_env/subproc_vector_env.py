"""Envs in worker processes (the ``local`` run mode).

Each worker owns one env (the default) or, with ``n_workers``, a contiguous chunk of the envs, which it creates and
steps in order; it talks to the main process over two pipes (commands in, replies out; :class:`Channel`), one message
per worker and command: a step sends the actions of all the worker's envs in one message and gets their results in
one reply: rewards and flags, the pickled rest of the observations, and only what is not empty or changed: infos that
are empty come as ``None`` (a fresh ``{}`` in the main process), an env's acting actor only when it differs from the
one of its last reply. Every fault of a worker surfaces as one :class:`VectorEnvWorkerError` naming the
env index, the worker's pid and the command it was serving:

* an env that raises: the worker sends its formatted traceback back, which the error carries, and names the env (of
  its chunk) that raised: ``env 1 (worker pid 4242) raised during step`` with one env per worker, ``env 3 (worker 1,
  pid 4242) raised during step`` with several;
* a worker that dies (killed, segfault, ``os._exit``): its liveness is polled while waiting, and a broken pipe
  (``EOFError``, ``ConnectionResetError``, ``BrokenPipeError``) is never raised bare: the process is joined
  briefly and its exit code (with the signal's name) goes into the error, e.g.
  ``env worker 1 (pid 4242) died with exit code -9 (SIGKILL) during step`` (a worker of several envs names them:
  ``env worker 1 (pid 4242, envs 2-3) died ...``).

The main process never hangs on a dead worker; after a fault all workers are terminated.

Observations and actions travel through shared memory (``shared_memory=True``, the default), as observations do
in gymnasium's ``AsyncVectorEnv``: the main process allocates one ``(n_envs, *shape)`` array per (sub-step key,
key) of every sub-step's observation and action space (:class:`SharedSpaceMemory`), its rows indexed by the env
index. Each worker writes its envs' observations into their rows in place and the main process copies the batch
out (the batches it returns are the caller's: a rollout keeps every step's; a copy costs a fraction of a pipe round
trip); the main process writes the batched actions in place and each worker takes its envs' rows — instead of
pickling them through the pipes per step. Observation values are cast to the space's dtype (``same_kind``); an
observation whose shape or keys differ from its space is an error of its env (raised in the worker, carried by
:class:`VectorEnvWorkerError`). Keys whose space has no fixed shape and numeric dtype (e.g. ``Text``, nested
``Dict``/``Tuple``), and actions of another dtype than their space's, stay pickled; so do rewards, flags, infos and
the final observations in the infos at episode ends (small, or rare).
The memory is released on :meth:`SubprocVectorEnv.close` and after a worker fault.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import select
import signal
import struct
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
    ActorBatch,
    EnvFactory,
    GroupedActions,
    StructuredVectorEnv,
    VectorEnvError,
    VectorStep,
    batched_action_arrays,
    check_grouped_actions,
    group_by_actor,
    per_env_actions,
    stack_groups,
    stack_observations,
    step_with_auto_reset,
)

_POLL_SECONDS = 0.5
#: how long a worker whose pipe broke is waited for, to learn its exit code
_JOIN_SECONDS = 1.0
#: errors of a pipe whose other end is gone
_PIPE_ERRORS = (EOFError, ConnectionResetError, BrokenPipeError, OSError)

#: the length prefix of a message
_HEADER = struct.Struct("<Q")
#: bytes asked for by the first read of a message (a step's reply fits, pickled observations too, mostly)
_READ_SIZE = 1 << 16
#: whether pipe ends are file descriptors that ``os.read``/``os.writev`` can use (else: ``Connection``'s methods)
_RAW_PIPES = os.name == "posix"


class Channel:
    """One side of the two pipes between the main process and a worker: it writes messages into one and reads
    the other's.

    A message is its pickle (highest protocol) behind a length prefix, written with one ``writev`` and read with one
    ``read`` (a large one with as many more as it takes): about half the time per message of a duplex
    ``multiprocessing`` pipe, which is a socket pair whose ``Connection`` builds a pickler per message and reads a
    message's header and body separately. The :class:`Connection` objects carry the pipe ends into a worker (under
    any start method) and close them; where their ends are no file descriptors (Windows), their
    ``send_bytes``/``recv_bytes``/``poll`` move the pickles. Made in the process that uses it (it is not picklable).

    :param reader: the end of the pipe this side reads.
    :param writer: the end of the pipe this side writes.
    """

    def __init__(self, reader: Connection, writer: Connection) -> None:
        self.reader, self.writer = reader, writer
        self._read_fd, self._write_fd = reader.fileno(), writer.fileno()
        self._pending = b""  # bytes read past the end of the last message
        self._poller: Any = None
        if _RAW_PIPES and hasattr(select, "poll"):
            # one ``poll`` syscall on a poller made once (``Connection.poll`` builds a selector per call: hot path)
            self._poller = select.poll()
            self._poller.register(self._read_fd, select.POLLIN)  # POLLHUP/POLLERR are always reported

    def poll(self, timeout: float) -> bool:
        """Whether a message (or the end of the pipe) is readable within ``timeout`` seconds."""
        if self._pending:
            return True
        if self._poller is None:
            return self.reader.poll(timeout)
        return bool(self._poller.poll(int(timeout * 1000)))

    def send(self, message: Any) -> None:
        """Pickle ``message`` and write it.

        :raises BrokenPipeError: the other side has closed its end (e.g. the process died).
        """
        payload = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        if not _RAW_PIPES:
            self.writer.send_bytes(payload)
            return
        header = _HEADER.pack(len(payload))
        written = os.writev(self._write_fd, (header, payload))
        while written < len(header) + len(payload):  # a write cut short (e.g. by a signal): the rest
            if written < len(header):
                written += os.writev(self._write_fd, (header[written:], payload))
            else:
                written += os.write(self._write_fd, memoryview(payload)[written - len(header):])

    def recv(self) -> Any:
        """Read the next message (blocks until it is there).

        :raises EOFError: the other side has closed its end before (or while) sending it.
        """
        if not _RAW_PIPES:
            return pickle.loads(self.reader.recv_bytes())
        data = self._pending or self._read(_READ_SIZE)
        while len(data) < _HEADER.size:
            data += self._read(_READ_SIZE)
        end = _HEADER.size + _HEADER.unpack_from(data)[0]
        if len(data) < end:  # a large message: read the rest into its buffer
            buffer = bytearray(end)
            buffer[:len(data)] = data
            view, have = memoryview(buffer), len(data)
            while have < end:
                n = os.readv(self._read_fd, (view[have:],))
                if n == 0:
                    raise EOFError("the pipe was closed in the middle of a message")
                have += n
            data = buffer
        self._pending = bytes(data[end:]) if len(data) > end else b""
        return pickle.loads(memoryview(data)[_HEADER.size:end])

    def _read(self, size: int) -> bytes:
        data = os.read(self._read_fd, size)
        if not data:
            raise EOFError("the pipe was closed")
        return data

    def close(self) -> None:
        """Close both pipe ends."""
        self.reader.close()
        self.writer.close()


class VectorEnvWorkerError(VectorEnvError):
    """An env worker process of a :class:`SubprocVectorEnv` failed: its env raised (the message carries the
    env's traceback) or the process died (the message names its pid and exit code).

    :param message: the description.
    :param env_index: index of the env that raised; for a dead worker (or a fault of the worker itself), its first
        env.
    :param pid: the worker's process id.
    :param exitcode: the exit code of a dead worker (negative: killed by that signal), else ``None``.
    :param worker_index: index of the worker (``None``: ``env_index``, as with one worker per env).
    :param env_indices: the envs of the worker (``None``: ``(env_index,)``).
    """

    def __init__(self, message: str, env_index: int, pid: int | None, exitcode: int | None = None,
                 worker_index: int | None = None, env_indices: Sequence[int] | None = None) -> None:
        super().__init__(message)
        self.env_index, self.pid, self.exitcode = env_index, pid, exitcode
        self.worker_index = env_index if worker_index is None else worker_index
        self.env_indices = (env_index,) if env_indices is None else tuple(env_indices)

    def __reduce__(self) -> tuple:
        return type(self), (str(self), self.env_index, self.pid, self.exitcode, self.worker_index, self.env_indices)


def split_envs(n_envs: int, n_workers: int) -> list[range]:
    """The env indices of each worker: ``n_workers`` contiguous chunks whose sizes differ by at most one (the first
    ones are larger), e.g. ``[range(0, 2), range(2, 3)]`` for 3 envs over 2 workers."""
    size, extra = divmod(n_envs, n_workers)
    chunks, start = [], 0
    for w in range(n_workers):
        stop = start + size + (w < extra)
        chunks.append(range(start, stop))
        start = stop
    return chunks


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
#: the acting actor of every env as the main process knows it before the first reset
_INITIAL_ACTOR = ActorID(0, 0)


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
    :meth:`take_env` s its row. The views of an env's rows are made once, on its first write or take.

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
        self._rows: dict[tuple[StepKeyType, int], dict[str, np.ndarray]] = {}
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
        rows = self.rows(step_key, env_index)
        if not rows:
            return dict(observation)
        rest: dict[str, Any] | None = None
        written = 0
        for key, value in observation.items():
            row = rows.get(key)
            if row is None:
                if rest is None:
                    rest = {}
                rest[key] = value
                continue
            value = np.asarray(value)
            if value.shape != row.shape:
                raise ValueError(f"observation '{key}' of sub-step {step_key!r} has shape {value.shape}, but its "
                                 f"observation space declares shape {row.shape}")
            if value.dtype == row.dtype:
                row[...] = value  # a plain copy (``copyto``'s casting check costs as much as copying an image)
            else:
                np.copyto(row, value, casting="same_kind")
            written += 1
        if written != len(rows):
            missing = sorted(set(rows) - set(observation))
            raise ValueError(f"the observation of sub-step {step_key!r} lacks the key(s) {missing} of its observation "
                             f"space (it has {sorted(observation)})")
        return rest

    def rows(self, step_key: StepKeyType, env_index: int) -> dict[str, np.ndarray]:
        """Views of env ``env_index``'s rows of sub-step ``step_key`` (0-d views of scalar spaces; empty if no key
        of the sub-step is shared), made on the first call."""
        rows = self._rows.get((step_key, env_index))
        if rows is None:
            rows = {key: array[env_index, ...] for key, array in self.arrays.get(step_key, {}).items()}
            self._rows[(step_key, env_index)] = rows
        return rows

    def read_batch(self, step_key: StepKeyType, env_indices: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Copies of the batched arrays of sub-step ``step_key``: all rows, or those of ``env_indices``."""
        arrays = self.arrays.get(step_key, {})
        if env_indices is None:
            return {key: array.copy() for key, array in arrays.items()}
        return {key: array[env_indices] for key, array in arrays.items()}  # fancy indexing copies

    def read_env(self, step_key: StepKeyType, env_index: int) -> dict[str, np.ndarray]:
        """Copies of env ``env_index``'s values of sub-step ``step_key``."""
        return {key: array[env_index].copy() for key, array in self.arrays.get(step_key, {}).items()}

    def write_batch(self, step_key: StepKeyType, items: Sequence[tuple[str, np.ndarray]],
                    env_indices: np.ndarray | None = None) -> tuple[tuple[str, ...], list[tuple[str, np.ndarray]]]:
        """Write batched values of sub-step ``step_key`` (actions, in the main process).

        :param items: ``(key, batched array)`` pairs, one row per env (or per entry of ``env_indices``).
        :param env_indices: the rows to write (``None``: all envs).
        :return: the keys written, and the items left to pickle (keys without an array, other dtypes or shapes).
        """
        arrays = self.arrays.get(step_key, {})
        written, rest = [], []
        for key, value in items:
            target = arrays.get(key)
            rows = target.shape[0] if env_indices is None or target is None else len(env_indices)
            if target is None or value.dtype != target.dtype or value.shape != (rows, *target.shape[1:]):
                rest.append((key, value))
                continue
            if env_indices is None:
                target[...] = value
            else:
                target[env_indices] = value
            written.append(key)
        return tuple(written), rest

    def take_env(self, step_key: StepKeyType, env_index: int, keys: Sequence[str]) -> dict[str, Any]:
        """Env ``env_index``'s values of ``keys`` (actions, in a worker): what indexing the batch gives (numpy
        scalars of scalar spaces), arrays copied out of the shared buffer."""
        rows = self.rows(step_key, env_index)
        out = {}
        for key in keys:
            row = rows[key]
            out[key] = row[()] if row.ndim == 0 else row.copy()
        return out

    def close(self) -> None:
        """Unmap the segment (the owner also unlinks it); idempotent."""
        if self._closed:
            return
        self._closed = True
        self.arrays, self._rows = {}, {}
        try:
            self.segment.close()
        except BufferError:  # a view is still referenced somewhere: the mapping goes with the process
            pass
        if self.owner:
            try:
                self.segment.unlink()
            except FileNotFoundError:
                pass


def _worker(commands: Connection, results: Connection, parent_ends: Sequence[Connection],
            pickled_factories: Sequence[bytes], env_indices: Sequence[int]) -> None:
    """Worker loop: create the envs of ``env_indices`` (in order), then serve ``attach``/``step``/``reset``/``call``/
    ``close`` commands for all of them (one message per command, one reply with a result per env).

    A failure is replied as ``("error", (env index, traceback))``; the env index is that of the env being served
    when it happened, ``None`` for a fault of the worker itself (e.g. a reply that cannot be pickled).

    :param commands: the end of the pipe of the commands that the worker reads.
    :param results: the end of the pipe of the replies that the worker writes.
    :param parent_ends: the main process's ends of both pipes (closed here).
    """
    for end in parent_ends:
        end.close()
    remote = Channel(commands, results)
    envs: list[Any] = []
    memory: SharedSpaceMemory | None = None  # observations
    action_memory: SharedSpaceMemory | None = None
    current: int | None = None  # the env being served (named in errors)
    try:
        for i, pickled in zip(env_indices, pickled_factories):
            current = i
            envs.append(cloudpickle.loads(pickled)())
        current = None
        env = envs[0]
        remote.send(("ok", (env.action_spaces_dict, env.observation_spaces_dict, env.agent_counts_dict)))
    except BaseException:  # noqa: BLE001 - reported to the main process
        remote.send(("error", (current, traceback.format_exc())))
        remote.close()
        return
    served = tuple(zip(env_indices, envs))
    # the acting actor of each env as the main process knows it (from the replies): its actions are for these
    # actors (their rows in shared memory), and a step's reply names an env's actor only when it changed
    known_actors = [_INITIAL_ACTOR] * len(envs)
    while True:
        try:
            cmd, data = remote.recv()
        except (EOFError, OSError, KeyboardInterrupt):  # the main process is gone or interrupted
            break
        current = None
        try:
            if cmd == "step":  # per env: the keys of its action in shared memory, the pickled rest
                replies = []
                for position, ((i, env), (shared_keys, action)) in enumerate(zip(served, data)):
                    current = i
                    if shared_keys:
                        shared = action_memory.take_env(known_actors[position].step_key, i, shared_keys)  # type: ignore[union-attr]
                        action = shared if action is None else {**shared, **action}
                    obs, rew, term, trunc, info = step_with_auto_reset(env, action)
                    actor_id = env.actor_id()
                    if memory is not None:  # the shared keys go into shared memory, the rest (if any) is pickled
                        obs = memory.write(actor_id.step_key, i, obs)
                    if actor_id == known_actors[position]:
                        actor_id = None
                    else:
                        known_actors[position] = actor_id
                    # no info dict and no actor (the common case) are sent as None
                    replies.append((obs, float(rew), bool(term), bool(trunc), info or None, actor_id))
                current = None
                remote.send(("ok", replies))
            elif cmd == "reset":  # per env: its seed
                replies = []
                for position, ((i, env), seed) in enumerate(zip(served, data)):
                    current = i
                    obs, _ = env.reset(seed=seed)
                    actor_id = known_actors[position] = env.actor_id()
                    if memory is not None:
                        obs = memory.write(actor_id.step_key, i, obs)
                    replies.append((obs, actor_id))
                current = None
                remote.send(("ok", replies))
            elif cmd == "attach":
                layout, action_layout = data
                memory = SharedSpaceMemory.attach(layout) if layout is not None else None
                action_memory = SharedSpaceMemory.attach(action_layout) if action_layout is not None else None
                remote.send(("ok", None))
            elif cmd == "call":  # one env of the chunk (its position), or all (None: a list of results)
                position, name, args, kwargs = data
                if position is None:
                    results = []
                    for i, env in served:
                        current = i
                        results.append(getattr(env, name)(*args, **kwargs))
                else:
                    current, env = served[position]
                    results = getattr(env, name)(*args, **kwargs)
                current = None
                remote.send(("ok", results))
            elif cmd == "close":
                failure = None
                for i, env in served:
                    try:
                        env.close()
                    except BaseException:  # noqa: BLE001 - the other envs are still closed
                        failure = failure or (i, traceback.format_exc())
                for shared_memory in (memory, action_memory):
                    if shared_memory is not None:
                        shared_memory.close()
                remote.send(("ok", None) if failure is None else ("error", failure))
                break
            else:
                raise ValueError(f"unknown worker command {cmd!r}")
        except BaseException:  # noqa: BLE001 - reported to the main process
            remote.send(("error", (current, traceback.format_exc())))
    remote.close()


class SubprocVectorEnv(StructuredVectorEnv):
    """Vector env whose envs live in worker processes: one per env, or ``n_workers`` of them stepping contiguous
    chunks of the envs.

    Several envs per worker trade parallelism for fewer messages (one pipe round trip per worker and step instead
    of one per env): worth it when the envs' steps are cheap compared with the inter-process communication, or when
    there are more envs than cores.

    :param env_factories: one picklable (cloudpickle) callable per env returning a MazeEnv.
    :param logging_prefix: statistics prefix (``"train"``/``"eval"``).
    :param start_method: multiprocessing start method; default ``fork`` where available (fast start, no
        pickling of the main module), else ``spawn``.
    :param shared_memory: move observations and actions through shared memory (see the module docstring);
        ``False`` pickles them through the pipes.
    :param n_workers: number of worker processes (``None``: one per env). The envs are split into ``n_workers``
        contiguous chunks whose sizes differ by at most one (:func:`split_envs`); each worker creates and steps the
        envs of its chunk in order. Seeds, results and :meth:`call` stay per env, in env order.
    """

    def __init__(self, env_factories: Sequence[EnvFactory], logging_prefix: str | None = None,
                 start_method: str | None = None, shared_memory: bool = True, n_workers: int | None = None) -> None:
        super().__init__(len(env_factories), logging_prefix)
        if n_workers is None:
            n_workers = self.n_envs
        elif isinstance(n_workers, bool) or not isinstance(n_workers, (int, np.integer)) or not 1 <= n_workers <= self.n_envs:
            raise ValueError(f"n_workers={n_workers!r} is invalid: expected an integer between 1 and the number of envs "
                             f"({self.n_envs}), or None for one worker per env")
        if start_method is None:
            start_method = "fork" if sys.platform.startswith("linux") else "spawn"
        ctx = mp.get_context(start_method)
        self._closed = False
        #: the env indices of each worker (contiguous, in order)
        self.worker_envs = split_envs(self.n_envs, int(n_workers))
        #: per env: its worker and its position in the worker's chunk
        self._env_workers = [(w, position) for w, chunk in enumerate(self.worker_envs) for position in range(len(chunk))]
        self.remotes: list[Channel] = []
        self.processes: list[Any] = []  # one per worker
        self._commands = ["start-up"] * len(self.worker_envs)  # what each worker is serving (for errors)
        #: the shared observation and action arrays (``None``: they are pickled)
        self.memory: SharedSpaceMemory | None = None
        self.action_memory: SharedSpaceMemory | None = None
        if shared_memory:
            # workers that attach register the segment with the resource tracker: they must share this process's
            # tracker (started before they are), or theirs would unlink the segment when they exit
            resource_tracker.ensure_running()
        for chunk in self.worker_envs:
            commands_in, commands_out = ctx.Pipe(duplex=False)
            results_in, results_out = ctx.Pipe(duplex=False)
            pickled = [cloudpickle.dumps(env_factories[i]) for i in chunk]
            process = ctx.Process(target=_worker, args=(commands_in, results_out, (results_in, commands_out), pickled,
                                                        list(chunk)), daemon=True)
            process.start()
            commands_in.close()  # the worker's ends: a dead worker's pipes break
            results_out.close()
            self.remotes.append(Channel(results_in, commands_out))
            self.processes.append(process)
        spaces = [self._receive(w) for w in range(len(self.worker_envs))]
        self._action_spaces_dict, self._observation_spaces_dict, self._agent_counts_dict = spaces[0]  # of env 0
        self._actor_ids = [_INITIAL_ACTOR] * self.n_envs
        self._all_envs = np.arange(self.n_envs)
        self._groups = group_by_actor(self._actor_ids, self._all_envs)
        if shared_memory:
            try:
                self.memory = SharedSpaceMemory.create(self._observation_spaces_dict, self.n_envs)
                self.action_memory = SharedSpaceMemory.create(self._action_spaces_dict, self.n_envs)
            except BaseException:  # e.g. no space left for a segment: do not leave the workers behind
                self._abort()
                raise
            layouts = tuple(m.layout if m is not None else None for m in (self.memory, self.action_memory))
            if layouts != (None, None):
                for w in range(len(self.worker_envs)):
                    self._send(w, ("attach", layouts))
                for w in range(len(self.worker_envs)):
                    self._receive(w)

    @property
    def n_workers(self) -> int:
        """Number of worker processes."""
        return len(self.worker_envs)

    # ------------------------------------------------------------------ IPC
    def _receive(self, w: int) -> Any:
        """The reply of worker ``w`` (a list with one entry per env of its chunk for per-env commands)."""
        remote, process = self.remotes[w], self.processes[w]
        try:
            while not remote.poll(_POLL_SECONDS):
                if not process.is_alive():
                    raise self._died(w)
            status, payload = remote.recv()
        except _PIPE_ERRORS:
            raise self._died(w) from None
        if status == "error":
            self._abort()
            env_index, trace = payload
            if env_index is None:  # a fault of the worker, not of one of its envs
                raise self._error(w, f"{self._worker_name(w)} raised during {self._commands[w]}:\n{trace}")
            where = f"worker pid {process.pid}" if self._one_env_per_worker() else f"worker {w}, pid {process.pid}"
            raise self._error(w, f"env {env_index} ({where}) raised during {self._commands[w]}:\n{trace}", env_index)
        return payload

    def _send(self, w: int, message: tuple) -> None:
        self._commands[w] = message[0] if message[0] != "call" else f"call of {message[1][1]!r}"
        try:
            self.remotes[w].send(message)
        except _PIPE_ERRORS:
            raise self._died(w) from None

    def _one_env_per_worker(self) -> bool:
        return len(self.worker_envs) == self.n_envs

    def _worker_name(self, w: int) -> str:
        """``env worker 1 (pid 4242)``, naming its envs when workers have several: ``(pid 4242, envs 2-3)``."""
        pid, chunk = self.processes[w].pid, self.worker_envs[w]
        if self._one_env_per_worker():
            return f"env worker {w} (pid {pid})"
        envs = f"env {chunk[0]}" if len(chunk) == 1 else f"envs {chunk[0]}-{chunk[-1]}"
        return f"env worker {w} (pid {pid}, {envs})"

    def _error(self, w: int, message: str, env_index: int | None = None, exitcode: int | None = None
               ) -> VectorEnvWorkerError:
        chunk = self.worker_envs[w]
        return VectorEnvWorkerError(message, chunk[0] if env_index is None else env_index, self.processes[w].pid,
                                    exitcode, worker_index=w, env_indices=tuple(chunk))

    def _died(self, w: int) -> VectorEnvWorkerError:
        """The error for worker ``w`` whose pipe broke or which is no longer alive; all workers are stopped."""
        process = self.processes[w]
        process.join(timeout=_JOIN_SECONDS)
        exitcode = process.exitcode
        self._abort()
        if exitcode is None:  # the pipe broke, yet the process lived on (it is terminated now)
            return self._error(w, f"{self._worker_name(w)} lost its pipe during {self._commands[w]} while still running")
        return self._error(w, f"{self._worker_name(w)} died with {describe_exit_code(exitcode)} during "
                              f"{self._commands[w]}", exitcode=exitcode)

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
        self._close_channels()

    def _release_memory(self) -> None:
        for memory in (self.memory, self.action_memory):
            if memory is not None:
                memory.close()

    def _close_channels(self) -> None:
        for remote in self.remotes:
            remote.close()

    def _action_messages(self, actions: GroupedActions) -> list[tuple[tuple[str, ...], dict[str, Any] | None]]:
        """Per env: the action keys written to shared memory and the pickled rest of its action."""
        memory = self.action_memory
        if memory is None:
            return [((), action) for action in per_env_actions(actions, self._groups, self.n_envs)]
        check_grouped_actions(actions, self._groups)
        messages: list[tuple[tuple[str, ...], dict[str, Any] | None]] = [None] * self.n_envs  # type: ignore[list-item]
        for aid, idx in self._groups:
            rows = None if len(idx) == self.n_envs else idx
            items = batched_action_arrays(actions[aid], len(idx), None if rows is None else aid)
            shared, rest = memory.write_batch(aid.step_key, items, rows)
            if not rest:  # the common case: one message for all these envs
                message = (shared, None)
                for i in idx:
                    messages[i] = message
                continue
            for row, i in enumerate(idx):
                messages[i] = (shared, {k: v[row] for k, v in rest})
        return messages

    def _group_observations(self, received: list[Any], regroup: bool = True) -> list[ActorBatch]:
        """The observations per acting actor, from shared memory and the pickled keys ``received``.

        :param regroup: whether an env's acting actor changed (else the groups of the last step still hold).
        """
        if regroup:
            self._groups = group_by_actor(self._actor_ids, self._all_envs)
        memory = self.memory
        if memory is None:
            return stack_groups(received, self._groups)
        batches = []
        for aid, idx in self._groups:
            if all(received[i] is None for i in idx):  # the common case: one copy per key
                batches.append(ActorBatch(aid, idx, memory.read_batch(aid.step_key, None if len(idx) == self.n_envs else idx)))
                continue
            per_env = []
            for i in idx:
                obs = memory.read_env(aid.step_key, int(i))
                if received[i]:
                    obs.update(received[i])
                per_env.append(obs)
            batches.append(ActorBatch(aid, idx, stack_observations(per_env)))
        return batches

    # ------------------------------------------------------------------ API
    def reset_groups(self) -> list[ActorBatch]:
        self._check_open()
        seeds = self._take_seeds()
        for w, chunk in enumerate(self.worker_envs):
            self._send(w, ("reset", seeds[chunk.start:chunk.stop]))
        obs_list = []
        for w in range(len(self.worker_envs)):
            for obs, actor_id in self._receive(w):
                self._actor_ids[len(obs_list)] = actor_id
                obs_list.append(obs)
        return self._group_observations(obs_list)

    def step_groups(self, actions: GroupedActions) -> VectorStep:
        self._check_open()
        messages = self._action_messages(actions)
        for w, chunk in enumerate(self.worker_envs):
            self._send(w, ("step", messages[chunk.start:chunk.stop]))
        obs_list, infos = [], []
        rewards = np.empty(self.n_envs, dtype=np.float64)
        terminated = np.empty(self.n_envs, dtype=bool)
        truncated = np.empty(self.n_envs, dtype=bool)
        i, regroup = 0, False
        for w in range(len(self.worker_envs)):  # the chunks are contiguous: the replies come in env order
            for obs, rewards[i], terminated[i], truncated[i], info, actor_id in self._receive(w):
                if actor_id is not None:
                    self._actor_ids[i] = actor_id
                    regroup = True
                obs_list.append(obs)
                infos.append({} if info is None else info)
                i += 1
        return self._group_observations(obs_list, regroup), rewards, terminated, truncated, infos

    def call(self, name: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Call a method on every env and return the results in env order (e.g. to fetch statistics)."""
        self._check_open()
        for w in range(len(self.worker_envs)):
            self._send(w, ("call", (None, name, args, kwargs)))
        return [result for w in range(len(self.worker_envs)) for result in self._receive(w)]

    def close(self) -> None:
        if self._closed:
            return
        for remote in self.remotes:
            try:
                remote.send(("close", None))
            except _PIPE_ERRORS:
                pass
        for w, remote in enumerate(self.remotes):
            try:
                if remote.poll(2.0):
                    remote.recv()
            except _PIPE_ERRORS:
                pass
            self.processes[w].join(timeout=2.0)
            if self.processes[w].is_alive():
                self.processes[w].terminate()
        self._closed = True
        self._release_memory()
        self._close_channels()

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

    def call_env(self, index: int, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the method ``name`` of env ``index`` in its worker process and return the (pickled) result; a failure
        raises :class:`VectorEnvWorkerError` with the worker's traceback."""
        self._check_open()
        if not 0 <= index < self.n_envs:
            raise IndexError(f"env index {index} out of range for {self.n_envs} envs")
        w, position = self._env_workers[index]
        self._send(w, ("call", (position, name, args, kwargs)))
        return self._receive(w)
