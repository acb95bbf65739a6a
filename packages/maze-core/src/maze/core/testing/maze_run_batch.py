"""Run several ``maze-run`` command lines in one fresh interpreter, for tests that run many documented commands.

Starting ``maze-run`` costs seconds (Python, Hydra, torch imports); a short run after that costs a fraction of it.
:func:`run_maze_run_batch` starts one interpreter that calls the CLI's :func:`~maze.core.cli.main` for each command
line in turn, with the global statistics and seeds reset between them (:func:`~maze.utils.global_state.clear_global_state`),
and returns the exit code and console output of each command::

    from maze.core.testing.maze_run_batch import run_maze_run_batch

    results = run_maze_run_batch([["env=gym_env", "env.name=CartPole-v1", "runner.n_episodes=1",
                                   f"hydra.run.dir={tmp_path / 'run'}"]], cwd=tmp_path)
    assert results[0].exit_code == 0, results[0].describe()

The commands run in the given order, so a later command may read the output dir of an earlier one
(``input_dir=...``). Worker processes of a command (parallel rollouts, sub-process vector envs) are real
processes as in a single ``maze-run`` call; their own console output goes to the batch's stderr, not to the
command's ``output``. The command lines are passed as JSON files (lists of strings, nothing in them is executed).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: environment of the batch interpreter unless the caller overrides it: headless matplotlib and pygame
HEADLESS_ENV = {"MPLBACKEND": "Agg", "SDL_VIDEODRIVER": "dummy"}


@dataclass(frozen=True)
class MazeRunResult:
    """The outcome of one command line of a batch.

    :param args: the arguments after ``maze-run``.
    :param exit_code: the CLI's exit code (``0``: success; ``2``: configuration error; ``None`` for a command that
        did not run because the batch interpreter ended before it).
    :param output: what the command printed to stdout and stderr (interleaved as written).
    :param seconds: wall-clock seconds the command took.
    """

    args: tuple[str, ...]
    exit_code: int | None
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether the command exited with code 0."""
        return self.exit_code == 0

    def describe(self, tail: int = 4000) -> str:
        """The command line, its exit code and the last ``tail`` characters of its output (for assertion messages)."""
        return f"maze-run {' '.join(self.args)}\nexit code {self.exit_code}\n{self.output[-tail:]}"


def run_maze_run_batch(commands: Sequence[Sequence[str]], cwd: str | Path, env: Mapping[str, str] | None = None,
                       timeout_s: float = 600.0) -> list[MazeRunResult]:
    """Run ``commands`` (each the arguments after ``maze-run``) one after another in one new interpreter.

    :param commands: the command lines, in the order they run.
    :param cwd: working directory of the batch (relative ``outputs/`` dirs are created there).
    :param env: environment variables added to this process's environment (after :data:`HEADLESS_ENV`), e.g.
        ``PYTHONPATH`` for a project whose ``_target_`` paths the commands use.
    :param timeout_s: limit for the whole batch.
    :return: one result per command, in order.
    :raises TypeError: if a command is not a sequence of strings.
    :raises RuntimeError: if the batch interpreter fails outside of the commands (its stderr is in the message).
    """
    lines = [list(command) for command in commands]
    for index, command in enumerate(lines):
        if isinstance(commands[index], str) or not all(isinstance(arg, str) for arg in command):
            raise TypeError(f"command {index} must be a sequence of argument strings, got {commands[index]!r}")
    with tempfile.TemporaryDirectory(prefix="maze_run_batch_") as tmp:
        commands_file, results_file = Path(tmp, "commands.json"), Path(tmp, "results.json")
        commands_file.write_text(json.dumps(lines), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "maze.core.testing.maze_run_batch", str(commands_file), str(results_file)],
            cwd=cwd, env={**os.environ, **HEADLESS_ENV, **dict(env or {})}, capture_output=True, text=True,
            timeout=timeout_s)
        done = json.loads(results_file.read_text(encoding="utf-8")) if results_file.is_file() else []
    if proc.returncode != 0 and len(done) == len(lines):
        raise RuntimeError(f"the maze-run batch interpreter failed after its commands:\n{proc.stderr[-4000:]}")
    results = [MazeRunResult(tuple(r["args"]), r["exit_code"], r["output"], r["seconds"]) for r in done]
    for command in lines[len(results):]:  # the interpreter died (crash, timeout) before these ran
        results.append(MazeRunResult(tuple(command), None, f"not run: the batch interpreter ended\n{proc.stderr[-4000:]}",
                                     0.0))
    return results


def _run_one(args: list[str]) -> dict:
    from maze.core.cli import main
    from maze.utils.global_state import clear_global_state

    buffer = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            code = main(args)
        except SystemExit as exc:  # maze_run ends failed runs with sys.exit(1|2)
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # noqa: BLE001 - reported as the command's failure, the batch goes on
            import traceback

            traceback.print_exception(exc, file=buffer)
            code = 1
    clear_global_state()
    return {"args": args, "exit_code": code, "output": buffer.getvalue(), "seconds": time.perf_counter() - start}


def _main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: python -m maze.core.testing.maze_run_batch COMMANDS.json RESULTS.json\n")
        return 2
    commands = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    if not isinstance(commands, list) or not all(isinstance(c, list) and all(isinstance(a, str) for a in c)
                                                 for c in commands):
        sys.stderr.write(f"{argv[0]}: expected a JSON list of lists of argument strings\n")
        return 2
    results: list[dict] = []
    for command in commands:
        results.append(_run_one(command))
        # written after every command: a crash of a later command keeps the results of the earlier ones
        Path(argv[1]).write_text(json.dumps(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
