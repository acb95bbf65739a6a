"""Per-step helpers of the rollout collection: batching observations (``stack_rows``) and episode tracking."""

from __future__ import annotations

import numpy as np
import pytest

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.env.structured_env import ActorID
from maze.core.log_stats.log_stats import LogStatsAggregator, LogStatsKey, LogStatsLevel
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.parallelization.vector_env.vector_env import stack_observations, stack_rows
from maze.train.trainers.common.actor_critic.rollout import EpisodeTracker

_RNG = np.random.default_rng(0)

STACK_CASES = {
    "one array": [_RNG.normal(size=4).astype(np.float32)],
    "arrays of one shape and dtype": [_RNG.normal(size=(2, 3)) for _ in range(3)],
    "0-d arrays": [np.array(1.5), np.array(2.5)],
    "python scalars": [1, 2.5, 3],
    "numpy scalars": [np.int64(3), np.int64(4)],
    "mixed dtypes": [np.zeros(3, np.float32), np.ones(3, np.float64)],
    "bool arrays": [np.array([True, False]), np.array([False, False])],
    "non-contiguous arrays": [np.arange(12.0).reshape(3, 4)[:, ::2], np.arange(12.0, 24.0).reshape(3, 4)[:, ::2]],
    "lists": [[1, 2], [3, 4]],
}


@pytest.mark.parametrize("values", list(STACK_CASES.values()), ids=list(STACK_CASES))
def test_stack_rows_is_np_stack(values: list) -> None:
    expected = np.stack(values)
    stacked = stack_rows(values)
    assert stacked.dtype == expected.dtype and stacked.shape == expected.shape
    np.testing.assert_array_equal(stacked, expected)
    for value in values:  # a new batch: later changes of the envs' arrays do not show in it
        if isinstance(value, np.ndarray):
            assert not np.shares_memory(stacked, value)
            value[...] = 0
    np.testing.assert_array_equal(stacked, expected)


def test_stack_rows_refuses_shapes_that_differ_as_np_stack_does() -> None:
    with pytest.raises(ValueError, match="same shape"):
        stack_rows([np.zeros(3), np.zeros(4)])


def test_stack_observations_batches_every_key() -> None:
    obs = [{"a": np.full(2, i, np.float32), "b": np.int64(i)} for i in range(3)]
    batch = stack_observations(obs)
    np.testing.assert_array_equal(batch["a"], [[0, 0], [1, 1], [2, 2]])
    assert batch["a"].dtype == np.float32
    np.testing.assert_array_equal(batch["b"], [0, 1, 2])


def _cartpole() -> LogStatsWrapper:
    return LogStatsWrapper.wrap(GymMazeEnv("CartPole-v1"))


def test_episode_tracker_matches_the_envs_own_episode_statistics() -> None:
    """Returns and lengths of finished episodes are those the envs' LogStatsWrappers report; the aggregator receives
    the envs' episode statistics; lengths of running episodes count the steps since each env's reset."""
    env = SequentialVectorEnv([_cartpole, _cartpole])
    env.seed(3)
    env.reset()
    aggregator = LogStatsAggregator(LogStatsLevel.EPOCH)
    tracker = EpisodeTracker(2, aggregator)
    reported: list[tuple[float, int]] = []
    steps_since_reset = np.zeros(2, dtype=np.int64)
    actions = np.random.default_rng(1).integers(0, 2, (300, 2))
    for t in range(300):
        _, rewards, terminated, truncated, infos = env.step({"action": actions[t]})
        done = terminated | truncated
        tracker.step(rewards, done, infos)
        steps_since_reset = np.where(done, 0, steps_since_reset + 1)
        np.testing.assert_array_equal(tracker.lengths, steps_since_reset)
        for i in np.flatnonzero(done):
            stats = infos[i]["episode_stats"]
            reported.append((stats[LogStatsKey(BaseEnvEvents.reward, "sum", None)],
                             stats[LogStatsKey(BaseEnvEvents.reward, "count", None)]))
    env.close()
    returns, lengths = tracker.pop()
    assert len(reported) >= 10
    assert list(zip(returns, lengths)) == reported
    epoch = aggregator.reduce()
    assert epoch[LogStatsKey(BaseEnvEvents.reward, "episode_count", None)] == len(reported)
    assert epoch[LogStatsKey(BaseEnvEvents.reward, "total_step_count", None)] == sum(lengths)
    assert tracker.pop() == ([], [])


def test_episode_tracker_record_mask_and_reset() -> None:
    """Episodes left out by ``record`` are only restarted; ``reset`` drops the running episodes; envs without
    episode statistics get their return and length recorded as reward inputs."""
    aggregator = LogStatsAggregator(LogStatsLevel.EPOCH)
    tracker = EpisodeTracker(3, aggregator)
    no_end = np.zeros(3, dtype=bool)
    tracker.step(np.array([1.0, 2.0, 3.0]), no_end, [{}, {}, {}])
    tracker.step(np.array([1.0, 2.0, 3.0]), np.array([True, True, False]), [{}, {}, {}],
                 record=np.array([True, False, True]))
    np.testing.assert_array_equal(tracker.lengths, [0, 0, 2])
    np.testing.assert_array_equal(tracker.returns, [0.0, 0.0, 6.0])
    tracker.step(np.array([0.5, 0.5, 0.5]), no_end, [{}, {}, {}])
    np.testing.assert_array_equal(tracker.lengths, [1, 1, 3])
    tracker.reset()
    np.testing.assert_array_equal(tracker.lengths, [0, 0, 0])
    np.testing.assert_array_equal(tracker.returns, [0.0, 0.0, 0.0])
    tracker.step(np.array([4.0, 0.0, 0.0]), np.array([True, False, False]), [{}, {}, {}])
    assert tracker.pop() == ([2.0, 4.0], [2, 1])
    epoch = aggregator.reduce()
    assert epoch[LogStatsKey(BaseEnvEvents.reward, "mean", None)] == pytest.approx(3.0)
    assert epoch[LogStatsKey(BaseEnvEvents.reward, "total_step_count", None)] == 3


def test_actions_for_other_actors_than_the_acting_ones_are_refused() -> None:
    env = SequentialVectorEnv([_cartpole, _cartpole])
    groups = env.reset_groups()
    acting = groups[0].actor_id
    other = ActorID(1, 0)
    batch = {"action": np.zeros(2, dtype=np.int64)}
    with pytest.raises(ValueError, match=r"missing: \[\], not acting: \[ActorID\(step_key=1"):
        env.step_groups({acting: batch, other: batch})
    with pytest.raises(ValueError, match=r"missing: \[ActorID\(step_key=0.*not acting: \[ActorID\(step_key=1"):
        env.step_groups({other: batch})
    env.step_groups({acting: batch})  # the acting actor alone is accepted
    env.close()
