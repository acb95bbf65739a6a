"""Documented core interfaces: event_topic_factory and EventScope, ObservationType/ActionType, Wrapper[...] generics,
GymRewardAggregator/GymRenderer, SimulatedEnvMixin.clone_from of GymMazeEnv, the state critic input/output types."""

from __future__ import annotations

import typing

import gymnasium as gym
import numpy as np
import pytest

from maze.core.agent.state_critic_input_output import (
    StateCriticInput,
    StateCriticOutput,
    StateCriticStepInput,
    StateCriticStepOutput,
)
from maze.core.env.action_conversion import ActionConversionInterface, ActionType
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface, ObservationType
from maze.core.env.simulated_env_mixin import SimulatedEnvMixin
from maze.core.env.structured_env import ActorID
from maze.core.events.event_record import EventRecord
from maze.core.events.event_service import EventScope, EventService
from maze.core.events.event_topic_factory import event_topic_factory
from maze.core.events.pubsub import Pubsub
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv, GymRenderer, GymRewardAggregator
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper
from maze.core.wrappers.wrapper import ObservationWrapper, Wrapper


class ShopEvents:
    def sold(self, item: str, price: float) -> None:
        """An item was sold."""


def test_event_topic_factory_hands_every_call_to_the_function_as_a_record():
    records: list[EventRecord] = []
    topic = event_topic_factory(ShopEvents, records.append)
    topic.sold("apple", price=0.5)
    topic.sold(item="pear", price=0.7)
    assert [r.attributes for r in records] == [{"item": "apple", "price": 0.5}, {"item": "pear", "price": 0.7}]
    assert all(r.interface_class is ShopEvents and r.interface_method is ShopEvents.sold for r in records)
    with pytest.raises(TypeError, match="takes 2 arguments, got 3"):
        topic.sold("a", 1.0, 2)
    with pytest.raises(TypeError, match="declares no events"):
        event_topic_factory(type("Empty", (), {}), records.append)


def test_pubsub_is_the_event_scope_and_scopes_need_their_methods():
    assert isinstance(Pubsub(EventService()), EventScope)
    with pytest.raises(TypeError, match="abstract"):
        type("Incomplete", (EventScope,), {})()

    class RecordingScope(EventScope):
        def __init__(self) -> None:
            self.records: list[EventRecord] = []

        def create_event_topic(self, interface_class):
            return event_topic_factory(interface_class, self.records.append)

        def clear_subscriber_events(self) -> None:
            self.records.clear()

    scope = RecordingScope()
    scope.create_event_topic(ShopEvents).sold(item="fig", price=1.0)
    assert len(scope.records) == 1
    scope.clear_subscriber_events()
    assert scope.records == []


def test_conversion_interfaces_are_typed_with_observation_and_action_types():
    hints = typing.get_type_hints(ObservationConversionInterface.maze_to_space)
    assert hints["return"] == ObservationType == typing.Dict[str, np.ndarray]
    assert typing.get_type_hints(ActionConversionInterface.space_to_maze)["action"] == ActionType


def test_wrappers_are_generic_in_the_wrapped_env_type():
    class Doubling(ObservationWrapper[MazeEnv]):
        def observation(self, observation):
            return {k: v * 2 for k, v in observation.items()}

    class Named(Wrapper[MazeEnv]):
        def __init__(self, env: MazeEnv, name: str) -> None:
            Wrapper.__init__(self, env)
            self.name = name

    env = Named(Doubling.wrap(GymMazeEnv("CartPole-v1")), name="x")
    obs, _ = env.reset(seed=0)
    raw, _ = GymMazeEnv("CartPole-v1").reset(seed=0)
    np.testing.assert_allclose(obs["observation"], 2 * raw["observation"])
    assert all(isinstance(env, cls) for cls in (GymMazeEnv, Doubling, Named)) and env.name == "x"
    assert typing.get_args(Named.__orig_bases__[0]) == (MazeEnv,)


def test_gym_core_env_reward_aggregator_repeats_the_gym_reward():
    env = GymMazeEnv("Pendulum-v1")
    env.reset(seed=0)
    aggregator = env.core_env.reward_aggregator
    assert isinstance(aggregator, GymRewardAggregator) and aggregator.get_interfaces() == []
    _, reward, *_ = env.step({"action": np.array([0.5], dtype=np.float32)})
    assert aggregator.summarize_reward() == reward and GymRewardAggregator.to_scalar_reward(np.float64(reward)) == reward
    assert isinstance(env.core_env.get_renderer(), GymRenderer)


def test_gym_maze_env_clone_from_continues_identically_and_independently():
    original = TimeLimitWrapper.wrap(GymMazeEnv("CartPole-v1"), max_episode_steps=500)
    original.reset(seed=3)
    for i in range(6):
        original.step({"action": i % 2})
    clone = GymMazeEnv("CartPole-v1")
    clone.reset(seed=99)
    assert isinstance(clone, SimulatedEnvMixin)
    clone.clone_from(original)
    assert clone.core_env.context.step_id == original.maze_env.core_env.context.step_id
    for action in [1, 1, 0, 1, 0]:
        a = original.step({"action": action})
        b = clone.step({"action": action})
        np.testing.assert_array_equal(a[0]["observation"], b[0]["observation"])
        assert a[1:4] == b[1:4]
    clone.step({"action": 1})  # stepping the clone leaves the original where it was
    assert not np.array_equal(clone.get_maze_state(), original.get_maze_state())
    with pytest.raises(TypeError, match="needs another GymMazeEnv"):
        clone.clone_from(gym.make("CartPole-v1"))


def test_gym_maze_env_clone_from_refuses_envs_whose_state_cannot_be_copied():
    pytest.importorskip("Box2D")
    lander = GymMazeEnv("LunarLander-v3")
    lander.reset(seed=0)
    other = GymMazeEnv("LunarLander-v3")
    before = other.core_env.env
    with pytest.raises(TypeError, match=r"cannot clone the gymnasium env LunarLander-v3: deep-copying it loses"):
        other.clone_from(lander)
    assert other.core_env.env is before  # nothing replaced


def test_state_critic_input_and_output_containers():
    critic_input = StateCriticInput.from_observations({0: {"obs": np.zeros(2)}, ActorID(1, 2): {"obs": np.ones(2)}})
    assert critic_input.actor_ids == [ActorID(0, 0), ActorID(1, 2)] and len(critic_input) == 2
    assert critic_input.tensor_dicts[1]["obs"].sum() == 2
    critic_input.append(StateCriticStepInput({"obs": np.full(2, 3.0)}, ActorID(2, 0)))
    output = StateCriticOutput()
    for step in critic_input:
        value = step.tensor_dict["obs"].sum()
        output.append(StateCriticStepOutput(values=value, detached_values=value, actor_id=step.actor_id))
    assert output.values == [0.0, 2.0, 6.0] and output.actor_ids == critic_input.actor_ids and output[2].values == 6.0
