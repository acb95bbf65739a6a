"""Logging and progress: the run's log file holds what the console showed (sequential and parallel rollouts, in real
``maze-run`` subprocesses), log levels, Maze's console in plain Python, the progress display (tqdm bar on a terminal,
one-line log records elsewhere), and the TensorBoard files of rollouts (action histograms, observation images)."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from maze.core.utils.logging_utils import ConsoleHandler
from maze.core.utils.progress import Progress

MAZE_RUN = [sys.executable, "-c", "import sys; from maze.core.cli import main; sys.exit(main())"]
ROLLOUT = ["env=gym_env", "env.name=CartPole-v1", "seeding.env_base_seed=1", "seeding.agent_base_seed=2"]
TABLE_ROW = re.compile(r"^\s+1\|rollout_stats\s+BaseEnvEvents\s+reward\s+mean\s+\|\s+[\d.]+$", re.M)

#: a policy that issues a Python warning (once per process) on its first reset: a real warning of a real run
WARNING_POLICY = textwrap.dedent('''
    import warnings

    from maze.core.agent.random_policy import RandomPolicy


    class WarningPolicy(RandomPolicy):
        def reset(self):
            warnings.warn("WarningPolicy: this policy acts at random", UserWarning)
            super().reset()
''')


def _maze_run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "warning_policy.py").write_text(WARNING_POLICY)
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
               "MPLBACKEND": "Agg", **env}
    if "MAZE_LOG_LEVEL" not in env:
        environ.pop("MAZE_LOG_LEVEL", None)
    return subprocess.run([*MAZE_RUN, *args], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=180)


def _table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"^\s+1\|rollout_stats\s", line)]


@pytest.mark.parametrize("runner", [["runner=sequential"], ["runner=parallel", "runner.n_processes=2"]],
                         ids=["sequential", "parallel"])
def test_the_run_log_holds_what_the_console_showed(runner: list[str], tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    proc = _maze_run([*ROLLOUT, *runner, "runner.n_episodes=2", "policy._target_=warning_policy.WarningPolicy",
                      f"hydra.run.dir={run_dir}"], tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = (run_dir / "cli.log").read_text()

    # the console looks as it always did: bare messages, the docs' table format, results on stdout
    assert TABLE_ROW.search(proc.stdout), proc.stdout
    assert not re.search(r"^\[\d{4}-", proc.stdout, re.M)  # no timestamps/levels on the console
    table = _table_lines(proc.stdout)
    assert len(table) >= 10 and all(line in log for line in table)  # every row, verbatim, in the log file
    episodes = re.findall(r"^episode \d/2.*$", proc.stdout, re.M)
    assert len(episodes) == 2 and all(line in log for line in episodes)
    # the output directory at the start and at the end, on the console and in the log
    line = f"Output directory: {run_dir}"
    assert proc.stdout.count(line) == 2 and log.count(line) == 2
    assert proc.stdout.index(line) < proc.stdout.index(table[0]) < proc.stdout.rindex(line)
    # the warning (issued in a worker process for runner=parallel) on stderr and in the log, with its level
    assert "UserWarning: WarningPolicy: this policy acts at random" in proc.stderr
    assert re.search(r"\]\[py\.warnings\]\[WARNING\] - .*UserWarning: WarningPolicy: this policy acts at random", log)
    assert re.search(r"\]\[maze\.core\.log_stats\.log_stats_writer_console\]\[INFO\] - ", log)
    if "runner=parallel" in runner:
        assert "[maze] 2/2 episodes finished" in log


def test_log_levels_reduce_and_increase_the_output(tmp_path: Path) -> None:
    quiet_dir, verbose_dir = tmp_path / "quiet", tmp_path / "verbose"
    quiet = _maze_run([*ROLLOUT, "runner.n_episodes=1", "policy._target_=warning_policy.WarningPolicy",
                       f"hydra.run.dir={quiet_dir}"], tmp_path, MAZE_LOG_LEVEL="warning")
    assert quiet.returncode == 0, quiet.stderr[-3000:]
    quiet_log = (quiet_dir / "cli.log").read_text()
    assert quiet.stdout == "" and not TABLE_ROW.search(quiet_log) and "Output directory" not in quiet_log
    assert "WarningPolicy: this policy acts at random" in quiet_log and "WarningPolicy" in quiet.stderr

    verbose = _maze_run([*ROLLOUT, "runner.n_episodes=1", "hydra.verbose=true", f"hydra.run.dir={verbose_dir}"],
                        tmp_path)
    assert verbose.returncode == 0, verbose.stderr[-3000:]
    verbose_log = (verbose_dir / "cli.log").read_text()
    assert "[maze.core.cli][DEBUG] - runner: maze.core.rollout.sequential_rollout_runner.SequentialRolloutRunner" in \
        verbose_log
    assert TABLE_ROW.search(verbose_log) and len(verbose_log) > len(quiet_log)

    bad = _maze_run([*ROLLOUT, f"hydra.run.dir={tmp_path / 'bad'}"], tmp_path, MAZE_LOG_LEVEL="LOUD")
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "maze-run: error: MAZE_LOG_LEVEL='LOUD' is invalid: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
    assert not (tmp_path / "bad").exists()


def test_plain_python_shows_the_console_once_with_or_without_logging_config(tmp_path: Path) -> None:
    script = textwrap.dedent('''
        import logging, sys
        if sys.argv[1] == "basicConfig":
            logging.basicConfig(level=logging.INFO, format="%(levelname)s:%(message)s")
        from maze.core.rollout.sequential_rollout_runner import SequentialRolloutRunner
        from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
        runner = SequentialRolloutRunner(n_episodes=1)
        runner.output_dir = sys.argv[2]
        runner.run_with(env=GymMazeEnv("CartPole-v1"), policy={"_target_": "maze.core.agent.random_policy.RandomPolicy"})
        logging.getLogger("maze.test").warning("a warning")
    ''')
    plain = subprocess.run([sys.executable, "-c", script, "none", str(tmp_path / "a")], capture_output=True,
                           text=True, timeout=120, env={**os.environ, "MPLBACKEND": "Agg"})
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert len(re.findall(r"^episode 1/1", plain.stdout, re.M)) == 1 and TABLE_ROW.search(plain.stdout)
    assert plain.stderr.strip().splitlines()[-1] == "a warning"  # Maze's console: warnings on stderr, bare

    configured = subprocess.run([sys.executable, "-c", script, "basicConfig", str(tmp_path / "b")],
                                capture_output=True, text=True, timeout=120, env={**os.environ, "MPLBACKEND": "Agg"})
    assert configured.returncode == 0, configured.stderr[-3000:]
    assert configured.stdout == ""  # the application's handler (stderr) shows everything, nothing twice
    assert len(re.findall(r"^INFO:episode 1/1", configured.stderr, re.M)) == 1
    assert configured.stderr.count("WARNING:a warning") == 1


def test_console_writer_logs_its_table_or_writes_an_explicit_stream(caplog: pytest.LogCaptureFixture) -> None:
    from maze.core.env.base_env_events import BaseEnvEvents
    from maze.core.log_stats.log_stats import LogStatsKey
    from maze.core.log_stats.log_stats_writer_console import LogStatsWriterConsole

    stats = {LogStatsKey(BaseEnvEvents.reward, "mean", None): 2.5e-4}
    with caplog.at_level(logging.INFO, logger="maze.core.log_stats.log_stats_writer_console"):
        LogStatsWriterConsole().write("train", 3, stats)
    (record,) = caplog.records
    assert record.levelno == logging.INFO and re.search(r"^\s+3\|train\s+BaseEnvEvents\s+reward\s+mean\s+\|\s+0\.00025$",
                                                        record.getMessage(), re.M)
    caplog.clear()
    stream = io.StringIO()
    LogStatsWriterConsole(stream=stream).write("train", 3, stats)
    assert stream.getvalue() == LogStatsWriterConsole().format_table("train", 3, stats) + "\n" and not caplog.records


def test_console_handler_splits_streams_and_clears_progress_bars() -> None:
    out, err = io.StringIO(), io.StringIO()
    logger = logging.getLogger("maze.test_console_handler")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = ConsoleHandler(stream=out, error_stream=err)
    logger.addHandler(handler)
    try:
        logger.info("a table row")
        logger.warning("a warning")
        assert out.getvalue() == "a table row\n" and err.getvalue() == "a warning\n"
        bar = Progress(total=10, unit="epoch", bar=True, file=out)
        bar.update_to(3)
        before = len(out.getvalue())
        logger.info("while a bar is drawn")
        written = out.getvalue()[before:]
        # the bar is cleared (carriage return) before the message and drawn again after it
        assert written.startswith("\r") and "\rwhile a bar is drawn\n" in written and "epoch 3/10" in written
        bar.close()
    finally:
        logger.removeHandler(handler)


def test_forced_bar_shows_rate_eta_and_score() -> None:
    stream = io.StringIO()  # not a terminal: bar=True forces the tqdm bar
    progress = Progress(total=4, unit="epoch", bar=True, file=stream, rate_unit="env steps")
    assert progress.is_bar
    for epoch in range(1, 4):
        progress.update_to(epoch, count=epoch * 1000, eval=180.0 + epoch)
    progress.close()
    final = stream.getvalue().rsplit("\r", 1)[-1]
    assert re.search(r"epoch 3/4 \| [\d,]+ env steps/s \| eval 183\s+75%\|.*\| \[\d\d:\d\d<\d\d:\d\d\]", final), final


def test_non_interactive_progress_logs_one_line_per_step(caplog: pytest.LogCaptureFixture) -> None:
    stream = io.StringIO()  # no terminal: log lines instead of a bar
    with caplog.at_level(logging.INFO, logger="maze.core.utils.progress"):
        progress = Progress(total=10, unit="epoch", file=stream, rate_unit="env steps", log_every_percent=20)
        assert not progress.is_bar
        for epoch in range(1, 11):
            progress.update_to(epoch - 0.5, count=epoch * 500 - 250)
            progress.update_to(epoch, count=epoch * 500, eval=float(epoch))
        progress.close()
    lines = [r.getMessage() for r in caplog.records]
    assert stream.getvalue() == ""
    assert len(lines) == 5  # at 20, 40, 60, 80 % and the last line
    assert re.fullmatch(r"epoch 2/10 \| [\d,.]+ env steps/s \| eval 2 \| ETA \d:\d\d:\d\d", lines[0]), lines
    assert re.fullmatch(r"epoch 10/10 \| [\d,.]+ env steps/s \| eval 10 \| done in \d:\d\d:\d\d", lines[-1]), lines

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="maze.core.utils.progress"):
        with Progress(total=None, unit="episode", file=stream, log_interval_s=1e-9) as episodes:
            episodes.update()
    assert [r.getMessage().split(" | ")[0] for r in caplog.records] == ["episode 1", "episode 1"]
    assert "ETA" not in caplog.records[0].getMessage()  # no total: no ETA


def test_progress_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"total=-1 is invalid: expected a number >= 0 or None"):
        Progress(total=-1)
    with pytest.raises(ValueError, match=r"log_every_percent=0 is invalid"):
        Progress(total=3, log_every_percent=0)


def test_rollout_tensorboard_action_statistics_are_histograms_and_observations_images(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")  # the ObservationVisualizationWrapper draws with matplotlib
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run_dir = tmp_path / "run"
    proc = _maze_run([*ROLLOUT, "runner.n_episodes=2", "+wrappers.ObservationVisualizationWrapper={}",
                      f"hydra.run.dir={run_dir}"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    acc = EventAccumulator(str(run_dir), size_guidance={"images": 0, "histograms": 0})
    acc.Reload()
    tags = acc.Tags()
    action = "rollout_stats_DiscreteActionEvents/action/substep_0/action"
    assert tags["histograms"] == [action]  # as in training: a histogram of the actions taken
    (hist,) = acc.Histograms(action)
    steps = sum(int(s) for s in re.findall(r"steps=(\d+)", proc.stdout))
    assert hist.step == 1 and hist.histogram_value.num == steps and hist.histogram_value.max <= 1
    assert tags["images"] == ["observation_visualization/step_key_0/observation"]  # no action bar charts
    (image,) = acc.Images("observation_visualization/step_key_0/observation")
    assert image.step == 1 and image.encoded_image_string.startswith(b"\x89PNG")
    assert (image.width, image.height) == (600, 400)  # the wrapper's 6x4 inch figure


def test_without_tqdm_a_bar_becomes_log_lines(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # "not installed"
    stream = io.StringIO()
    with caplog.at_level(logging.INFO, logger="maze.core.utils.progress"):
        progress = Progress(total=2, unit="episode", bar=True, file=stream, log_every_percent=50)
        assert not progress.is_bar
        progress.update()
        progress.update()
        progress.close()
    assert stream.getvalue() == "" and [r.getMessage().split(" | ")[0] for r in caplog.records] == ["episode 1/2",
                                                                                                     "episode 2/2"]


def test_sweeps_log_their_progress_per_run(tmp_path: Path) -> None:
    """``maze-run -m``: the sweep's size, every run's start (with its overrides) and end with position and ETA, and a
    summary; single runs show none of it."""
    result = _maze_run(["-m", "env.name=CartPole-v1", "runner.n_episodes=1", "seeding.env_base_seed=1,2",
                        "seeding.agent_base_seed=3,4,5"], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert re.search(r"sweep of 6 runs \(BasicSweeper\) into outputs/multirun/", out)
    for k in range(1, 7):
        assert re.search(rf"sweep run {k}/6 started: env\.name=CartPole-v1 .*seeding\.env_base_seed=\d", out)
        assert re.search(rf"sweep run {k}/6 finished in \d+:\d\d:\d\d \| sweep run {k}/6 \| .* ETA \d+:\d\d:\d\d", out)
    assert "sweep run 1/6 started: env.name=CartPole-v1 runner.n_episodes=1 seeding.env_base_seed=1 " \
           "seeding.agent_base_seed=3" in out
    assert re.search(r"sweep finished: 6 runs \(6 completed, 0 failed\) in \d+:\d\d:\d\d", out)
    single = _maze_run(["env.name=CartPole-v1", "runner.n_episodes=1"], tmp_path)
    assert single.returncode == 0
    assert not re.search(r"sweep (of|run|finished)", single.stdout + single.stderr)


def test_sweep_size_is_the_product_of_the_sweep_overrides() -> None:
    from maze.core.utils.sweep_progress import count_sweep_runs

    assert count_sweep_runs(["a=1,2,3", "b=x,y", "c=5"]) == 6
    assert count_sweep_runs(["a=range(0,4)"], {"b": "choice(1,2)"}) == 8
    assert count_sweep_runs(["a=1,2"], {"a": "7,8,9"}) == 2  # the command line wins over hydra.sweeper.params
    assert count_sweep_runs([]) == 1
    with pytest.raises(ValueError, match=r"cannot parse the sweep override 'a=\(1'"):
        count_sweep_runs(["a=(1"])
