"""A third-party plugin proven end to end: installed from its own package into a fresh virtual env
next to maze-core (no torch), discovered through its entry point only, with no change to Maze.
A plugin whose import raises is reported once and skipped."""

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
               str(REPO / "packages" / "maze-core"), str(REPO / "examples" / "maze-example-stock")])
    assert res.returncode == 0, res.stdout + res.stderr
    return bin_dir


def test_core_only_install_has_no_torch(fresh_venv):
    res = _sh([str(fresh_venv / "python"), "-c", "import torch"])
    assert res.returncode != 0 and "No module named 'torch'" in res.stderr


def test_example_plugin_is_listed_with_its_components(fresh_venv, tmp_path):
    res = _sh([str(fresh_venv / "maze-run"), "--plugins"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "example_stock: maze-example-stock 0.1.0" in res.stdout
    assert "example_stock_order_up_to" in res.stdout and "pkg://maze_example_stock.conf" in res.stdout
    assert "Failed plugins: none" in res.stdout


def test_example_plugin_env_and_policy_run_through_maze_run(fresh_venv, tmp_path):
    res = _sh([str(fresh_venv / "maze-run"), "env=example_stock", "policy=example_stock_order_up_to",
               "runner=sequential", "runner.n_episodes=2", "seeding.env_base_seed=3"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("steps=50") == 2, res.stdout[-2000:]
    res = _sh([str(fresh_venv / "maze-run"), "env=gym_env", "runner.n_episodes=1"], cwd=tmp_path)
    assert res.returncode == 0 and "episode 1/1" in res.stdout


def test_broken_plugin_is_reported_once_and_skipped(fresh_venv, tmp_path):
    res = _sh([str(fresh_venv / "python"), "-m", "pip", "install", "-q", str(REPO / "examples" / "maze-broken-plugin")])
    assert res.returncode == 0, res.stderr
    try:
        listing = _sh([str(fresh_venv / "maze-run"), "--plugins"], cwd=tmp_path)
        assert listing.returncode == 0
        assert "plugin 'broken' from maze-broken-plugin 0.0.1 failed during import" in listing.stdout
        assert "not-installed-anywhere" in listing.stdout and "example_stock" in listing.stdout
        run = _sh([str(fresh_venv / "maze-run"), "env=example_stock", "policy=example_stock_order_up_to",
                   "runner.n_episodes=1"], cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert "episode 1/1" in run.stdout
        assert run.stderr.count("maze-broken-plugin") == 1, run.stderr
    finally:
        _sh([str(fresh_venv / "python"), "-m", "pip", "uninstall", "-y", "-q", "maze-broken-plugin"])
