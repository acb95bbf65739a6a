"""RolloutGenerator: spaces trajectories of single envs (and stats), continued episodes, terminate_on_done."""

from __future__ import annotations

import numpy as np
import pytest
from line_walker_env import GreedyWalkerPolicy, LineWalkerEnv

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.env.structured_env import ActorID
from maze.core.log_stats.log_stats import get_stats_value
from maze.core.rollout.rollout_generator import RolloutGenerator
from maze.core.trajectory_recording.records.trajectory_record import SpacesTrajectoryRecord
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper


def test_rollout_records_spaces_and_continues_across_calls():
    env = LineWalkerEnv(size=10, max_steps=50)
    generator = RolloutGenerator(env, record_next_observations=True)
    generator.reset(seed=2)  # walker at 1, goal at 8
    first = generator.rollout(GreedyWalkerPolicy(), n_steps=2)
    assert isinstance(first, SpacesTrajectoryRecord) and len(first) == 2
    s0, s1 = first.step_records
    assert s0.actor_ids == [ActorID(0, 0)]
    # the next observation of a step is the observation of the following step; actions head for the goal
    np.testing.assert_array_equal(s0.substep_records[0].next_observation["position"], s1.observations[0]["position"])
    goal, pos = s0.observations[0]["goal"][0], s0.observations[0]["position"][0]
    assert int(s0.actions[0]["move"]) == 1 + int(np.sign(goal - pos))
    assert s0.rewards[0] == pytest.approx(-abs(pos + np.sign(goal - pos) - goal) / 10)
    # the episode continues in the next call; after the end a new episode starts automatically
    rest = generator.rollout(GreedyWalkerPolicy(), n_steps=30)
    dones = [s.is_done() for s in rest.step_records]
    assert any(dones) and rest.step_records[0].observations[0]["position"][0] == s1.substep_records[0].next_observation["position"][0]
    k = dones.index(True)
    end = rest.step_records[k].substep_records[0].next_observation
    assert end["position"][0] == end["goal"][0] == 8  # terminated at the goal
    restart = rest.step_records[k + 1].observations[0]
    assert restart["position"][0] != restart["goal"][0]  # a fresh episode, not the terminal state


def test_terminate_on_done_and_episode_stats():
    env = LogStatsWrapper.wrap(LineWalkerEnv(size=10, max_steps=50))
    generator = RolloutGenerator(env, record_step_stats=True, record_episode_stats=True, terminate_on_done=True)
    generator.reset(seed=1)
    trajectory = generator.rollout(GreedyWalkerPolicy(), n_steps=100)
    assert trajectory.is_done() and trajectory.is_terminated()
    last = trajectory.step_records[-1]
    assert last.episode_stats is not None
    assert get_stats_value(last.episode_stats, BaseEnvEvents.reward, "sum") == pytest.approx(trajectory.total_reward())
    assert all(s.step_stats is not None for s in trajectory.step_records)
    assert all(s.episode_stats is None for s in trajectory.step_records[:-1])
    # n_steps=None: until the episode ends
    assert generator.rollout(GreedyWalkerPolicy(), n_steps=None).is_done()


def test_stacking_and_bad_input():
    env = LineWalkerEnv(size=10, max_steps=5)
    gen = RolloutGenerator(env)
    a = gen.rollout(GreedyWalkerPolicy(), n_steps=3)
    b = gen.rollout(GreedyWalkerPolicy(), n_steps=3)
    stacked = SpacesTrajectoryRecord.stack_trajectories([a, b])
    assert stacked.step_records[0].batch_shape == (2,)
    assert stacked.step_records[0].observations[0]["position"].shape == (2, 1)
    np.testing.assert_allclose(stacked.total_reward(), [a.total_reward(), b.total_reward()])
    with pytest.raises(ValueError, match="n_steps must be >= 1"):
        gen.rollout(GreedyWalkerPolicy(), n_steps=0)
    with pytest.raises(ValueError, match="LogStatsWrapper"):
        RolloutGenerator(env, record_episode_stats=True)
