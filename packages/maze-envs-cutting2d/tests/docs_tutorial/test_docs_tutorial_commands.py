"""The reference docs' ``maze-run`` lines of the Cutting-2D tutorials, run against the tutorial's own code and configs.

The docs' configs name the tutorial code by import path (``_target_: tutorial_maze_env.part03_maze_env.env.maze_env.
maze_env_factory``): ``tutorial_maze_env`` next to this file is that code, ``conf/`` those configs. The commands run as a
user who writes the tutorial in their own project would run them: the project on ``PYTHONPATH``, its config dir
given with ``-cd``, and without the maze-envs-cutting2d plugin (whose installed configs of the same names would
otherwise come first on Hydra's search path: ``MAZE_DISABLE_PLUGIN_AUTOLOAD=1 MAZE_PLUGINS=perception,train``).
Budgets are tiny (one epoch of eight rollout steps, one rollout episode); commands run in one interpreter
(:func:`~maze.core.testing.maze_run_batch.run_maze_run_batch`) in the order of the tutorial, a rollout reading the run
dir of the training before it. The same lines against the installed configs run in maze-train's docs commands test.

The lines come from ``packages/maze-core/tests/docs_reference_commands.txt`` (``scripts/docs_commands.py``); every
line that names a tutorial env runs here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from maze.core.testing.maze_run_batch import run_maze_run_batch

pytest.importorskip("maze.train", reason="the tutorial's training commands need maze-train")

HERE = Path(__file__).resolve().parent
CONF = HERE / "conf"
COMMANDS_FILE = HERE.parents[2] / "maze-core" / "tests" / "docs_reference_commands.txt"
#: the project's plugins only: the docs' user has the framework, not the maze-envs-cutting2d plugin
PROJECT_ENV = {"PYTHONPATH": str(HERE), "MAZE_DISABLE_PLUGIN_AUTOLOAD": "1", "MAZE_PLUGINS": "perception,train"}
TRAIN_BUDGET = ["algorithm.n_epochs=1", "algorithm.epoch_length=1", "algorithm.n_rollout_steps=8",
                "algorithm.rollout_evaluator.n_episodes=1", "runner.concurrency=1"]
#: the tutorial's flat env has no step limit of its own (the docs' wrapper configs add one)
ROLLOUT_BUDGET = ["runner.n_episodes=1", "runner.max_episode_steps=180"]
_TRAINED_INPUT = re.compile(r"^input_dir=outputs/[\[<].*[\]>]$")

pytestmark = pytest.mark.skipif(not COMMANDS_FILE.is_file(), reason="needs the repository checkout (docs commands)")


def tutorial_commands() -> list[str]:
    """The documented command lines (arguments after ``maze-run``) that name a tutorial env, in document order."""
    rows = [line.split("\t")[0] for line in COMMANDS_FILE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [row for row in rows if re.search(r"\benv=tutorial_cutting_2d", row)]


def _is_training(command: str) -> bool:
    return command.split()[:2] == ["-cn", "conf_train"]


def test_tutorial_commands_run_against_the_tutorial_package(tmp_path):
    commands = tutorial_commands()
    assert len(commands) >= 6, commands
    # trainings first, then the rollouts (which load the last training of their env)
    ordered = [c for c in commands if _is_training(c)] + [c for c in commands if not _is_training(c)]
    runs: list[list[str]] = []
    run_dirs: list[Path] = []
    trained: dict[str, Path] = {}
    for index, command in enumerate(ordered):
        args = command.split()
        env_option = next(a for a in args if a.startswith("env="))
        run_dir = tmp_path / f"run{index:02d}"
        resolved = []
        for arg in args:
            if _TRAINED_INPUT.match(arg):
                assert env_option in trained, f"{command}: no training of {env_option} before it"
                arg = f"input_dir={trained[env_option]}"
            resolved.append(arg)
        budget = TRAIN_BUDGET if _is_training(command) else ROLLOUT_BUDGET
        runs.append(["-cd", str(CONF), *resolved, *budget, f"hydra.run.dir={run_dir}"])
        run_dirs.append(run_dir)
        if _is_training(command):
            trained[env_option] = run_dir

    results = run_maze_run_batch(runs, cwd=tmp_path, env=PROJECT_ENV)
    for command, result, run_dir in zip(ordered, results, run_dirs):
        assert result.ok, result.describe()
        config = yaml.safe_load((run_dir / ".hydra" / "config.yaml").read_text(encoding="utf-8"))
        # the env is the tutorial's code, built from the tutorial's config
        assert config["env"]["_target_"].startswith("tutorial_maze_env."), (command, config["env"])
        if _is_training(command):
            assert (run_dir / "state_dict.pt").is_file() and "new overall best model" in result.output, result.describe()
        else:  # a rollout: one episode with statistics
            assert re.search(r"BaseEnvEvents\s+reward\s+episode_count\s+\|\s+1\.000", result.output), result.describe()
        if "policy=torch_policy" in command:  # the docs' model=... of a rollout is the trained policy's model
            assert config["model"]["_target_"].endswith("CustomModelComposer"), config.get("model")

    by_command = dict(zip(ordered, results))
    events_run = next(r for c, r in by_command.items() if "env=tutorial_cutting_2d_events" in c)
    # part 4's events and KPI reach the training statistics
    for name in ("CuttingEvents", "InventoryEvents", "raw_piece_usage_per_step"):
        assert name in events_run.output, events_run.describe()
    basic_run = next(r for c, r in by_command.items() if "env=tutorial_cutting_2d_basic" in c)
    assert "CuttingEvents" not in basic_run.output  # part 3 has no events yet
    greedy = next(r for c, r in by_command.items() if "policy=tutorial_cutting_2d_greedy_policy" in c)
    # the greedy heuristic on the tutorial's simple problem: 30 raw pieces in 180 steps, the optimum
    assert re.search(r"reward\s+mean\s+\|\s+-30\.000", greedy.output), greedy.describe()
