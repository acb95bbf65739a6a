"""Shared memory in :class:`SubprocVectorEnv`: observations written by the workers into shared arrays equal the
pickled ones (flat CartPole, an image env, structured envs whose sub-steps have different observation spaces),
actions taken from shared arrays reach the envs unchanged, bad observations are named, and a dead worker is still
named and leaves no segment behind. Several envs per worker (``n_workers``): the same trajectories as the sequential
vector env (lock-step and grouped, even and uneven chunks), results per env in env order, faults naming the env that
raised or the dead worker with its envs. The pipes' messages (:class:`Channel`): any size arrives whole, a closed
peer is an ``EOFError``/``BrokenPipeError``; workers started with ``spawn`` get their pipe ends too."""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
import pickle
import signal
import time
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from turn_taking_envs import DetourEnv

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.structured_env import ActorID
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.parallelization.vector_env.subproc_vector_env import (
    Channel,
    SubprocVectorEnv,
    VectorEnvWorkerError,
    split_envs,
)
from maze.train.parallelization.vector_env.vector_env import VectorEnvError


def cartpole() -> GymMazeEnv:
    return GymMazeEnv("CartPole-v1")


class NoisyImageEnv(gym.Env):
    """84x84x3 ``uint8`` frames drawn from the env's seeded RNG every step; episodes of 7 steps."""

    def __init__(self) -> None:
        self.observation_space = gym.spaces.Box(0, 255, (84, 84, 3), np.uint8)
        self.action_space = gym.spaces.Discrete(2)
        self.t = 0

    def _frame(self) -> np.ndarray:
        return self.np_random.integers(0, 256, (84, 84, 3), dtype=np.uint8)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.t = 0
        return self._frame(), {}

    def step(self, action):
        self.t += 1
        return self._frame(), float(action), False, self.t >= 7, {}


def image_env() -> GymMazeEnv:
    return GymMazeEnv(NoisyImageEnv())


class _Core(CoreEnv):
    """Two sub-steps: ``a`` observes ``x`` of shape (3,) and a text note, ``b`` observes ``x`` of shape (2, 2) int."""

    def __init__(self) -> None:
        super().__init__()
        self.rng = np.random.default_rng(0)
        self.sub, self.steps = 0, 0

    def seed(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        if seed is not None:
            self.seed(seed)
        self.sub, self.steps = 0, 0
        return self.get_maze_state(), {}

    def step(self, maze_action: Any):
        if self.sub == 0:
            self.sub = 1
            self.context.keep_step_open()
            return self.get_maze_state(), 0.0, False, False, {}
        self.sub, self.steps = 0, self.steps + 1
        return self.get_maze_state(), float(maze_action), False, self.steps >= 4, {}

    def get_maze_state(self) -> Any:
        return self.sub, self.rng.random(3), self.rng.integers(0, 9, (2, 2))

    def actor_id(self) -> ActorID:
        return ActorID("a" if self.sub == 0 else "b", 0)

    @property
    def agent_counts_dict(self) -> dict:
        return {"a": 1, "b": 1}


class _Obs(ObservationConversionInterface):
    def __init__(self, sub: int) -> None:
        self.sub = sub
        self._space = gym.spaces.Dict(
            {"x": gym.spaces.Box(0.0, 1.0, (3,), np.float32), "note": gym.spaces.Text(8)} if sub == 0 else
            {"x": gym.spaces.Box(0, 9, (2, 2), np.int64), "flag": gym.spaces.Discrete(2)})

    def maze_to_space(self, maze_state: Any) -> dict:
        _, x3, x22 = maze_state
        if self.sub == 0:
            return {"x": x3, "note": f"n{int(x22[0, 0])}"}  # float64 values of a float32 space: cast
        return {"x": x22, "flag": int(x22[1, 1] % 2)}

    def space(self) -> gym.spaces.Dict:
        return self._space


class _Act(ActionConversionInterface):
    def __init__(self) -> None:
        self._space = gym.spaces.Dict({"action": gym.spaces.Discrete(2)})

    def space_to_maze(self, action: dict, maze_state: Any) -> int:
        return int(action["action"])

    def maze_to_space(self, maze_action: Any) -> dict:
        return {"action": maze_action}

    def space(self) -> gym.spaces.Dict:
        return self._space


def structured_env() -> MazeEnv:
    return MazeEnv(_Core(), {"a": _Act(), "b": _Act()}, {"a": _Obs(0), "b": _Obs(1)})


class _WrongShapeEnv:
    """Factory of a CartPole whose 3rd step returns an observation of the wrong shape."""

    def __call__(self) -> GymMazeEnv:
        env = GymMazeEnv("CartPole-v1")
        original, count = env.step, {"n": 0}

        def step(action):
            obs, *rest = original(action)
            count["n"] += 1
            if count["n"] == 3:
                obs = {"observation": obs["observation"][:3]}
            return (obs, *rest)

        env.step = step
        return env


def _trajectory(env: Any, n_steps: int, seed: int = 3) -> list[tuple]:
    """Observations (with final observations of finished episodes), rewards and flags of ``n_steps`` steps."""
    rng = np.random.default_rng(0)
    env.seed(seed)
    out = [(env.reset(), None, None, None, [])]
    for _ in range(n_steps):
        obs, rew, term, trunc, infos = env.step({"action": rng.integers(0, 2, env.n_envs)})
        finals = [(i, info["final_observation"]) for i, info in enumerate(infos) if "final_observation" in info]
        out.append((obs, rew.copy(), term.copy(), trunc.copy(), finals))
    return out


def _assert_same(a: list[tuple], b: list[tuple], cast: dict[str, Any] | None = None) -> None:
    assert len(a) == len(b)
    for (obs_a, *rest_a), (obs_b, *rest_b) in zip(a, b):
        assert set(obs_a) == set(obs_b)
        for key in obs_a:
            expected = obs_b[key].astype(cast[key]) if cast and key in cast else obs_b[key]
            assert obs_a[key].dtype == expected.dtype, key
            np.testing.assert_array_equal(obs_a[key], expected)
        for x, y in zip(rest_a[:3], rest_b[:3]):
            np.testing.assert_array_equal(x, y)
        assert [i for i, _ in rest_a[3]] == [i for i, _ in rest_b[3]]
        for (_, fa), (_, fb) in zip(rest_a[3], rest_b[3]):
            for key in fa:
                np.testing.assert_array_equal(fa[key], fb[key])


@pytest.mark.parametrize("factory, n_steps", [(cartpole, 150), (image_env, 20)], ids=["cartpole", "image"])
def test_shared_memory_and_pickled_observations_are_identical(factory, n_steps) -> None:
    shared = SubprocVectorEnv([factory] * 3)
    pickled = SubprocVectorEnv([factory] * 3, shared_memory=False)
    sequential = SequentialVectorEnv([factory] * 3)
    try:
        assert shared.memory is not None and pickled.memory is None
        a, b, c = _trajectory(shared, n_steps), _trajectory(pickled, n_steps), _trajectory(sequential, n_steps)
        _assert_same(a, b)
        _assert_same(a, c)
        assert any(finals for *_, finals in a)  # episode ends (final observations in the infos) were covered
        # the envs were seeded differently: their rows differ (no env overwrote another's row)
        first = a[1][0]["observation"]
        assert not np.array_equal(first[0], first[1]) and not np.array_equal(first[1], first[2])
        # the returned batch is a copy: the next step does not change it
        kept = a[-1][0]["observation"].copy()
        _, _, terminated, truncated, infos = shared.step({"action": np.zeros(3, dtype=np.int64)})
        np.testing.assert_array_equal(a[-1][0]["observation"], kept)
        # one info dict per env, the caller's to change; empty ones (not sent by the workers) too
        assert all(type(info) is dict for info in infos) and len({id(info) for info in infos}) == 3
        assert all(info == {} for info, ended in zip(infos, terminated | truncated) if not ended)
    finally:
        shared.close()
        pickled.close()
        sequential.close()


def test_actions_through_shared_memory_reach_the_envs_unchanged() -> None:
    """Continuous actions (Pendulum): the space's dtype goes through shared memory, another dtype is pickled; the
    envs see the same actions (their trajectories equal the sequential vector env's) either way."""
    def pendulum() -> GymMazeEnv:
        return GymMazeEnv("Pendulum-v1")

    shared = SubprocVectorEnv([pendulum] * 2)
    sequential = SequentialVectorEnv([pendulum] * 2)
    try:
        assert [(s.step_key, s.key, s.shape) for s in shared.action_memory.layout.arrays] == [(0, "action", (1,))]
        rng = np.random.default_rng(1)
        for env in (shared, sequential):
            env.seed(11)
        obs_a, obs_b = shared.reset(), sequential.reset()
        for t in range(30):
            dtype = np.float32 if t % 2 == 0 else np.float64  # float64: not the space's dtype, pickled
            action = {"action": rng.uniform(-2, 2, (2, 1)).astype(dtype)}
            sent = action["action"].copy()
            (obs_a, rew_a, *_), (obs_b, rew_b, *_) = shared.step(action), sequential.step(action)
            np.testing.assert_array_equal(action["action"], sent)  # the caller's batch is left alone
            np.testing.assert_array_equal(obs_a["observation"], obs_b["observation"])
            np.testing.assert_array_equal(rew_a, rew_b)
        with pytest.raises(ValueError, match=r"batched action 'action' must have a leading axis of size n_envs=2"):
            shared.step({"action": np.zeros((3, 1), dtype=np.float32)})
    finally:
        shared.close()
        sequential.close()


def test_structured_env_with_different_sub_step_spaces() -> None:
    shared = SubprocVectorEnv([structured_env] * 2)
    pickled = SubprocVectorEnv([structured_env] * 2, shared_memory=False)
    try:
        layout = {(spec.step_key, spec.key): (spec.shape, spec.dtype) for spec in shared.memory.layout.arrays}
        # one array per (sub-step, key); the text key has no fixed shape and stays pickled
        assert layout == {("a", "x"): ((3,), np.dtype(np.float32).str), ("b", "x"): ((2, 2), np.dtype(np.int64).str),
                          ("b", "flag"): ((), np.dtype(np.int64).str)}
        a, b = _trajectory(shared, 12), _trajectory(pickled, 12)
        assert [set(obs) for obs, *_ in a[:3]] == [{"x", "note"}, {"x", "flag"}, {"x", "note"}]
        # sub-step "a" declares float32: shared memory holds the space's dtype, the pickled path the env's float64
        for (obs_a, *ra), (obs_b, *rb) in zip(a, b):
            cast = {"x": np.float32} if "note" in obs_a else None
            _assert_same([(obs_a, *ra)], [(obs_b, *rb)], cast)
            if "note" in obs_a:
                assert list(obs_a["note"]) == list(obs_b["note"])
        assert shared.actor_id().step_key in ("a", "b")
    finally:
        shared.close()
        pickled.close()


@pytest.mark.needs_cutting2d
def test_masked_cutting2d_shared_memory_equals_pickled() -> None:
    from maze.envs.cutting2d.env.struct_env_masked import masked_struct_env_factory

    def make():
        return masked_struct_env_factory(max_pieces_in_inventory=20, raw_piece_size=(4, 3),
                                         static_demand=[[1, 2], [2, 2], [1, 1]], max_steps=30)

    shared, pickled = SubprocVectorEnv([make] * 2), SubprocVectorEnv([make] * 2, shared_memory=False)
    try:
        assert {spec.step_key for spec in shared.memory.layout.arrays} == set(shared.observation_spaces_dict)
        shared.seed(5)
        pickled.seed(5)
        obs_s, obs_p = shared.reset(), pickled.reset()
        for _ in range(40):
            for key in obs_p:
                np.testing.assert_array_equal(obs_s[key], obs_p[key].astype(obs_s[key].dtype))
            aid = shared.actor_id()
            assert aid == pickled.actor_id()
            if aid.step_key == 0:  # a piece the mask allows, then the first allowed rotation
                actions = {"piece_idx": np.argmax(obs_s["inventory_mask"], axis=1)}
            else:
                actions = {"cut_order": np.zeros(2, dtype=np.int64),
                           "cut_rotation": np.argmax(obs_s["cutting_mask"], axis=1)}
            obs_s, *rest_s = shared.step(actions)
            obs_p, *rest_p = pickled.step(actions)
            for x, y in zip(rest_s[:3], rest_p[:3]):
                np.testing.assert_array_equal(x, y)
    finally:
        shared.close()
        pickled.close()


def test_observation_of_wrong_shape_is_named() -> None:
    env = SubprocVectorEnv([cartpole, _WrongShapeEnv()])
    try:
        env.reset()
        env.step({"action": np.zeros(2, dtype=np.int64)})
        env.step({"action": np.zeros(2, dtype=np.int64)})
        with pytest.raises(VectorEnvWorkerError) as info:
            env.step({"action": np.zeros(2, dtype=np.int64)})
        assert info.value.env_index == 1
        assert ("ValueError: observation 'observation' of sub-step 0 has shape (3,), but its observation space "
                "declares shape (4,)") in str(info.value)
    finally:
        env.close()


def _segment_exists(name: str) -> bool:
    try:
        segment = SharedMemory(name=name)
    except FileNotFoundError:
        return False
    segment.close()
    return True


def test_killed_worker_is_named_and_the_segment_released() -> None:
    env = SubprocVectorEnv([image_env, image_env])
    try:
        name = env.memory.layout.name
        env.reset()
        assert _segment_exists(name)
        pid = env.processes[0].pid
        os.kill(pid, signal.SIGKILL)
        env.processes[0].join(timeout=10)
        with pytest.raises(VectorEnvWorkerError, match=rf"^env worker 0 \(pid {pid}\) died with exit code -9 \(SIGKILL\) "
                                                       r"during step$"):
            env.step({"action": np.zeros(2, dtype=np.int64)})
        assert not _segment_exists(name)  # released when the workers were stopped after the fault
    finally:
        env.close()


def test_close_releases_the_segment() -> None:
    env = SubprocVectorEnv([cartpole, cartpole])
    name = env.memory.layout.name
    env.reset()
    env.close()
    assert not _segment_exists(name)
    env.close()  # idempotent


def test_ppo_trains_on_a_shared_memory_vector_env() -> None:
    """The ``runner=local`` path: PPO collects from and updates on worker envs that use shared memory, and its
    rollout equals that of the same seeds with pickling."""
    import torch
    from train_helpers import make_actor_critic

    from maze.train.trainers.common.actor_critic.actor_critic_events import MultiStepActorCriticEvents
    from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
    from maze.train.trainers.ppo.ppo_trainer import PPO

    batches = []
    for shared_memory in (True, False):
        torch.manual_seed(0)
        env = SubprocVectorEnv([cartpole] * 2, shared_memory=shared_memory)
        try:
            cfg = PPOAlgorithmConfig(n_epochs=1, epoch_length=2, n_rollout_steps=64, batch_size=64,
                                     n_optimization_epochs=2, rollout_evaluator=None)
            trainer = PPO(cfg, env, make_actor_critic(env), seed=4)
            batches.append(trainer.collect())
            stats = trainer.train(1)
            assert stats.value("train", MultiStepActorCriticEvents.total_env_steps) == 3 * 64 * 2
            assert np.isfinite(stats.value("train", MultiStepActorCriticEvents.grad_norm))
        finally:
            env.close()
    a, b = batches
    assert len(a) == len(b) == 64
    for (step_a,), (step_b,) in zip(a.steps, b.steps):  # CartPole: one actor per step
        np.testing.assert_array_equal(step_a.observations["observation"], step_b.observations["observation"])
        np.testing.assert_array_equal(step_a.actions["action"], step_b.actions["action"])


# ---------------------------------------------------------------------------------------------- several envs per worker
def test_envs_are_split_into_contiguous_chunks() -> None:
    assert split_envs(4, 2) == [range(0, 2), range(2, 4)]
    assert split_envs(3, 2) == [range(0, 2), range(2, 3)]
    assert split_envs(5, 3) == [range(0, 2), range(2, 4), range(4, 5)]
    assert split_envs(2, 2) == [range(0, 1), range(1, 2)]
    for bad in (0, 5, True, 1.5, "2"):
        with pytest.raises(ValueError, match=rf"n_workers={bad!r} is invalid: expected an integer between 1 and the "
                                             r"number of envs \(4\), or None for one worker per env"):
            SubprocVectorEnv([cartpole] * 4, n_workers=bad)


def _grouped_trajectory(env: Any, n_steps: int) -> list[tuple]:
    """Per step of random actions: the groups (actor, env indices, observations) handed out before it, rewards, flags
    and the final observations of the envs whose episode ended."""
    rng = np.random.default_rng(0)
    env.seed(11)
    groups = env.reset_groups()
    out = []
    for _ in range(n_steps):
        actions = {g.actor_id: {k: rng.integers(0, sp.n, len(g)) for k, sp in env.action_spaces_dict[g.actor_id.step_key].spaces.items()}
                   for g in groups}
        record = [(g.actor_id, g.env_indices.tolist(), {k: v.copy() for k, v in g.observations.items()}) for g in groups]
        groups, rewards, terminated, truncated, infos = env.step_groups(actions)
        finals = [(i, info["final_actor_id"], info["final_observation"]) for i, info in enumerate(infos)
                  if "final_observation" in info]
        out.append((record, rewards.copy(), terminated.copy(), truncated.copy(), finals))
    return out


def _assert_same_groups(a: list[tuple], b: list[tuple]) -> None:
    assert len(a) == len(b)
    for (rec_a, *rest_a, finals_a), (rec_b, *rest_b, finals_b) in zip(a, b):
        assert [(aid, idx) for aid, idx, _ in rec_a] == [(aid, idx) for aid, idx, _ in rec_b]
        for (_, _, obs_a), (_, _, obs_b) in zip(rec_a, rec_b):
            assert set(obs_a) == set(obs_b)
            for key in obs_a:
                np.testing.assert_array_equal(obs_a[key], obs_b[key].astype(obs_a[key].dtype))
        for x, y in zip(rest_a, rest_b):
            np.testing.assert_array_equal(x, y)
        assert [(i, aid) for i, aid, _ in finals_a] == [(i, aid) for i, aid, _ in finals_b]
        for (*_, fa), (*_, fb) in zip(finals_a, finals_b):
            assert set(fa) == set(fb)
            for key in fa:
                np.testing.assert_array_equal(fa[key], fb[key])


class _Tagged:
    """Factory of a CartPole with two extra methods: ``tag()`` (its factory's tag) and ``pid()`` (its process)."""

    def __init__(self, tag: int) -> None:
        self.tag = tag

    def __call__(self) -> GymMazeEnv:
        env = GymMazeEnv("CartPole-v1")
        env.tag = lambda: self.tag
        env.pid = os.getpid
        return env


@pytest.mark.parametrize("n_envs, n_workers", [(4, 2), (3, 2), (2, 1)], ids=["4-over-2", "3-over-2", "2-over-1"])
@pytest.mark.parametrize("shared_memory", [True, False], ids=["shared", "pickled"])
def test_several_envs_per_worker_equal_the_sequential_vector_env(n_envs, n_workers, shared_memory) -> None:
    chunks = split_envs(n_envs, n_workers)
    flat = SubprocVectorEnv([cartpole] * n_envs, shared_memory=shared_memory, n_workers=n_workers)
    detour = SubprocVectorEnv([DetourEnv] * n_envs, shared_memory=shared_memory, n_workers=n_workers)
    tagged = SubprocVectorEnv([_Tagged(10 + i) for i in range(n_envs)], shared_memory=shared_memory, n_workers=n_workers)
    sequential_flat, sequential_detour = SequentialVectorEnv([cartpole] * n_envs), SequentialVectorEnv([DetourEnv] * n_envs)
    try:
        assert flat.n_workers == len(flat.processes) == n_workers and flat.worker_envs == chunks
        assert (flat.memory is not None) == shared_memory
        # lock-step CartPole: the same observations, rewards, flags and final observations with the same seeds
        a, b = _trajectory(flat, 150), _trajectory(sequential_flat, 150)
        _assert_same(a, b)
        assert any(finals for *_, finals in a)
        # grouped API on envs whose sub-steps diverge
        a, b = _grouped_trajectory(detour, 40), _grouped_trajectory(sequential_detour, 40)
        assert any(len(record) > 1 for record, *_ in a), "the envs never left lock-step"
        assert any(finals for *_, finals in a)
        _assert_same_groups(a, b)
        # results per env in env order; the envs of a chunk live in their worker's process
        assert tagged.call("tag") == [10 + i for i in range(n_envs)]
        assert [tagged.call_env(i, "tag") for i in range(n_envs)] == [10 + i for i in range(n_envs)]
        pids = [process.pid for process in tagged.processes]
        assert tagged.call("pid") == [pids[w] for w, chunk in enumerate(chunks) for _ in chunk]
    finally:
        for env in (flat, detour, tagged, sequential_flat, sequential_detour):
            env.close()


class _RaisingAt:
    """Factory of a CartPole whose ``n``-th step raises (``n=0``: its creation raises)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __call__(self) -> GymMazeEnv:
        if self.n == 0:
            raise RuntimeError("no licence for the simulator")
        env = GymMazeEnv("CartPole-v1")
        original, count = env.step, {"n": 0}

        def step_of_the_env(action):
            count["n"] += 1
            if count["n"] == self.n:
                raise FloatingPointError("simulator diverged")
            return original(action)

        env.step = step_of_the_env
        return env


@pytest.mark.parametrize("raising", [2, 3], ids=["first-of-chunk", "second-of-chunk"])
def test_raising_env_in_a_multi_env_worker_is_named(raising) -> None:
    env = SubprocVectorEnv([cartpole if i != raising else _RaisingAt(2) for i in range(4)], n_workers=2)
    try:
        env.reset()
        env.step({"action": np.zeros(4, dtype=np.int64)})
        pid = env.processes[1].pid
        with pytest.raises(VectorEnvWorkerError) as info:
            env.step({"action": np.zeros(4, dtype=np.int64)})
        message = str(info.value)
        assert message.startswith(f"env {raising} (worker 1, pid {pid}) raised during step:\nTraceback (most recent call last)")
        assert "in step_of_the_env" in message and "FloatingPointError: simulator diverged" in message
        assert (info.value.env_index, info.value.worker_index, info.value.env_indices) == (raising, 1, (2, 3))
        assert info.value.pid == pid and info.value.exitcode is None
        with pytest.raises(VectorEnvError, match="closed"):
            env.step({"action": np.zeros(4, dtype=np.int64)})
    finally:
        env.close()
    with pytest.raises(VectorEnvWorkerError, match=r"(?s)^env 1 \(worker 0, pid \d+\) raised during start-up:\n.*"
                                                   r"RuntimeError: no licence for the simulator") as info:
        SubprocVectorEnv([cartpole, _RaisingAt(0), cartpole], n_workers=2)
    assert (info.value.env_index, info.value.worker_index, info.value.env_indices) == (1, 0, (0, 1))


@pytest.mark.parametrize("worker, envs", [(0, "envs 0-1"), (1, "env 2")])
def test_killed_multi_env_worker_names_the_worker_and_its_envs(worker, envs) -> None:
    env = SubprocVectorEnv([image_env] * 3, n_workers=2)
    try:
        name = env.memory.layout.name
        env.reset()
        pid = env.processes[worker].pid
        os.kill(pid, signal.SIGKILL)
        start = time.monotonic()
        with pytest.raises(VectorEnvWorkerError) as info:
            env.step({"action": np.zeros(3, dtype=np.int64)})
        assert time.monotonic() - start < 10
        assert str(info.value) == f"env worker {worker} (pid {pid}, {envs}) died with exit code -9 (SIGKILL) during step"
        chunk = tuple(env.worker_envs[worker])
        error = pickle.loads(pickle.dumps(info.value))  # carried across processes unchanged
        for err in (info.value, error):
            assert (err.worker_index, err.env_indices, err.env_index, err.pid, err.exitcode) == (worker, chunk, chunk[0], pid, -9)
        assert str(error) == str(info.value)
        assert not _segment_exists(name)
        with pytest.raises(VectorEnvError, match="closed"):
            env.step({"action": np.zeros(3, dtype=np.int64)})
    finally:
        env.close()


# ---------------------------------------------------------------------------------------------- the pipes' messages
def _echo(commands: Connection, results: Connection, parent_ends: tuple[Connection, ...]) -> None:
    """Send every message back until ``None`` comes (then exit, closing this process's pipe ends)."""
    for end in parent_ends:
        end.close()
    channel = Channel(commands, results)
    while (message := channel.recv()) is not None:
        channel.send(message)


def test_channel_moves_messages_of_any_size_and_names_a_closed_peer() -> None:
    ctx = mp.get_context("fork")
    commands_in, commands_out = ctx.Pipe(duplex=False)
    results_in, results_out = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_echo, args=(commands_in, results_out, (results_in, commands_out)), daemon=True)
    process.start()
    commands_in.close()
    results_out.close()
    channel = Channel(results_in, commands_out)
    try:
        assert not channel.poll(0.05)
        rng = np.random.default_rng(0)
        # below, at and beyond what the first read of a message asks for (64 KiB); beyond the pipe's buffer
        for n_bytes in (0, 1, 65_000, 65_536, 200_000, 3_000_000):
            payload = rng.integers(0, 256, n_bytes, dtype=np.uint8)
            channel.send(("ok", payload, {"n": n_bytes}))
            assert channel.poll(10)
            status, echoed, info = channel.recv()
            assert status == "ok" and info == {"n": n_bytes}
            np.testing.assert_array_equal(echoed, payload)
        channel.send(None)
        process.join(10)
        assert process.exitcode == 0
        assert channel.poll(1)  # the end of the pipe is readable
        with pytest.raises(EOFError):
            channel.recv()
        with pytest.raises(BrokenPipeError):
            channel.send("anyone there?")
    finally:
        channel.close()
        process.join(1)


def test_channel_reads_messages_that_arrive_together() -> None:
    """A read that takes in the start of the next message too keeps it for the next ``recv`` (one pipe looped back
    into the same channel; the messages fit into its buffer)."""
    reader, writer = mp.Pipe(duplex=False)
    channel = Channel(reader, writer)
    try:
        messages = [("a", 1), {"b": [2, 3]}, None, np.arange(3_000, dtype=np.int64), np.arange(3_500, dtype=np.int64)]
        for message in messages:  # written before any is read: the first read takes all of them but the last part
            channel.send(message)
        for message in messages:
            assert channel.poll(0)
            received = channel.recv()
            if isinstance(message, np.ndarray):
                np.testing.assert_array_equal(received, message)
            else:
                assert received == message
        assert not channel.poll(0)
    finally:
        channel.close()


def test_spawned_workers_get_their_pipe_ends() -> None:
    """With the ``spawn`` start method the pipe ends are pickled into the workers: stepping, a call and a fault
    behave as under ``fork``."""
    factory = functools.partial(GymMazeEnv, "CartPole-v1")
    env = SubprocVectorEnv([factory] * 2, start_method="spawn")
    sequential = SequentialVectorEnv([factory] * 2)
    try:
        _assert_same(_trajectory(env, 30), _trajectory(sequential, 30))
        assert env.call_env(1, "actor_id") == ActorID(0, 0)
        pid = env.processes[1].pid
        os.kill(pid, signal.SIGKILL)
        env.processes[1].join(timeout=10)
        with pytest.raises(VectorEnvWorkerError, match=rf"^env worker 1 \(pid {pid}\) died with exit code -9"):
            env.step({"action": np.zeros(2, dtype=np.int64)})
    finally:
        env.close()
        sequential.close()
