"""What a user sees of maze-run: --version, Maze's --help, pipes into head, missing root configs, run dir names.

All through real subprocesses of the installed console script (or ``python -m maze.core.cli``)."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

MAZE_RUN_SCRIPT = Path(sys.executable).with_name("maze-run")
MAZE_RUN = [str(MAZE_RUN_SCRIPT)] if MAZE_RUN_SCRIPT.exists() else [sys.executable, "-m", "maze.core.cli"]


def _env(extra=None):
    return {**os.environ, "MPLBACKEND": "Agg", **(extra or {})}


def run(args, cwd, env=None, timeout=240):
    return subprocess.run(MAZE_RUN + args, cwd=cwd, env=_env(env), capture_output=True, text=True, timeout=timeout)


def _installed(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _help_groups(help_out):
    """``group → set of options`` parsed from the "Config groups" block of ``maze-run --help`` (wrapped lines joined)."""
    block = help_out.split("Config groups")[1].split("\n\n")[0].splitlines()[1:]
    groups, current = {}, None
    for line in block:
        match = re.match(r"^  (\S+)\s{2,}(.*)$", line)
        if match:
            current = match.group(1)
            groups[current] = set()
            line = match.group(2)
        groups[current] |= {o for o in re.split(r"[,\s]+", line.strip()) if o}
    return groups


def test_version_lists_maze_distributions_and_the_stack(tmp_path):
    res = run(["--version"], tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Hydra 1.3" not in out.splitlines()[0], "the first line is Maze's, not Hydra's version"
    maze_dists = {ep.dist.metadata["Name"]: ep.dist.version for ep in importlib.metadata.entry_points(group="maze")}
    assert "maze-core" in maze_dists
    for name, version in maze_dists.items():
        assert re.search(rf"^\s+{re.escape(name)}\s+{re.escape(version)}$", out, re.M), (name, out)
    assert f"Python {platform.python_version()}" in out
    assert f"gymnasium {importlib.metadata.version('gymnasium')}" in out
    assert f"Hydra {importlib.metadata.version('hydra-core')}" in out
    assert f"torch {_installed('torch') or 'not installed'}" in out


def test_help_is_mazes_own(tmp_path):
    res = run(["--help"], tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert not out.startswith("cli is powered by Hydra") and "powered by Hydra" not in out
    assert out.splitlines()[0].startswith("maze-run:")
    # root configs with the distribution that ships each
    assert re.search(r"^\s+conf_rollout\s.*\[maze-core \S+\]", out, re.M)
    if _installed("maze-train"):
        assert re.search(r"^\s+conf_train\s.*\[maze-train \S+\]", out, re.M)
    assert re.search(r"^\s+conf_rllib\s", out, re.M)
    # groups and their options come from the installed plugins; no bogus 'conf' / 'conf/env' groups
    groups = _help_groups(out)
    assert {"env", "policy", "runner", "wrappers"} <= set(groups)
    assert not any(g == "conf" or g.startswith("conf/") or g.startswith("hydra") for g in groups)
    assert "gym_env" in groups["env"]
    assert {"random_policy", "masked_random_policy"} <= groups["policy"]
    if _installed("maze-envs-cutting2d"):
        assert "cutting2d_flat" in out and "cutting2d_struct_masked" in out
    for text in ("--plugins", "-cn conf_train", "--hydra-help", "--version", "Examples:"):
        assert text in out, text


def test_help_options_match_the_config_folders_of_the_plugins(tmp_path):
    """Every yaml of every plugin's env/ and policy/ folders is listed, and nothing else."""
    from importlib import resources

    from maze.core.plugins import get_plugin_manager

    res = run(["--help"], tmp_path)
    listed = {g: o for g, o in _help_groups(res.stdout).items() if g in ("env", "policy", "runner", "wrappers")}
    on_disk = {g: set() for g in ("env", "policy", "runner", "wrappers")}
    for entry in get_plugin_manager().config_search_path():
        root = resources.files(entry[len("pkg://"):])
        for group in on_disk:
            folder = root.joinpath(group)
            if folder.is_dir():
                on_disk[group] |= {p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")}
    assert listed == on_disk


def test_hydra_help_stays_reachable(tmp_path):
    res = run(["--hydra-help"], tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Hydra (" in res.stdout and "--multirun" in res.stdout


@pytest.mark.parametrize("flag", ["--help", "--version", "--plugins"])
def test_output_into_a_closed_pipe_ends_without_a_traceback(tmp_path, flag):
    """The reader is gone before maze-run writes (what `| head` does to long output): no BrokenPipe traceback."""
    read_fd, write_fd = os.pipe()
    os.close(read_fd)  # nobody will read: every write gets EPIPE
    try:
        proc = subprocess.run(MAZE_RUN + [flag], cwd=tmp_path, env=_env(), stdout=write_fd, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    finally:
        os.close(write_fd)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
    assert proc.returncode == 0


def test_help_piped_into_head(tmp_path):
    cmd = " ".join(f"'{part}'" for part in MAZE_RUN) + " --help | head -3"
    res = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    lines = res.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith("maze-run:") and lines[2].startswith("usage: maze-run")


def test_root_config_of_a_plugin_that_is_not_loaded_names_its_distribution(tmp_path):
    res = run(["-cn", "conf_train", "env.name=CartPole-v1"], tmp_path, env={"MAZE_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert res.returncode != 0
    assert "Cannot find primary config" not in res.stderr
    assert "'conf_train'" in res.stderr and "maze-train" in res.stderr
    if _installed("maze-train"):
        assert "MAZE_PLUGINS=train" in res.stderr  # installed, but autoload is off
    else:
        assert "pip install maze-train" in res.stderr
    assert "conf_rollout (maze-core)" in res.stderr
    assert not (tmp_path / "outputs").exists()


def test_conf_rllib_and_unknown_root_configs(tmp_path):
    res = run(["--config-name=conf_rllib"], tmp_path)
    assert res.returncode != 0 and "Cannot find primary config" not in res.stderr
    assert "maze-rllib-bridge" in res.stderr
    res = run(["-cn", "conf_nope"], tmp_path)
    assert res.returncode != 0 and "unknown root config 'conf_nope'" in res.stderr
    assert "conf_rollout (maze-core)" in res.stderr


def test_explicit_default_root_config_runs(tmp_path):
    res = run(["-cn", "conf_rollout", "runner.n_episodes=1", "env.name=MountainCar-v0", "runner.max_episode_steps=3"],
              tmp_path)
    assert res.returncode == 0, res.stderr
    assert "episode 1/1: steps=3" in res.stdout


def test_run_dir_is_named_after_the_gym_env(tmp_path):
    res = run(["env.name=MountainCar-v0", "runner.n_episodes=1", "runner.max_episode_steps=2"], tmp_path)
    assert res.returncode == 0, res.stderr
    assert [p.name for p in (tmp_path / "outputs").iterdir()] == ["MountainCar-v0-random_policy-sequential"]


@pytest.mark.skipif(not _installed("maze-envs-cutting2d"), reason="needs maze-envs-cutting2d")
def test_run_dir_of_a_non_gym_env_is_named_after_the_env_option(tmp_path):
    res = run(["env=cutting2d_flat", "runner.n_episodes=1", "runner.max_episode_steps=2"], tmp_path)
    assert res.returncode == 0, res.stderr
    assert [p.name for p in (tmp_path / "outputs").iterdir()] == ["cutting2d_flat-random_policy-sequential"]


def test_maze_env_name_resolver():
    from maze.core.utils.config_utils import maze_env_name, register_maze_resolvers

    register_maze_resolvers()
    register_maze_resolvers()  # idempotent
    gym_cfg = OmegaConf.create({"_target_": "maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env",
                                "name": "ALE/Pong-v5"})
    assert maze_env_name("gym_env", gym_cfg) == "ALE_Pong-v5"
    docs_cfg = OmegaConf.create({"_target_": "maze.core.wrappers.maze_gym_env_wrapper.GymMazeEnv", "env": "CartPole-v1"})
    assert maze_env_name("my_option", docs_cfg) == "CartPole-v1"
    other = OmegaConf.create({"_target_": "my_pkg.Env", "name": "../../etc"})
    assert maze_env_name("my_env", other) == "my_env"  # only gym env configs name the dir after their id
    assert maze_env_name(None, other) == "env"
    cfg = OmegaConf.create({"env": {"_target_": "gym_env", "name": "Acrobot-v1"}, "choice": "gym_env",
                            "dir": "${maze_env_name:${choice},${env}}-x"})
    assert cfg.dir == "Acrobot-v1-x"
