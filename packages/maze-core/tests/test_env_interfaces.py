"""Core env interfaces: MazeEnv over core envs, structured sub-steps, events, gymnasium conformance."""

from __future__ import annotations

import copy
import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from structured_dummy_env import GridCoreEnv, GridEvents, GridMazeEnv

from maze.core.env import (
    ActorID,
    CoreEnv,
    EventEnvMixin,
    MazeEnv,
    RecordableEnvMixin,
    RewardAggregatorInterface,
    StructuredEnv,
    StructuredEnvSpacesMixin,
    TimeEnvMixin,
)
from maze.core.events.pubsub import Subscriber
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv, make_gym_maze_env
from maze.core.wrappers.wrapper import ActionWrapper, ObservationWrapper, RewardWrapper, Wrapper


def test_gym_maze_env_passes_gymnasium_env_checker():
    env = make_gym_maze_env("CartPole-v1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_env(env, skip_render_check=True)
    assert isinstance(env, gym.Env) and isinstance(env, MazeEnv)
    assert env.observation_space == gym.spaces.Dict({"observation": gym.make("CartPole-v1").observation_space})
    assert env.action_space == gym.spaces.Dict({"action": gym.spaces.Discrete(2)})


def test_gym_maze_env_reproduces_raw_gymnasium_trajectory():
    raw = gym.make("CartPole-v1")
    env = GymMazeEnv("CartPole-v1")
    raw_obs, _ = raw.reset(seed=7)
    obs, _ = env.reset(seed=7)
    for t in range(30):
        np.testing.assert_array_equal(obs["observation"], raw_obs)
        a = t % 2
        raw_obs, raw_r, raw_term, raw_trunc, _ = raw.step(a)
        obs, r, term, trunc, _ = env.step({"action": a})
        assert (r, term, trunc) == (raw_r, raw_term, raw_trunc)
        if term:
            break
    assert env.get_env_time() == t + 1


def test_gym_maze_env_accepts_instance_and_rejects_garbage():
    env = GymMazeEnv(gym.make("Pendulum-v1"))
    assert isinstance(env.action_space["action"], gym.spaces.Box)
    with pytest.raises(TypeError, match="gymnasium env id or gymnasium.Env"):
        GymMazeEnv(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NoSuchEnv-v0"):
        GymMazeEnv("NoSuchEnv-v0")
    with pytest.raises(ValueError, match="key 'action'"):
        GymMazeEnv("CartPole-v1").step(1)


def test_structured_env_alternates_sub_step_spaces_and_actor_ids():
    env = GridMazeEnv(size=3, max_steps=2)
    assert isinstance(env, StructuredEnv) and isinstance(env, StructuredEnvSpacesMixin)
    assert set(env.action_spaces_dict) == {"row", "col"}
    obs, _ = env.reset(seed=3)
    assert env.actor_id() == ActorID("row", 0)
    assert set(obs) == {"targets"} and obs in env.observation_spaces_dict["row"]
    assert env.action_space == env.action_spaces_dict["row"]
    obs, reward, term, trunc, _ = env.step({"row": 1})
    assert env.actor_id() == ActorID("col", 0)
    assert set(obs) == {"targets", "row"} and obs["row"] == 1
    assert env.observation_space == env.observation_spaces_dict["col"]
    assert env.get_env_time() == 0, "a sub-step that keeps the core step open does not advance env time"
    obs, reward, term, trunc, _ = env.step({"col": 2})
    assert env.get_env_time() == 1 and env.actor_id().step_key == "row"
    assert env.agent_counts_dict == {"row": 1, "col": 1}


def test_events_of_a_core_step_are_collected_across_sub_steps_and_cleared_afterwards():
    env = GridMazeEnv(size=2, max_steps=10)
    env.reset(seed=0)
    targets = env.core_env.targets.copy()
    env.step({"row": 0})
    env.step({"col": 0})
    events = list(env.get_step_events())
    assert len(events) == 1
    expected = GridEvents.cell_hit if targets[0, 0] else GridEvents.miss
    assert events[0].interface_method is expected
    if targets[0, 0]:
        assert events[0].attributes == {"row": 0, "col": 0}
    env.step({"row": 1})
    assert list(env.get_step_events()) == [], "a new core step starts with no events"


class _HitCounter(RewardAggregatorInterface):
    def get_interfaces(self):
        return [GridEvents]

    def summarize_reward(self, maze_state=None):
        return 10.0 * len(list(self.query_events(GridEvents.cell_hit))) - len(list(self.query_events(GridEvents.miss)))


def test_subscribers_receive_events_positionally_or_by_keyword_and_are_cleared_each_step():
    core = GridCoreEnv(size=2)
    agg = _HitCounter()
    core.pubsub.register_subscriber(agg)
    core.reset(seed=0)
    core.context.pre_step()
    core.events.cell_hit(1, 0)  # positional arguments are named by the event signature
    core.events.miss()
    assert agg.summarize_reward() == 9.0
    assert [e.attributes for e in agg.events] == [{"row": 1, "col": 0}, {}]
    core.context.post_step()
    core.context.pre_step()
    assert agg.summarize_reward() == 0.0
    with pytest.raises(TypeError, match="takes 2 arguments"):
        core.events.cell_hit(1, 2, 3)
    with pytest.raises(TypeError, match="Subscriber"):
        core.pubsub.register_subscriber(object())  # type: ignore[arg-type]


def test_topic_created_after_subscriber_still_notifies_it():
    class LateEvents:
        def ping(self, value: int) -> None:
            """ping"""

    class Listener(Subscriber):
        def get_interfaces(self):
            return [LateEvents]

    core = GridCoreEnv()
    listener = Listener()
    core.pubsub.register_subscriber(listener)
    topic = core.pubsub.create_event_topic(LateEvents)
    assert core.pubsub.create_event_topic(LateEvents) is topic
    core.context.pre_step()
    topic.ping(value=3)
    assert [e.attributes["value"] for e in listener.query_events(LateEvents.ping)] == [3]
    assert [e.attributes["value"] for e in listener.query_events(LateEvents)] == [3]


def test_maze_env_exposes_recording_interfaces():
    env = GridMazeEnv()
    env.reset(seed=1)
    assert isinstance(env, (RecordableEnvMixin, TimeEnvMixin, EventEnvMixin))
    episode = env.get_episode_id()
    assert episode == env.get_episode_id() and len(episode) == 36
    env.step({"row": 2})
    assert env.get_maze_action() == {"row": 2}
    env.reset()
    assert env.get_episode_id() != episode


def test_maze_env_validates_conversion_dicts():
    core = GridCoreEnv()
    env = GridMazeEnv()
    with pytest.raises(ValueError, match="same sub-step keys"):
        MazeEnv(core, env.action_conversion_dict, {"row": env.observation_conversion_dict["row"]})
    with pytest.raises(TypeError, match="CoreEnv"):
        MazeEnv(object(), {}, {})  # type: ignore[arg-type]


class _ObsScale(ObservationWrapper):
    def observation(self, observation):
        return {"observation": observation["observation"] * 2}


class _ActFlip(ActionWrapper):
    def action(self, action):
        return {"action": 1 - action["action"]}


class _RewNeg(RewardWrapper):
    def reward(self, reward):
        return -reward


def test_wrappers_transform_and_isinstance_sees_through_any_depth():
    inner = GymMazeEnv("CartPole-v1")
    env = _RewNeg.wrap(_ActFlip.wrap(_ObsScale.wrap(Wrapper.wrap(inner))))
    for cls in (GymMazeEnv, MazeEnv, StructuredEnv, _RewNeg, _ActFlip, _ObsScale, Wrapper, gym.Env):
        assert isinstance(env, cls), cls
    assert type(env) is _RewNeg
    ref = GymMazeEnv("CartPole-v1")
    obs, _ = env.reset(seed=5)
    ref_obs, _ = ref.reset(seed=5)
    np.testing.assert_allclose(obs["observation"], 2 * ref_obs["observation"])
    obs, r, *_ = env.step({"action": 0})
    ref_obs, ref_r, *_ = ref.step({"action": 1})
    np.testing.assert_allclose(obs["observation"], 2 * ref_obs["observation"])
    assert r == -ref_r
    # unknown attributes are forwarded to the wrapped env; maze_env bypasses the stack
    assert env.core_env is inner.core_env and env.maze_env is inner
    assert env.get_env_time() == 1


def test_wrapped_env_pickles_and_deep_copies():
    env = _ObsScale.wrap(GymMazeEnv("CartPole-v1"))
    env.reset(seed=0)
    for clone in (pickle.loads(pickle.dumps(env)), copy.deepcopy(env)):
        assert type(clone) is _ObsScale and isinstance(clone, GymMazeEnv)
        obs, _ = clone.reset(seed=0)
        assert obs["observation"].shape == (4,)


def test_core_env_defaults():
    class Minimal(CoreEnv):
        def step(self, maze_action):
            return None, 0.0, True, False, {}

        def reset(self, *, seed=None, options=None):
            return None, {}

        def get_maze_state(self):
            return None

        def seed(self, seed):
            pass

    core = Minimal()
    assert core.actor_id() == ActorID(0, 0) and core.agent_counts_dict == {0: 1}
    assert core.get_kpi_calculator() is None and core.get_renderer() is None
    assert core.get_serializable_components() == {} and core.is_actor_done() is False
    assert core.get_actor_rewards() is None
