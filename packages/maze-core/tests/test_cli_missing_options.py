"""Config group options of Maze distributions that are not installed (or whose plugin is not loaded): ``maze-run``
names the distribution and how to install or enable it instead of Hydra's "Could not find 'model/vector_obs'".

Real ``maze-run`` subprocesses; plugins are switched off with ``MAZE_DISABLE_PLUGIN_AUTOLOAD`` (the cheap stand-in for
an install without them), and the fresh core-only venv of ``test_third_party_plugin.py`` covers "not installed"."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from maze.core.cli import KNOWN_CONFIG_OPTIONS, missing_config_option_message, requested_config_options

REPO = Path(__file__).resolve().parents[3]
MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
CORE_ONLY = {"MAZE_DISABLE_PLUGIN_AUTOLOAD": "1"}


def _installed(dist: str) -> bool:
    try:
        importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _maze_run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("MAZE_PLUGINS", "MAZE_DISABLE_PLUGIN_AUTOLOAD")}
    return subprocess.run([*MAZE_RUN, *args], cwd=cwd, env={**environ, "MPLBACKEND": "Agg", **env},
                          capture_output=True, text=True, timeout=120)


def test_the_known_options_are_the_files_the_packages_ship():
    packages = REPO / "packages"
    if not packages.is_dir():
        pytest.skip("needs the Maze source checkout")
    for dist, options in KNOWN_CONFIG_OPTIONS.items():
        (conf,) = (packages / dist / "src").rglob("conf")  # one config folder per distribution
        shipped = sorted(str(p.relative_to(conf).with_suffix("")) for p in conf.rglob("*.yaml") if p.parent != conf)
        assert sorted(options) == shipped, dist
    all_options = [o for options in KNOWN_CONFIG_OPTIONS.values() for o in options]
    assert len(all_options) == len(set(all_options))  # every option names one distribution
    assert "maze-core" not in KNOWN_CONFIG_OPTIONS  # always installed: Hydra's own listing is right there


def test_requested_options_are_read_from_the_overrides():
    args = ["-cn", "conf_train", "model=vector_obs", "+experiment=cutting2d_ppo", "env=cutting2d_flat,cutting2d_struct",
            "~critic", "env.name=CartPole-v1", "hydra.run.dir=/tmp/x", "--cfg", "job", "policy=", "runner=choice(dev)"]
    assert requested_config_options(args) == [("model", "vector_obs"), ("experiment", "cutting2d_ppo"),
                                              ("env", "cutting2d_flat"), ("env", "cutting2d_struct"), ("runner", "dev")]
    assert requested_config_options(["env.name=CartPole-v1", "runner.n_episodes=2"]) == []


@pytest.mark.parametrize("override, dist, entry_point", [("env=cutting2d_flat", "maze-envs-cutting2d", "cutting2d"),
                                                         ("model=vector_obs", "maze-perception", "perception")])
def test_an_option_of_a_distribution_that_is_off_names_it(override, dist, entry_point, tmp_path):
    proc = _maze_run([override, "runner.n_episodes=1"], tmp_path, **CORE_ONLY)
    assert proc.returncode == 1
    group, option = override.split("=")
    assert "Could not find" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == f"maze-run: unknown option '{option}' of config group '{group}' ({override})."
    if _installed(dist):
        assert f"'{override}' is provided by {dist} " in lines[1] and f"MAZE_PLUGINS={entry_point}" in lines[1]
    else:
        assert lines[1] == f"'{override}' is provided by {dist}, which is not installed."
        assert lines[2].startswith(f"Install it: pip install {dist}")
    assert lines[-1].startswith(f"Options of '{group}' from the installed plugins: ")
    assert option not in lines[-1]
    assert not (tmp_path / "outputs").exists()  # nothing ran


def test_available_and_unknown_options_are_left_to_hydra(tmp_path):
    if _installed("maze-envs-cutting2d"):
        assert missing_config_option_message(["env=cutting2d_flat"]) is None  # installed and loaded
        proc = _maze_run(["env=cutting2d_flat", "--cfg", "job"], tmp_path)
        assert proc.returncode == 0 and "core_env" in proc.stdout, proc.stderr
    assert missing_config_option_message(["env=no_such_env"]) is None  # no Maze distribution ships it
    proc = _maze_run(["env=no_such_env"], tmp_path)
    assert proc.returncode == 1 and "Could not find 'env/no_such_env'" in proc.stderr  # Hydra's list of options
