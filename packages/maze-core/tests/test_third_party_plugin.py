"""Third-party plugins proven end to end: installed from their own packages into a fresh virtual env
next to maze-core only (no torch, no maze-perception), discovered through their entry points, with no
change to Maze. A plugin implementing a maze-perception hook still provides its env and policy there; a
plugin whose import raises and one whose names and config files collide with maze-core's are reported
once per run (not once per worker process) and Maze keeps working."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CONSTRAINTS = REPO / "constraints.txt"


def _sh(cmd, cwd=None, timeout=600):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(root / "env")
    bin_dir = root / "env" / ("Scripts" if sys.platform == "win32" else "bin")
    res = _sh([str(bin_dir / "python"), "-m", "pip", "install", "-q", "-c", str(CONSTRAINTS),
               str(REPO / "packages" / "maze-core"), str(REPO / "examples" / "maze-example-stock"),
               str(REPO / "examples" / "maze-perception-optional-plugin")])
    assert res.returncode == 0, res.stdout + res.stderr
    return bin_dir


def test_core_only_install_has_no_torch(fresh_venv):
    res = _sh([str(fresh_venv / "python"), "-c", "import torch"])
    assert res.returncode != 0 and "No module named 'torch'" in res.stderr
    res = _sh([str(fresh_venv / "python"), "-c", "import maze.perception"])
    assert res.returncode != 0 and "No module named 'maze.perception'" in res.stderr


def test_example_plugin_is_listed_with_its_components(fresh_venv, tmp_path):
    res = _sh([str(fresh_venv / "maze-run"), "--plugins"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "example_stock: maze-example-stock 0.1.0" in res.stdout
    assert "example_stock_order_up_to" in res.stdout and "pkg://maze_example_stock.conf" in res.stdout
    assert "Failed plugins: none" in res.stdout and "Name conflicts" not in res.stdout
    assert "RuntimeWarning" not in res.stderr, res.stderr


def test_a_plugin_implementing_maze_register_blocks_provides_its_env_and_policy_without_maze_perception(fresh_venv, tmp_path):
    listing = _sh([str(fresh_venv / "maze-run"), "--plugins"], cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "perception_optional: maze-perception-optional-plugin 0.1.0" in listing.stdout
    assert ("maze_register_blocks skipped: hook spec not available (provided by maze-perception, not installed)"
            in listing.stdout)
    assert "optional_corridor" in listing.stdout and "optional_go_right" in listing.stdout
    assert "CorridorDenseBlock" not in listing.stdout and "Failed plugins: none" in listing.stdout
    run = _sh([str(fresh_venv / "maze-run"), "env=optional_corridor", "policy=optional_go_right", "runner.n_episodes=2"],
              cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "episode 2/2" in run.stdout and run.stdout.count("steps=5") == 2, run.stdout[-2000:]
    assert "maze-perception-optional-plugin" not in run.stderr, run.stderr


def test_example_plugin_env_and_policy_run_through_maze_run(fresh_venv, tmp_path):
    res = _sh([str(fresh_venv / "maze-run"), "env=example_stock", "policy=example_stock_order_up_to",
               "runner=sequential", "runner.n_episodes=2", "seeding.env_base_seed=3"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("steps=50") == 2, res.stdout[-2000:]
    res = _sh([str(fresh_venv / "maze-run"), "env=gym_env", "runner.n_episodes=1"], cwd=tmp_path)
    assert res.returncode == 0 and "episode 1/1" in res.stdout


def test_broken_and_colliding_plugins_are_reported_once_per_run_and_maze_keeps_working(fresh_venv, tmp_path):
    res = _sh([str(fresh_venv / "python"), "-m", "pip", "install", "-q", str(REPO / "examples" / "maze-broken-plugin"),
               str(REPO / "examples" / "maze-colliding-plugin")])
    assert res.returncode == 0, res.stderr
    conflict = "policy 'random_policy' is registered by maze-core"
    try:
        listing = _sh([str(fresh_venv / "maze-run"), "--plugins"], cwd=tmp_path)
        assert listing.returncode == 0, listing.stderr
        assert "plugin 'broken' from maze-broken-plugin 0.0.1 failed during import" in listing.stdout
        assert "not-installed-anywhere" in listing.stdout and "example_stock" in listing.stdout
        assert "Name conflicts" in listing.stdout
        assert f"{conflict}" in listing.stdout and "by maze-colliding-plugin 0.1.0 (plugin 'colliding')" in listing.stdout
        assert "first_action_policy" in listing.stdout  # the colliding plugin's other registrations are kept
        shadow = ("config 'env/gym_env.yaml' of plugin 'colliding' (maze-colliding-plugin 0.1.0, "
                  "pkg://maze_colliding_plugin.conf) is shadowed by the same file of plugin 'core' (maze-core")
        assert shadow in listing.stdout and listing.stderr.count(shadow) == 1, listing.stderr

        run = _sh([str(fresh_venv / "maze-run"), "env=example_stock", "policy=example_stock_order_up_to",
                   "runner.n_episodes=1"], cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert "episode 1/1" in run.stdout
        assert run.stderr.count("maze-broken-plugin") == 1 and run.stderr.count(conflict) == 1, run.stderr

        # worker processes re-create the plugin manager; the main process's reports are not repeated by them
        run = _sh([str(fresh_venv / "maze-run"), "env=gym_env", "policy=first_action_policy", "runner=parallel",
                   "runner.n_processes=2", "runner.n_episodes=4"], cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert "name: CartPole-v1" in run.stdout and "MountainCar" not in run.stdout  # maze-core's gym_env.yaml is used
        assert run.stderr.count("maze-broken-plugin") == 1 and run.stderr.count(conflict) == 1, run.stderr
        assert run.stderr.count("env/gym_env.yaml") == 1, run.stderr

        # the ambiguous name fails where it is resolved, naming both distributions
        run = _sh([str(fresh_venv / "maze-run"), "env=gym_env", "policy._target_=random_policy", "runner.n_episodes=1"],
                  cwd=tmp_path)
        assert run.returncode != 0
        out = run.stdout + run.stderr
        error_lines = [line for line in out.splitlines() if "'random_policy'" in line and "RuntimeWarning" not in line]
        assert error_lines and all(d in error_lines[-1] for d in ("maze-core", "maze-colliding-plugin")), out[-3000:]
    finally:
        _sh([str(fresh_venv / "python"), "-m", "pip", "uninstall", "-y", "-q", "maze-broken-plugin", "maze-colliding-plugin"])


# ---- maze-core without its extras: the same fresh venv holds maze-core and a core-only plugin, no matplotlib


def test_core_install_has_no_matplotlib_and_rolls_out(fresh_venv, tmp_path):
    probe = _sh([str(fresh_venv / "python"), "-c",
                 "import importlib.util, sys; sys.exit(importlib.util.find_spec('matplotlib') is not None)"])
    assert probe.returncode == 0, "installing maze-core must not pull matplotlib (it is the render extra)"
    res = _sh([str(fresh_venv / "maze-run"), "env=gym_env", "env.name=CartPole-v1", "runner.n_episodes=2",
               "seeding.env_base_seed=1"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "episode 2/2" in res.stdout
    assert (tmp_path / "outputs" / "CartPole-v1-random_policy-sequential").is_dir()
    render = _sh([str(fresh_venv / "maze-run"), "env=gym_env", "runner.n_episodes=1", "runner.render=true"],
                 cwd=tmp_path)
    assert render.returncode != 0
    assert "rendering needs matplotlib: pip install maze-core[render]" in render.stderr, render.stderr[-2000:]


def test_core_install_names_the_distribution_of_missing_root_configs(fresh_venv, tmp_path):
    res = _sh([str(fresh_venv / "maze-run"), "-cn", "conf_train", "env.name=CartPole-v1"], cwd=tmp_path)
    assert res.returncode != 0
    assert "Cannot find primary config" not in res.stderr
    assert "provided by maze-train, which is not installed" in res.stderr and "pip install maze-train" in res.stderr
    # an option of a config group that a Maze distribution ships: named with its distribution, not Hydra's listing
    res = _sh([str(fresh_venv / "maze-run"), "env=cutting2d_flat", "model=vector_obs"], cwd=tmp_path)
    assert res.returncode != 0 and "Could not find" not in res.stderr, res.stderr
    assert "'env=cutting2d_flat' is provided by maze-envs-cutting2d, which is not installed." in res.stderr
    assert "'model=vector_obs' is provided by maze-perception, which is not installed." in res.stderr
    assert "Install it: pip install maze-envs-cutting2d" in res.stderr and "pip install maze-perception" in res.stderr
    version = _sh([str(fresh_venv / "maze-run"), "--version"], cwd=tmp_path)
    assert version.returncode == 0 and "torch not installed" in version.stdout
    assert "maze-core" in version.stdout and "maze-example-stock" in version.stdout
    helps = _sh([str(fresh_venv / "maze-run"), "--help"], cwd=tmp_path)
    assert helps.returncode == 0
    assert "needs maze-train: pip install maze-train" in helps.stdout and "example_stock" in helps.stdout


def test_plugin_env_through_gymnasium(fresh_venv, tmp_path):
    code = ("import gymnasium as gym; env = gym.make('maze_example_stock:maze/ExampleStock-v0'); "
            "obs, _ = env.reset(seed=0); obs, reward, *_ = env.step(env.action_space.sample()); "
            "print(type(env.unwrapped).__name__, sorted(obs))")
    res = _sh([str(fresh_venv / "python"), "-c", code], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("StockMazeEnv")
