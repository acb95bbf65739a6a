"""Vector envs: batching, auto-reset with final observations, seeding, worker errors with tracebacks."""

from __future__ import annotations

import numpy as np
import pytest

from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv
from maze.train.parallelization.vector_env.vector_env import VectorEnvError


def cartpole() -> GymMazeEnv:
    return GymMazeEnv("CartPole-v1")


class _FailingEnv:
    """Factory of a CartPole whose step raises on the 3rd call."""

    def __call__(self) -> GymMazeEnv:
        env = GymMazeEnv("CartPole-v1")
        count = {"n": 0}
        original = env.step

        def step(action):
            count["n"] += 1
            if count["n"] == 3:
                raise RuntimeError("boom in env step")
            return original(action)

        env.step = step
        return env


def _push_left(n: int) -> dict:
    return {"action": np.zeros(n, dtype=np.int64)}


@pytest.mark.parametrize("cls", [SequentialVectorEnv, SubprocVectorEnv])
def test_auto_reset_returns_final_observation(cls) -> None:
    env = cls([cartpole, cartpole])
    try:
        env.seed([1, 2])
        obs = env.reset()
        assert obs["observation"].shape == (2, 4)
        for _ in range(200):
            obs, rew, term, trunc, infos = env.step(_push_left(2))
            assert rew.shape == (2,) and term.dtype == bool
            if term.any():
                i = int(np.flatnonzero(term)[0])
                final = infos[i]["final_observation"]["observation"]
                # pushing left always fails by the pole angle/cart position limit
                assert abs(final[2]) > 0.2 or abs(final[0]) > 2.4
                # the returned observation is the first one of the new episode (small values)
                assert np.all(np.abs(obs["observation"][i]) <= 0.05)
                break
        else:
            pytest.fail("episode never terminated")
    finally:
        env.close()


def test_per_env_seeds_reproducible_and_distinct() -> None:
    a = SequentialVectorEnv([cartpole, cartpole])
    b = SubprocVectorEnv([cartpole, cartpole])
    try:
        a.seed([7, 8])
        b.seed([7, 8])
        oa, ob = a.reset(), b.reset()
        np.testing.assert_array_equal(oa["observation"], ob["observation"])
        assert not np.array_equal(oa["observation"][0], oa["observation"][1])
        a.seed(123)  # base seed: env i gets 123 + i
        o1 = a.reset()
        a.seed([123, 124])
        np.testing.assert_array_equal(o1["observation"], a.reset()["observation"])
    finally:
        a.close()
        b.close()


def test_subproc_worker_exception_carries_traceback() -> None:
    env = SubprocVectorEnv([cartpole, _FailingEnv()])
    env.reset()
    env.step(_push_left(2))
    env.step(_push_left(2))
    with pytest.raises(VectorEnvError) as info:
        env.step(_push_left(2))
    message = str(info.value)
    assert "env 1" in message and "boom in env step" in message and "Traceback" in message
    with pytest.raises(VectorEnvError):
        env.step(_push_left(2))  # closed after the failure, no hang
    env.close()


def test_subproc_worker_creation_error() -> None:
    def bad_factory():
        return GymMazeEnv("NoSuchEnv-v0")

    with pytest.raises(VectorEnvError, match="NoSuchEnv"):
        SubprocVectorEnv([cartpole, bad_factory])


def test_subproc_killed_worker_is_detected() -> None:
    env = SubprocVectorEnv([cartpole, cartpole])
    env.reset()
    env.processes[1].kill()
    env.processes[1].join()
    with pytest.raises(VectorEnvError, match="worker 1"):
        env.step(_push_left(2))
    env.close()


def test_bad_action_batch_is_refused() -> None:
    env = SequentialVectorEnv([cartpole, cartpole])
    env.reset()
    with pytest.raises(ValueError, match="leading axis"):
        env.step({"action": np.zeros(3, dtype=np.int64)})
