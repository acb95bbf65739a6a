"""A pytest conformance suite for MazeEnvs.

Subclass it in a plugin's tests and implement :meth:`make_env`::

    from maze.core.testing import MazeEnvConformance

    class TestMyEnvConformance(MazeEnvConformance):
        def make_env(self):
            return MyMazeEnv()

Every ``test_*`` method then runs against the env: spaces of every sub-step, observations inside them,
seeding reproducibility, gymnasium semantics of ``reset``/``step``, event and recording interfaces, and
isinstance transparency of wrappers. Flat envs (one sub-step) are additionally run through gymnasium's
``check_env``.
"""

from __future__ import annotations

import warnings
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.env.maze_env import MazeEnv
from maze.core.env.structured_env import ActorID


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


class MazeEnvConformance:
    """Base class of env conformance tests; subclasses implement :meth:`make_env`."""

    #: steps run by the rollout-based checks
    n_steps: int = 60
    #: seed used by the reproducibility checks
    seed: int = 1234

    def make_env(self) -> MazeEnv:  # pragma: no cover - implemented by subclasses
        raise NotImplementedError

    def sample_action(self, env: Any, obs: Any, rng: np.random.Generator) -> Any:
        """Action used by the rollout checks (uniform from the active space; override for masked envs)."""
        space = env.action_space
        space.seed(int(rng.integers(2**31)))
        return space.sample()

    def _rollout(self, env: Any, seed: int) -> list[tuple[Any, Any, bool, bool]]:
        rng = np.random.default_rng(seed)
        obs, _ = env.reset(seed=seed)
        trace = [(obs, 0.0, False, False)]
        for _ in range(self.n_steps):
            obs, reward, terminated, truncated, _ = env.step(self.sample_action(env, obs, rng))
            trace.append((obs, reward, terminated, truncated))
            if terminated or truncated:
                obs, _ = env.reset()
                trace.append((obs, 0.0, False, False))
        return trace

    def test_spaces_are_dicts_for_every_sub_step(self) -> None:
        env = self.make_env()
        assert isinstance(env, MazeEnv) or isinstance(env.maze_env, MazeEnv)
        assert env.action_spaces_dict.keys() == env.observation_spaces_dict.keys()
        for key in env.action_spaces_dict:
            assert isinstance(env.action_spaces_dict[key], gym.spaces.Dict), key
            assert isinstance(env.observation_spaces_dict[key], gym.spaces.Dict), key
        assert set(env.agent_counts_dict) == set(env.action_spaces_dict)

    def test_observations_lie_in_the_active_sub_step_space(self) -> None:
        env = self.make_env()
        rng = np.random.default_rng(0)
        obs, info = env.reset(seed=self.seed)
        assert isinstance(info, dict)
        for _ in range(self.n_steps):
            actor = env.actor_id()
            assert isinstance(actor, ActorID) and actor.step_key in env.observation_spaces_dict
            space = env.observation_spaces_dict[actor.step_key]
            assert space.contains(obs), f"observation of sub-step {actor.step_key!r} not in {space}: {obs}"
            assert env.observation_space == space and env.action_space == env.action_spaces_dict[actor.step_key]
            obs, reward, terminated, truncated, info = env.step(self.sample_action(env, obs, rng))
            assert np.isscalar(reward) or np.asarray(reward).shape == ()
            assert isinstance(terminated, (bool, np.bool_)) and isinstance(truncated, (bool, np.bool_))
            assert isinstance(info, dict)
            if terminated or truncated:
                obs, _ = env.reset()

    def test_same_seed_same_trajectory(self) -> None:
        a = self._rollout(self.make_env(), self.seed)
        b = self._rollout(self.make_env(), self.seed)
        assert len(a) == len(b)
        for (oa, ra, ta, ua), (ob, rb, tb, ub) in zip(a, b):
            assert _equal(oa, ob) and ra == rb and ta == tb and ua == ub

    def test_recording_and_event_interfaces(self) -> None:
        env = self.make_env()
        env.reset(seed=self.seed)
        episode_id = env.get_episode_id()
        assert isinstance(episode_id, str) and episode_id
        assert env.get_env_time() == 0
        rng = np.random.default_rng(1)
        obs = None
        for _ in range(3):
            obs, *_ = env.step(self.sample_action(env, obs, rng))
        assert env.get_maze_action() is not None
        assert env.get_maze_state() is not None
        assert all(hasattr(e, "interface_method") for e in env.get_step_events())
        env.reset()
        assert env.get_episode_id() != episode_id

    def test_wrapped_env_is_still_an_instance_of_the_env_class(self) -> None:
        from maze.core.wrappers.wrapper import Wrapper

        env = self.make_env()
        wrapped = Wrapper.wrap(Wrapper.wrap(env))
        assert isinstance(wrapped, type(env)) and isinstance(wrapped, Wrapper)

    def test_flat_envs_pass_gymnasium_env_checker(self) -> None:
        env = self.make_env()
        if len(env.action_spaces_dict) != 1:
            return
        from gymnasium.utils.env_checker import check_env

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check_env(env, skip_render_check=True)
