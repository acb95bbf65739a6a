"""Fault injection in maze-train's ``local`` run mode: killed, exiting and raising env workers of a real
:class:`SubprocVectorEnv` on CartPole always surface as one :class:`VectorEnvWorkerError` naming the worker, its
pid and exit code (or carrying the env's traceback) — never as a bare ``ConnectionResetError`` and never as a hang.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv, VectorEnvWorkerError
from maze.train.parallelization.vector_env.vector_env import VectorEnvError


def cartpole() -> GymMazeEnv:
    return GymMazeEnv("CartPole-v1")


def _left(n: int = 2) -> dict:
    return {"action": np.zeros(n, dtype=np.int64)}


class _ExitingCartPole:
    """Factory of a CartPole whose 2nd step ends the worker process with ``os._exit(3)`` (a native crash)."""

    def __call__(self) -> GymMazeEnv:
        env = GymMazeEnv("CartPole-v1")
        original, count = env.step, {"n": 0}

        def step(action):
            count["n"] += 1
            if count["n"] == 2:
                os._exit(3)
            return original(action)

        env.step = step
        return env


class _RaisingCartPole:
    """Factory of a CartPole whose 2nd step raises."""

    def __call__(self) -> GymMazeEnv:
        env = GymMazeEnv("CartPole-v1")
        original, count = env.step, {"n": 0}

        def step_of_the_env(action):
            count["n"] += 1
            if count["n"] == 2:
                raise FloatingPointError("simulator diverged")
            return original(action)

        env.step = step_of_the_env
        return env


def test_sigkilled_worker_with_a_pending_command_names_worker_and_exit_code():
    """The step command is still unread in the worker's pipe when it is killed: the main process sees a connection
    reset, which used to escape as a bare ``ConnectionResetError``."""
    env = SubprocVectorEnv([cartpole, cartpole])
    try:
        env.reset()
        pid = env.processes[1].pid
        os.kill(pid, signal.SIGSTOP)  # the worker cannot read the next command ...
        killer = threading.Timer(0.3, os.kill, (pid, signal.SIGKILL))  # ... and dies with it unread
        killer.start()
        with pytest.raises(VectorEnvWorkerError) as info:
            env.step(_left())
        killer.join()
        assert str(info.value) == f"env worker 1 (pid {pid}) died with exit code -9 (SIGKILL) during step"
        assert (info.value.env_index, info.value.pid, info.value.exitcode) == (1, pid, -9)
        assert isinstance(info.value, VectorEnvError)  # callers catching the general error still do
        with pytest.raises(VectorEnvError, match="closed"):
            env.step(_left())  # all workers were stopped after the fault: no hang
    finally:
        env.close()


def test_sigkilled_idle_worker_is_named_on_the_next_step():
    env = SubprocVectorEnv([cartpole, cartpole])
    try:
        env.reset()
        pid = env.processes[1].pid
        os.kill(pid, signal.SIGKILL)
        env.processes[1].join(timeout=10)
        with pytest.raises(VectorEnvWorkerError, match=rf"^env worker 1 \(pid {pid}\) died with exit code -9 \(SIGKILL\) "
                                                       r"during step$"):
            env.step(_left())
    finally:
        env.close()


def test_worker_exiting_in_native_code_and_during_start_up():
    env = SubprocVectorEnv([cartpole, _ExitingCartPole()])
    try:
        env.reset()
        env.step(_left())
        start = time.monotonic()
        with pytest.raises(VectorEnvWorkerError, match=r"env worker 1 \(pid \d+\) died with exit code 3 during step"):
            env.step(_left())
        assert time.monotonic() - start < 10
    finally:
        env.close()

    def dies_at_start_up() -> GymMazeEnv:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")

    with pytest.raises(VectorEnvWorkerError, match=r"env worker 0 \(pid \d+\) died with exit code -9 \(SIGKILL\) "
                                                   r"during start-up"):
        SubprocVectorEnv([dies_at_start_up, cartpole])


def test_raising_env_reports_its_traceback():
    env = SubprocVectorEnv([cartpole, _RaisingCartPole()])
    try:
        env.reset()
        env.step(_left())
        with pytest.raises(VectorEnvWorkerError) as info:
            env.step(_left())
        message = str(info.value)
        assert message.startswith(f"env 1 (worker pid {info.value.pid}) raised during step:\nTraceback (most recent call last)")
        assert "in step_of_the_env" in message and "FloatingPointError: simulator diverged" in message
        assert info.value.exitcode is None and info.value.env_index == 1
    finally:
        env.close()
