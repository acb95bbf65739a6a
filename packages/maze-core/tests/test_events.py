"""Event system: pubsub dispatch to subscribers and reward aggregators, step events, collections, records."""

from __future__ import annotations

import pickle

import pytest
from shop_test_env import ShopCoreEnv, ShopEvents, ShopMazeEnv, clean_log_state  # noqa: F401

from maze.core.env.base_env_events import ActionEvents, DiscreteActionEvents, RewardEvents
from maze.core.env.reward import RewardAggregatorInterface
from maze.core.events import EventCollection, EventRecord, Subscriber
from maze.core.wrappers.monitoring_wrapper import MazeEnvMonitoringWrapper

pytestmark = pytest.mark.usefixtures("clean_log_state")


class RevenueReward(RewardAggregatorInterface):
    """Reward = total sale amount of the step minus 0.5 per discarded item."""

    def get_interfaces(self):
        return [ShopEvents]

    def summarize_reward(self, maze_state=None):
        revenue = sum(ev.attributes["amount"] for ev in self.query_events(ShopEvents.sale))
        return revenue - 0.5 * len(list(self.query_events(ShopEvents.discarded)))


def test_reward_aggregator_receives_the_events_of_each_step():
    core = ShopCoreEnv()
    agg = RevenueReward()
    core.pubsub.register_subscriber(agg)
    env = ShopMazeEnv()
    env.core_env = core
    env._context = core.context
    env.reset()
    rewards = []
    for _ in range(3):
        env.step({"action": 0})
        rewards.append(agg.summarize_reward())
    assert rewards == [5.0, -1.0, 5.0]  # 2 + 3; two discards; 5


def test_step_events_are_those_of_the_last_step_in_order():
    env = ShopMazeEnv()
    env.reset()
    env.step({"action": 0})
    first = [(e.interface_method, e.attributes) for e in env.get_step_events()]
    assert first == [(ShopEvents.sale, {"shop": "a", "product": "x", "amount": 2.0}),
                     (ShopEvents.sale, {"shop": "b", "product": "x", "amount": 3.0}),
                     (ShopEvents.stock, {"value": 10})]
    env.step({"action": 0})
    assert [e.interface_method.__name__ for e in env.get_step_events()] == ["discarded", "discarded", "stock",
                                                                            "undecorated"]


def test_event_collection_queries_by_method_class_and_list():
    records = [EventRecord(ShopEvents, ShopEvents.sale, {"amount": 1.0}),
               EventRecord(ShopEvents, ShopEvents.stock, {"value": 3}),
               EventRecord(RewardEvents, RewardEvents.reward_original, {"value": 0.5})]
    coll = EventCollection(records[:1])
    coll.extend(records[1:])
    assert len(coll) == 3
    assert list(coll.query_events(ShopEvents.stock)) == [records[1]]
    assert list(coll.query_events(ShopEvents)) == records[:2]
    assert list(coll.query_events([ShopEvents.sale, RewardEvents])) == [records[0], records[2]]
    coll.append(EventRecord(ShopEvents, ShopEvents.discarded, {}))
    assert [e.interface_method for e in coll.query_events(ShopEvents.discarded)] == [ShopEvents.discarded]


def test_event_record_pickles_by_method_name():
    rec = EventRecord(ShopEvents, ShopEvents.sale, {"shop": "a", "product": "x", "amount": 1.0})
    back = pickle.loads(pickle.dumps(rec))
    assert back == rec and back.interface_method is ShopEvents.sale


class ActionListener(Subscriber):
    def get_interfaces(self):
        return [ActionEvents]  # the common base of all action topics


def test_subscriber_of_the_action_base_topic_receives_monitoring_events():
    env = MazeEnvMonitoringWrapper.wrap(ShopMazeEnv(), action_logging=True)
    listener = ActionListener()
    env.maze_env.core_env.pubsub.register_subscriber(listener)
    env.reset()
    env.step({"action": 2})
    assert [(e.interface_class, e.attributes) for e in listener.events] == [
        (DiscreteActionEvents, {"substep": "substep_0", "name": "action", "value": 2, "action_dim": 3})]
    env.step({"action": 1})
    assert [e.attributes["value"] for e in listener.query_events(DiscreteActionEvents.action)] == [1]
