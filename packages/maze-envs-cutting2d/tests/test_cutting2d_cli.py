"""Hydra configs of maze-envs-cutting2d and ``maze-run`` as a real subprocess (headless Agg backend)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_module

from maze.core.utils.config_utils import make_env, make_policy
from maze.envs.cutting2d.env.maze_env import Cutting2DEnvironment
from maze.envs.cutting2d.env.struct_env import StructuredCutting2DEnvironment
from maze.envs.cutting2d.env.struct_env_masked import MaskedStructuredCutting2DEnvironment
from maze.envs.cutting2d.policies.greedy_policy import Cutting2DGreedyPolicy

MAZE_RUN = str(Path(sys.executable).with_name("maze-run"))


def _compose(*overrides: str):
    with initialize_config_module(config_module="maze.core.conf", version_base=None):
        return compose(config_name="conf_rollout", overrides=list(overrides))


@pytest.mark.parametrize("env_name, cls, n_steps", [
    ("cutting2d_flat", Cutting2DEnvironment, 180),
    ("tutorial_cutting_2d_flat", Cutting2DEnvironment, 180),
    ("cutting2d_struct", StructuredCutting2DEnvironment, 180),
    ("tutorial_cutting_2d_struct", StructuredCutting2DEnvironment, 180),
    ("cutting2d_struct_masked", MaskedStructuredCutting2DEnvironment, 180),
    ("tutorial_cutting_2d_struct_masked", MaskedStructuredCutting2DEnvironment, 180),
    ("tutorial_cutting_2d_basic", Cutting2DEnvironment, 200),
    ("tutorial_cutting_2d_events", Cutting2DEnvironment, 200),
])
@pytest.mark.parametrize("wrappers", ["tutorial_cutting_2d", "cutting2d"])
def test_env_configs_compose_and_run_with_the_greedy_policy(env_name, cls, n_steps, wrappers):
    policy_name = "tutorial_cutting_2d_greedy_policy" if env_name.startswith("tutorial") else "cutting2d_greedy_policy"
    cfg = _compose(f"env={env_name}", f"wrappers={wrappers}", f"policy={policy_name}")
    env = make_env(cfg.env, cfg.wrappers, call_plugins=False)
    assert isinstance(env, cls)
    policy = make_policy(cfg.policy, env, call_plugins=False)
    assert isinstance(policy, Cutting2DGreedyPolicy)
    obs, _ = env.reset(seed=0)
    steps, done, total = 0, False, 0.0
    while not done:
        obs, reward, terminated, truncated, _ = env.step(
            policy.compute_action(obs, maze_state=env.get_maze_state(), actor_id=env.actor_id()))
        total += reward
        done = terminated or truncated
        steps += env.actor_id().step_key == 0
    assert steps == n_steps and truncated
    if n_steps == 180:
        assert total == -30.0  # 30 raw pieces cut, no invalid action
    else:  # 100x100 raw pieces, 30x15 orders: the area bound needs 9 raw pieces, a 3x6 grid per piece 12
        assert 9 <= -total <= 13 and total == int(total)


def _maze_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    proc = subprocess.run([MAZE_RUN, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _stat(stdout: str, *keys: str) -> float:
    for line in stdout.splitlines():
        if all(k in line for k in keys):
            return float(line.rsplit("|", 1)[1])
    raise AssertionError(f"no statistics row with {keys} in:\n{stdout[-3000:]}")


def test_maze_run_greedy_rollout_prints_event_and_kpi_statistics(tmp_path):
    proc = _maze_run(tmp_path, "env=cutting2d_struct_masked", "policy=cutting2d_greedy_policy", "runner=sequential",
                     "runner.n_episodes=2")
    out = proc.stdout
    assert _stat(out, "InventoryEvents", "piece_replenished", "mean_episode_total") == 31.0
    assert _stat(out, "CuttingEvents", "valid_cut", "mean_episode_total") == 180.0
    assert "invalid_cut" not in out and "piece_discarded" not in out
    assert _stat(out, "InventoryEvents", "pieces_in_inventory", "step_max") == 4.0
    assert _stat(out, "kpi", "mean/raw_piece_usage_per_step") == pytest.approx(31 / 180, abs=1e-3)
    assert _stat(out, "BaseEnvEvents", "reward", "mean ") == -30.0


def test_maze_run_renders_into_the_output_dir(tmp_path):
    _maze_run(tmp_path, "env=cutting2d_struct_masked", "policy=cutting2d_greedy_policy", "runner=sequential",
              "runner.n_episodes=1", "runner.render=true", "env.core_env.max_steps=3")
    images = sorted(tmp_path.glob("outputs/**/*.png"))
    assert len(images) == 4  # one frame per core step (3, each of two sub-steps) plus the final state
    from matplotlib.image import imread

    frame = imread(images[len(images) // 2])
    assert frame.ndim == 3 and frame.shape[0] > 100 and frame.std() > 0.01


def test_maze_run_parallel_records_trajectories_and_event_logs_and_the_viewer_replays_them(tmp_path):
    _maze_run(tmp_path, "env=cutting2d_struct_masked", "policy=cutting2d_masked_random_policy", "runner=parallel",
              "runner.n_episodes=2", "runner.n_processes=2", "env.core_env.max_steps=20")
    trajectories = sorted(tmp_path.glob("outputs/**/trajectory_data/*.traj.zip"))
    assert len(trajectories) == 2
    event_logs = {p.name for p in tmp_path.glob("outputs/**/event_logs/*.tsv")}
    assert {"CuttingEvents.valid_cut.tsv", "InventoryEvents.piece_replenished.tsv"} <= event_logs
    assert "CuttingEvents.invalid_cut.tsv" not in event_logs  # the masks are respected

    from maze.core.rendering.trajectory_viewer import render_trajectory_frames
    from maze.core.trajectory_recording.serialization import load_trajectory

    trajectory = load_trajectory(trajectories[0])
    frames = render_trajectory_frames(trajectory, max_frames=3)
    assert len(frames) == 3 and all(png[:4] == b"\x89PNG" for _, png in frames)
