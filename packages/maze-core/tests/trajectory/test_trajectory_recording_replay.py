"""TrajectoryRecordingWrapper → files → reload → replay reproduces the episode."""

from __future__ import annotations

import numpy as np
from line_walker_env import LineWalkerEnv, WalkerAction, WalkEvents

from maze.core.agent.random_policy import RandomPolicy
from maze.core.agent.replay_recorded_actions_policy import ReplayRecordedActionsPolicy
from maze.core.trajectory_recording.records.trajectory_record import StateTrajectoryRecord
from maze.core.trajectory_recording.serialization import find_trajectory_files, load_trajectory
from maze.core.trajectory_recording.trajectory_recording_wrapper import TrajectoryRecordingWrapper
from maze.core.trajectory_recording.writers.trajectory_writer_file import TrajectoryWriterFile
from maze.core.trajectory_recording.writers.trajectory_writer_registry import TrajectoryWriterRegistry


def _run_episode(env, policy, seed):
    obs, _ = env.reset(seed=seed)
    policy.reset()
    states, rewards, done = [env.get_maze_state()], [], False
    while not done:
        action = policy.compute_action(obs, env=env, actor_id=env.actor_id())
        obs, reward, terminated, truncated, _ = env.step(action)
        states.append(env.get_maze_state())
        rewards.append(reward)
        done = terminated or truncated
    return states, rewards


def test_recorded_episodes_reload_and_replay_identically(tmp_path):
    writer = TrajectoryWriterFile(tmp_path / "trajectory_data")
    env = TrajectoryRecordingWrapper.wrap(LineWalkerEnv(size=12, max_steps=15), writers=[writer])
    policy = RandomPolicy(env.action_spaces_dict, seed=3)
    episodes = {seed: _run_episode(env, policy, seed) for seed in (11, 12)}
    env.close()

    files = find_trajectory_files(tmp_path / "trajectory_data")
    assert len(files) == 2 and all(f.suffixes[-2:] == [".traj", ".zip"] for f in files)
    by_seed = {}
    for f in files:
        record = load_trajectory(f)
        assert isinstance(record, StateTrajectoryRecord) and f.name == f"{record.id}.traj.zip"
        by_seed[record.metadata["seed"]] = record
    for seed, (states, rewards) in episodes.items():
        record = by_seed[seed]
        # one record per step plus the final state; states, rewards and flags as seen during the rollout
        assert len(record) == len(rewards) + 1
        assert [r.maze_state for r in record.step_records] == states
        assert [r.reward for r in record.step_records[:-1]] == rewards
        assert record.step_records[-1].maze_action is None and record.is_done()
        assert all(isinstance(r.maze_action, WalkerAction) for r in record.step_records[:-1])
        moved = [ev for r in record.step_records[:-1] for ev in r.step_event_log]
        assert len(moved) == len(rewards) and all(ev.interface_method is WalkEvents.moved for ev in moved)
        assert [ev.attributes["position"] for ev in moved] == [s.position for s in states[1:]]
        assert record.step_records[0].env_time == 1 and record.renderer.size == 12

    # replay: same seed + recorded actions → the same states and returns
    replay_env = LineWalkerEnv(size=12, max_steps=15)
    replay = ReplayRecordedActionsPolicy(str(files[0]))
    seed = load_trajectory(files[0]).metadata["seed"]
    states, rewards = _run_episode(replay_env, replay, seed)
    assert states == episodes[seed][0] and np.isclose(sum(rewards), sum(episodes[seed][1]))


def test_unfinished_episodes_are_written_on_reset_and_close(tmp_path):
    TrajectoryWriterRegistry.clear()
    writer = TrajectoryWriterFile(tmp_path)
    TrajectoryWriterRegistry.register_writer(writer)  # writers=None → the global registry
    try:
        env = TrajectoryRecordingWrapper.wrap(LineWalkerEnv(size=50, max_steps=100))
        env.reset(seed=1)
        env.step({"move": 1})
        env.step({"move": 1})
        env.reset(seed=2)  # cut after 2 steps
        env.step({"move": 0})
        env.close()
    finally:
        TrajectoryWriterRegistry.clear()
    records = sorted((load_trajectory(p) for p in writer.written), key=lambda r: r.metadata["seed"])
    assert [len(r) for r in records] == [3, 2]
    assert all(r.metadata["incomplete"] for r in records) and not records[0].is_done()
    assert records[1].step_records[0].maze_action == WalkerAction(-1)


def test_replay_policy_errors_are_clear(tmp_path):
    record = StateTrajectoryRecord(id="e")
    import pytest

    with pytest.raises(TypeError, match="trajectory_data must be"):
        ReplayRecordedActionsPolicy(42)
    policy = ReplayRecordedActionsPolicy(record, cycle=False)
    policy.reset()
    with pytest.raises(IndexError, match="has only 0 actions"):
        policy.compute_action({}, env=LineWalkerEnv())
    with pytest.raises(IndexError, match="cycle=False"):
        policy.reset()


def test_monitoring_setup_writes_stats_event_logs_and_trajectories(tmp_path, capsys):
    from maze.core.log_events.log_events_writer_tsv import read_event_log_tsv
    from maze.core.log_stats.log_stats import GlobalLogState
    from maze.core.trajectory_recording.utils.trajectory_utils import MonitoringSetup

    GlobalLogState.reset()
    with MonitoringSetup(LineWalkerEnv(size=6, max_steps=4), log_dir=tmp_path) as setup:
        env = setup.env
        env.reset(seed=0)
        for _ in range(4):
            env.step({"move": 1})
        env.reset(seed=1)
        env.step({"move": 1})  # unfinished episode: finished and flushed on exit
    rows = read_event_log_tsv(tmp_path / "event_logs" / "WalkEvents.moved.tsv")
    records = [load_trajectory(f) for f in find_trajectory_files(tmp_path / "trajectory_data")]
    assert len(rows) == 5 and sorted(len(r) for r in records) == [2, 5]
    assert "episode_count" in capsys.readouterr().out
