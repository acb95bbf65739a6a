"""ParallelRolloutRunner: statistics aggregation, recorded outputs, worker crashes, maze-run end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from line_walker_env import LineWalkerEnv

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.log_events.log_events_writer_tsv import read_event_log_tsv
from maze.core.log_stats.log_stats import GlobalLogState, get_stats_value
from maze.core.rollout.parallel_rollout_runner import ParallelRolloutRunner, RolloutWorkerError
from maze.core.trajectory_recording.serialization import find_trajectory_files, load_trajectory
from maze.core.utils.seeding import MazeSeeding

TESTS_DIR = Path(__file__).resolve().parents[1]
WALKER = {"_target_": "line_walker_env.make_line_walker_env", "size": 10, "max_steps": 12}
GREEDY = {"_target_": "line_walker_env.GreedyWalkerPolicy"}


def _runner(tmp_path, **kw) -> ParallelRolloutRunner:
    runner = ParallelRolloutRunner(**{"n_processes": 2, "n_episodes": 4, "max_episode_steps": 0, **kw})
    runner.output_dir = str(tmp_path)
    runner.maze_seeding = MazeSeeding(explicit_env_seeds=[11, 12, 13, 14], agent_seed=5)
    return runner


def _greedy_returns(seeds):
    """Episode returns and lengths of the greedy walker computed in this process."""
    from line_walker_env import GreedyWalkerPolicy

    out = {}
    for seed in seeds:
        env, policy = LineWalkerEnv(size=10, max_steps=12), GreedyWalkerPolicy()
        obs, _ = env.reset(seed=seed)
        total, steps, done = 0.0, 0, False
        while not done:
            obs, r, term, trunc, _ = env.step(policy.compute_action(obs))
            total, steps, done = total + r, steps + 1, term or trunc
        out[seed] = (total, steps)
    return out


def test_stats_aggregation_trajectories_and_event_logs(tmp_path, capsys):
    GlobalLogState.reset()
    runner = _runner(tmp_path, record_trajectory=True, record_event_logs=True)
    reports = runner.run_with(WALKER, GREEDY)
    expected = _greedy_returns([11, 12, 13, 14])
    # every episode ran with its own seed; per-episode results match an in-process rollout
    assert sorted(r.episode_index for r in reports) == [0, 1, 2, 3]
    for r in reports:
        ret, steps = expected[11 + r.episode_index]
        assert np.isclose(r.total_reward, ret) and r.steps == steps
    # the epoch statistics aggregate all four episodes (values computed by hand)
    returns = np.array([v[0] for v in expected.values()])
    lengths = np.array([v[1] for v in expected.values()])
    stats = runner.epoch_stats.last_stats
    assert np.isclose(get_stats_value(stats, BaseEnvEvents.reward, "mean"), returns.mean())
    assert np.isclose(get_stats_value(stats, BaseEnvEvents.reward, "max"), returns.max())
    assert get_stats_value(stats, BaseEnvEvents.reward, "total_step_count") == lengths.sum()
    assert get_stats_value(stats, BaseEnvEvents.reward, "episode_count") == 4
    out = capsys.readouterr().out
    assert "rollout_stats" in out and "total_step_count" in out and "episode 4/4" in out
    # one trajectory file per episode, with the episode seed; event logs hold every step of every episode
    records = [load_trajectory(f) for f in find_trajectory_files(tmp_path / "trajectory_data")]
    assert sorted(r.metadata["seed"] for r in records) == [11, 12, 13, 14]
    assert {r.id for r in records} == {r.episode_id for r in reports}
    rows = read_event_log_tsv(tmp_path / "event_logs" / "WalkEvents.moved.tsv")
    assert len(rows) == lengths.sum() and {row["episode_id"] for row in rows} == {r.id for r in records}


def test_worker_crash_ends_the_run_with_the_worker_traceback_and_keeps_finished_episodes(tmp_path):
    GlobalLogState.reset()
    crashing = {**WALKER, "crash_seed": 13, "crash_at_step": 2}
    runner = _runner(tmp_path, record_trajectory=True, record_event_logs=True)
    start = time.monotonic()
    with pytest.raises(RolloutWorkerError) as info:
        runner.run_with(crashing, GREEDY)
    assert time.monotonic() - start < 60  # generous: no hang (worker liveness is polled every 0.5 s)
    message = str(info.value)
    assert "in episode 2 with WalkerCrash: boom at step 2" in message
    assert "Traceback (most recent call last)" in message and "line_walker_env.py" in message
    # what was finished before the crash stays on disk, complete
    finished = {r.episode_id for r in runner.reports}
    assert len(finished) >= 1
    records = [load_trajectory(f) for f in find_trajectory_files(tmp_path / "trajectory_data")]
    assert finished <= {r.id for r in records}
    assert all(r.is_done() and 13 != r.metadata["seed"] for r in records)
    rows = read_event_log_tsv(tmp_path / "event_logs" / "WalkEvents.moved.tsv")
    assert {row["episode_id"] for row in rows} == finished


def test_bad_input_gets_clear_errors(tmp_path):
    with pytest.raises(ValueError, match=r"runner.n_processes=0 is invalid: expected an integer >= 1"):
        ParallelRolloutRunner(n_processes=0)
    runner = _runner(tmp_path)
    with pytest.raises(ValueError, match="cannot be sent to worker processes"):
        runner.run_with(WALKER, lambda: None)


def _maze_run(args, cwd, timeout=240):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]),
           "MPLBACKEND": "Agg"}
    exe = Path(sys.executable).with_name("maze-run")
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_maze_run_parallel_gym_env_writes_trajectories_and_event_logs(tmp_path):
    proc = _maze_run(["env=gym_env", "runner=parallel", "runner.n_processes=2", "runner.n_episodes=4",
                      "runner.record_trajectory=true", "runner.record_event_logs=true", "seeding.env_base_seed=3"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "rollout_stats" in proc.stdout and "episode_count" in proc.stdout
    run_dirs = list((tmp_path / "outputs").glob("CartPole-v1-random_policy-parallel/*"))  # named after env.name
    assert len(run_dirs) == 1
    records = [load_trajectory(f) for f in find_trajectory_files(run_dirs[0] / "trajectory_data")]
    assert len(records) == 4 and all(r.is_done() for r in records)
    rows = read_event_log_tsv(run_dirs[0] / "event_logs" / "BaseEnvEvents.reward.tsv")
    assert len(rows) == sum(len(r) - 1 for r in records)  # one reward event per recorded step


def test_maze_run_exits_non_zero_on_worker_crash(tmp_path):
    conf = tmp_path / "conf" / "env"
    conf.mkdir(parents=True)
    (conf / "crashing_walker.yaml").write_text(
        "_target_: line_walker_env.make_line_walker_env\nsize: 10\nmax_steps: 12\ncrash_seed: 7\ncrash_at_step: 1\n")
    proc = _maze_run(["--config-dir", str(tmp_path / "conf"), "env=crashing_walker", "runner=parallel",
                      "runner.n_processes=2", "runner.n_episodes=2", "seeding.explicit_env_seeds=[7,8]"], tmp_path)
    assert proc.returncode != 0
    assert "WalkerCrash: boom at step 1" in proc.stdout + proc.stderr
