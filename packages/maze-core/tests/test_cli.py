"""maze-run as a real subprocess: composed configs, runners, plugin listing and config errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

MAZE_RUN = [sys.executable, "-m", "maze.core.cli"]


def run(args, cwd, env=None):
    full_env = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    return subprocess.run(MAZE_RUN + args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=240)


def test_sequential_cartpole_rollout_prints_per_episode_results(tmp_path):
    res = run(["env=gym_env", "env.name=CartPole-v1", "runner=sequential", "runner.n_episodes=3", "seeding.env_base_seed=1"], tmp_path)
    assert res.returncode == 0, res.stderr
    episodes = re.findall(r"episode (\d)/3: steps=(\d+) return=([\d.]+)", res.stdout)
    assert [e[0] for e in episodes] == ["1", "2", "3"]
    assert all(float(r) == float(s) for _, s, r in episodes), "CartPole pays 1 per step"
    out_dirs = list((tmp_path / "outputs").glob("CartPole-v1-random_policy-sequential/*"))  # named after env.name
    assert len(out_dirs) == 1 and (out_dirs[0] / ".hydra" / "config.yaml").exists()
    # the composed config and the command are in TensorBoard TEXT too
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(out_dirs[0]))
    acc.Reload()
    texts = {t: acc.Tensors(t)[0].tensor_proto.string_val[0].decode() for t in acc.Tags()["tensors"]}
    config_text = next(v for t, v in texts.items() if "job_config" in t)
    assert "SequentialRolloutRunner" in config_text and "CartPole-v1" in config_text
    assert any("runner.n_episodes=3" in v for t, v in texts.items() if "command" in t)


def test_same_seeds_give_the_same_rollout(tmp_path):
    args = ["runner.n_episodes=2", "seeding.env_base_seed=11", "seeding.agent_base_seed=12"]
    a, b = run(args, tmp_path), run(args, tmp_path)
    lines = lambda r: re.findall(r"episode .*", r.stdout)  # noqa: E731
    assert a.returncode == 0 and lines(a) == lines(b)


def test_unknown_group_option_lists_the_valid_options(tmp_path):
    res = run(["env=no_such_env"], tmp_path)
    assert res.returncode != 0
    assert "Could not find 'env/no_such_env'" in res.stderr and "gym_env" in res.stderr


def test_bad_config_value_fails_with_a_clear_message(tmp_path):
    res = run(["runner.n_episodes=0"], tmp_path)
    assert res.returncode == 2 and "runner.n_episodes=0 is invalid: expected an integer >= 1" in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 2  # one error block


def test_plugins_listing(tmp_path):
    res = run(["--plugins"], tmp_path)
    assert res.returncode == 0
    for text in ("core: maze-core", "gym_env", "random_policy", "sequential", "Failed plugins"):
        assert text in res.stdout
    res2 = run(["plugins"], tmp_path)
    assert res2.stdout == res.stdout


def test_maze_run_start_and_env_created_hooks_fire_for_a_run(tmp_path):
    """An in-repo plugin module enabled through a .pth-free path: registered via sitecustomize in a temp dir."""
    plugin_dir = tmp_path / "plug"
    plugin_dir.mkdir()
    (plugin_dir / "observer_plugin.py").write_text(
        "from maze.core.plugins import hookimpl\n"
        "from maze.core.events.pubsub import Subscriber\n"
        "class Counter(Subscriber):\n"
        "    def get_interfaces(self):\n"
        "        return [object]\n"
        "@hookimpl\n"
        "def maze_run_start(config):\n"
        "    print('HOOK run_start runner=' + config.runner._target_.rsplit('.', 1)[-1])\n"
        "@hookimpl\n"
        "def maze_env_created(env, config):\n"
        "    print('HOOK env_created ' + type(env).__name__)\n"
        "@hookimpl\n"
        "def maze_event_subscribers(env):\n"
        "    return [Counter()]\n"
        "@hookimpl\n"
        "def maze_policy_created(policy, config):\n"
        "    print('HOOK policy_created ' + type(policy).__name__)\n"
    )
    (plugin_dir / "sitecustomize.py").write_text(
        "import maze.core.plugins as p\nimport observer_plugin\np.get_plugin_manager().register(observer_plugin, 'observer')\n"
    )
    env = {"PYTHONPATH": f"{plugin_dir}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    res = run(["runner.n_episodes=1"], tmp_path, env)
    assert res.returncode == 0, res.stderr
    assert "HOOK run_start runner=SequentialRolloutRunner" in res.stdout
    assert "HOOK env_created GymMazeEnv" in res.stdout
    assert "HOOK policy_created RandomPolicy" in res.stdout
    assert Path(tmp_path / "outputs").exists()
