"""``scripts/docs_commands.py`` extracts the documented ``maze-run`` command lines and the committed
``docs_reference_commands.txt`` has its output format; :mod:`maze.core.testing.maze_run_batch` runs such lines.

The script reads the reference docs, which the tests do not need: it runs here on small documents written by the
test, in the layout of the real ones.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from maze.core.testing.maze_run_batch import run_maze_run_batch

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "docs_commands.py"
DATA = Path(__file__).resolve().parent / "docs_reference_commands.txt"

NEWER = r'''Training

$ maze-run -cn conf_train env.name=CartPole-v0 algorithm=a2c
Prose that mentions maze-run runner=sequential in a sentence is not a command.

maze-run -cn conf_train env=tutorial_cutting_2d_basic wrappers=tutorial_cutting_2d_basic \
model=tutorial_cutting_2d_basic algorithm=ppo

$ maze-run -cn conf_train env=tutorial_cutting_2d_struct_masked
  wrappers=tutorial_cutting_2d model=tutorial_cutting_2d_struct_masked

We can roll it out using:
$ maze-run env=gym_env env.name=CartPole-v0
 step|path        |   value
'''

OLDER = r'''```
maze-run -cn conf_train env.name=CartPole-v0 algorithm=a2c
```
\$ maze-run runner=sequential runner.n_episodes=1 \

  runner.render=true
maze-run -cn conf_train env=tutorial_cutting_2d_struct_masked wrappers=tutorial_

ocutting_2d \
'''


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not SCRIPT.is_file(), reason="needs the repository checkout (scripts/docs_commands.py)")
def test_extracts_commands_with_continuations_and_names_unreadable_ones(tmp_path):
    (tmp_path / "000_newer.txt").write_text(NEWER, encoding="utf-8")
    (tmp_path / "001_older.txt").write_text(OLDER, encoding="utf-8")
    out = tmp_path / "commands.txt"
    proc = _run(str(tmp_path), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert rows == [
        ["-cn conf_train env.name=CartPole-v0 algorithm=a2c", "000:3, 001:2"],  # listed once, both places
        ["-cn conf_train env=tutorial_cutting_2d_basic wrappers=tutorial_cutting_2d_basic "
         "model=tutorial_cutting_2d_basic algorithm=ppo", "000:6"],
        # the wrapped line without a backslash holds only overrides: part of the command
        ["-cn conf_train env=tutorial_cutting_2d_struct_masked wrappers=tutorial_cutting_2d "
         "model=tutorial_cutting_2d_struct_masked", "000:9"],
        ["env=gym_env env.name=CartPole-v0", "000:13"],
        # a blank line after the backslash (PDF extraction) is skipped
        ["runner=sequential runner.n_episodes=1 runner.render=true", "001:4"],
    ]
    assert any(line.startswith("# Not readable") and "001:7" in line and "wrappers=tutorial_" in line for line in lines)


@pytest.mark.skipif(not SCRIPT.is_file(), reason="needs the repository checkout (scripts/docs_commands.py)")
def test_names_a_missing_reference_dir(tmp_path):
    proc = _run(str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr


def test_committed_commands_file_has_the_documented_lines():
    lines = DATA.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# maze-run command lines shown by the reference docs")
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    assert len(rows) > 40 and all(len(row) == 2 and row[1] for row in rows)
    commands = [row[0] for row in rows]
    assert len(commands) == len(set(commands))
    assert "-cn conf_train env.name=CartPole-v0 algorithm=a2c algorithm.n_epochs=5" in commands
    assert all(not c.startswith("maze-run") and "\\" not in c for c in commands)


def test_batch_runs_commands_in_order_and_reports_each(tmp_path):
    results = run_maze_run_batch([
        ["env=gym_env", "env.name=CartPole-v1", "runner=sequential", "runner.n_episodes=1",
         f"hydra.run.dir={tmp_path / 'first'}"],
        ["runner=sequential", "runner.n_episodes=0"],  # a bad value: exit code 2, the batch goes on
        ["env=gym_env", "env.name=CartPole-v1", "runner=sequential", "runner.n_episodes=2",
         f"hydra.run.dir={tmp_path / 'second'}"],
    ], cwd=tmp_path)
    assert [r.exit_code for r in results] == [0, 2, 0], [r.describe() for r in results]
    assert str(tmp_path / "first") in results[0].output
    assert "n_episodes" in results[1].output and "maze-run: error" in results[1].output
    # statistics start afresh for every command: each run counts its own episodes
    for result, episodes in ((results[0], 1), (results[2], 2)):
        assert re.search(rf"reward\s+episode_count\s+\|\s+{episodes}\.000", result.output), result.output
    assert (tmp_path / "first" / "cli.log").is_file() and (tmp_path / "second" / "cli.log").is_file()


def test_batch_rejects_a_command_that_is_not_a_list_of_strings(tmp_path):
    with pytest.raises(TypeError, match="command 0 must be a sequence of argument strings"):
        run_maze_run_batch(["env=gym_env runner=sequential"], cwd=tmp_path)
