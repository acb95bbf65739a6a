"""Statistics: decorators, step → episode → epoch aggregation computed by hand, writers, LogStatsWrapper."""

from __future__ import annotations

import io
import os
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest
from shop_test_env import ShopEvents, ShopMazeEnv, clean_log_state, run_episodes  # noqa: F401
from structured_dummy_env import GridMazeEnv

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.log_stats.event_decorators import (
    define_episode_stats,
    define_epoch_stats,
    define_stats_grouping,
    define_step_stats,
)
from maze.core.log_stats.log_stats import (
    GlobalLogState,
    LogStatsAggregator,
    LogStatsKey,
    LogStatsLevel,
    LogStatsWriter,
    flatten_stats,
    get_stats_logger,
    increment_log_step,
    register_log_stats_writer,
)
from maze.core.log_stats.log_stats_utils import SimpleStatsLoggingSetup
from maze.core.log_stats.log_stats_writer_console import LogStatsWriterConsole
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper

pytestmark = pytest.mark.usefixtures("clean_log_state")
EPISODE, EPOCH, STEP = LogStatsLevel.EPISODE, LogStatsLevel.EPOCH, LogStatsLevel.STEP


class RecordingWriter(LogStatsWriter):
    """Keeps everything written (a real writer, used to observe the global logging flow)."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def write(self, path, step, stats):
        self.calls.append((path, step, dict(stats)))


def test_episode_stats_computed_by_hand():
    env = LogStatsWrapper.wrap(ShopMazeEnv())
    run_episodes(env, 1)
    v = lambda event, name: env.get_stats_value(event, EPISODE, name)  # noqa: E731
    # sale grouped by (shop, product): step sums of "amount" (revenue) and counts, summed per episode
    assert v(ShopEvents.sale, "revenue") == {("a", "x"): 2.0, ("b", "x"): 3.0, ("a", "y"): 5.0}
    assert v(ShopEvents.sale, "count") == {("a", "x"): 1, ("b", "x"): 1, ("a", "y"): 1}
    # side-loaded stock values 10, 7, 4
    assert v(ShopEvents.stock, "step_mean") == pytest.approx(7.0)
    assert v(ShopEvents.stock, "step_max") == 10
    # two discarded events in one step
    assert v(ShopEvents.discarded, None) == 2
    # rewards per step: 2, 0, 1
    assert v(BaseEnvEvents.reward, "sum") == 3.0 and v(BaseEnvEvents.reward, "count") == 3
    # KPIs from the core env's calculator: revenue 10 over 3 steps; last state t=3
    assert v(BaseEnvEvents.kpi, None) == {("revenue_per_step",): pytest.approx(10 / 3), ("last_t",): 3.0}
    # step statistics of the last step: one sale of 5.0, stock 4
    assert env.get_stats_value(ShopEvents.sale, STEP, "revenue") == {("a", "y"): 5.0}
    assert env.get_stats_value(ShopEvents.stock, STEP) == 4
    assert env.get_stats_value(BaseEnvEvents.reward, STEP) == 1.0


def test_epoch_stats_computed_by_hand_and_cumulative_over_epochs():
    env = LogStatsWrapper.wrap(ShopMazeEnv())
    run_episodes(env, 2)
    env.write_epoch_stats()
    v = lambda event, name: env.get_stats_value(event, EPOCH, name)  # noqa: E731
    assert v(ShopEvents.sale, "mean_revenue") == {("a", "x"): 1.5, ("b", "x"): 3.0, ("a", "y"): 5.0}
    # group_by="product" merges the shops: x = 2 + 3 + 1, y = 5
    assert v(ShopEvents.sale, "product_revenue") == {(None, "x"): 6.0, (None, "y"): 5.0}
    assert v(ShopEvents.stock, "step_mean") == pytest.approx((7.0 + 4.0) / 2)
    assert v(ShopEvents.stock, "step_max") == 10
    assert v(ShopEvents.discarded, "mean_episode_total") == pytest.approx(1.5)
    # episode returns 3 and 1, lengths 3 and 2
    expected = {"mean": 2.0, "std": 1.0, "min": 1.0, "max": 3.0, "episode_count": 2, "total_episode_count": 2,
                "total_step_count": 5, "mean_step_count": 2.5, "median_step_count": 2.5}
    for name, value in expected.items():
        assert v(BaseEnvEvents.reward, name) == pytest.approx(value), name
    kpi_means = v(BaseEnvEvents.kpi, "mean")
    assert kpi_means[("revenue_per_step",)] == pytest.approx((10 / 3 + 1 / 2) / 2)
    assert v(BaseEnvEvents.kpi, "max")[("revenue_per_step",)] == pytest.approx(10 / 3)
    assert v(BaseEnvEvents.kpi, "min")[("last_t",)] == 2.0
    # second epoch: per-epoch counts restart, cumulative totals continue
    run_episodes(env, 2)
    env.write_epoch_stats()
    assert v(BaseEnvEvents.reward, "episode_count") == 2
    assert v(BaseEnvEvents.reward, "total_episode_count") == 4
    assert v(BaseEnvEvents.reward, "total_step_count") == 10


def test_query_errors_name_the_event_and_the_options():
    env = LogStatsWrapper.wrap(ShopMazeEnv())
    with pytest.raises(ValueError, match="no episode statistics yet"):
        env.get_stats_value(BaseEnvEvents.reward, EPISODE, "sum")
    run_episodes(env, 1)
    with pytest.raises(KeyError, match=r"ShopEvents.undecorated.*events with statistics"):
        env.get_stats_value(ShopEvents.undecorated, EPISODE)
    with pytest.raises(KeyError, match=r"no statistic named 'median'.*'count', 'sum'"):
        env.get_stats_value(BaseEnvEvents.reward, EPISODE, "median")
    with pytest.raises(KeyError, match="no statistics for event 'Nope.event'"):
        env.get_stats_value("Nope.event", EPISODE)
    assert env.get_stats_value("BaseEnvEvents.reward", EPISODE, "sum") == 3.0


def test_decorator_bad_input_is_reported():
    with pytest.raises(TypeError, match=r"define_step_stats.*reduce_function must be callable.*'sum'"):
        define_step_stats("sum")
    with pytest.raises(TypeError, match=r"define_epoch_stats.*must decorate an event method.*42"):
        define_epoch_stats(np.mean)(42)
    with pytest.raises(ValueError, match=r"input_name 'amount' is not an attribute of event .*bad.*\['value'\]"):
        @define_step_stats(sum, input_name="amount")
        def bad(self, value): ...
    with pytest.raises(ValueError, match=r"\['shop'\] not attributes"):
        @define_stats_grouping("shop")
        def bad2(self, value): ...
    with pytest.raises(TypeError, match="output_name must be a string"):
        define_episode_stats(sum, output_name=3)


class TwiceEvents:
    @define_episode_stats(sum)
    @define_step_stats(None)
    def level(self, value: float) -> None:
        """Side-loaded: at most once per step."""


def test_side_loaded_event_fired_twice_in_a_step_is_an_error():
    agg = LogStatsAggregator(EPISODE)
    topic = LogStatsAggregator(STEP)
    events = topic.create_event_topic(TwiceEvents)
    events.level(1.0)
    events.level(2.0)
    with pytest.raises(ValueError, match=r"TwiceEvents.level.*at most once per step, got 2"):
        topic.reduce()
    # one value per step is fine; step stats flow into the episode aggregator
    topic.register_consumer(agg)
    events.level(1.5)
    topic.reduce()
    events.level(2.5)
    topic.reduce()
    assert agg.reduce() == {LogStatsKey(TwiceEvents.level, None, None): 4.0}


class PairEvents:
    @define_episode_stats(sum)
    @define_step_stats(sum)
    def pair(self, a: int, b: int) -> None:
        """Two attributes and no input_name: the step reducer receives attribute dicts."""


def test_failing_reducer_names_the_statistic_and_event():
    agg = LogStatsAggregator(STEP)
    agg.create_event_topic(PairEvents).pair(1, 2)
    with pytest.raises(ValueError, match=r"reduce function sum of the step statistic None of event PairEvents.pair "
                                         r"failed on 1 values \(first: \{'a': 1, 'b': 2\}\): TypeError"):
        agg.reduce()


class TrainerEvents:
    @define_epoch_stats(np.mean, output_name="mean")
    @define_epoch_stats(max, output_name="max")
    @define_stats_grouping("substep")
    def loss(self, substep: str, value: float) -> None:
        """A loss value reported during an epoch."""


def test_epoch_aggregator_events_and_global_log_steps():
    writer = RecordingWriter()
    register_log_stats_writer(writer)
    agg = LogStatsAggregator(EPOCH, get_stats_logger("train"))
    events = agg.create_event_topic(TrainerEvents)
    events.loss("0", 1.0)
    events.loss(substep="0", value=3.0)
    events.loss(substep="1", value=5.0)
    increment_log_step()  # epoch aggregators with pending inputs reduce themselves
    events.loss("0", 7.0)
    increment_log_step()
    increment_log_step()  # nothing pending: nothing written
    assert [(p, s) for p, s, _ in writer.calls] == [("train", 1), ("train", 2)]
    first = flatten_stats(writer.calls[0][2], "train")
    assert first == {"train_TrainerEvents/loss/max/0": 3.0, "train_TrainerEvents/loss/mean/0": 2.0,
                     "train_TrainerEvents/loss/max/1": 5.0, "train_TrainerEvents/loss/mean/1": 5.0}
    assert flatten_stats(writer.calls[1][2], "train")["train_TrainerEvents/loss/mean/0"] == 7.0
    assert GlobalLogState.global_step == 4


def test_episode_stats_pickle_and_aggregate_in_another_process_style():
    env_a, env_b = LogStatsWrapper.wrap(ShopMazeEnv()), LogStatsWrapper.wrap(ShopMazeEnv(scripts=[EPISODE_2_ONLY]))
    main = LogStatsAggregator(EPOCH)
    for env in (env_a, env_b):
        run_episodes(env, 1)
        main.receive(pickle.loads(pickle.dumps(env.get_stats(EPISODE).last_stats)))
    stats = main.reduce()
    assert stats[LogStatsKey(BaseEnvEvents.reward, "mean", None)] == pytest.approx(2.0)  # returns 3 and 1
    assert stats[LogStatsKey(BaseEnvEvents.reward, "total_step_count", None)] == 5


EPISODE_2_ONLY = [
    [("sale", dict(shop="a", product="x", amount=1.0)), ("discarded", {}), ("stock", dict(value=2))],
    [("stock", dict(value=6))],
]


def test_console_table_layout():
    stats = {
        LogStatsKey(BaseEnvEvents.reward, "mean", None): 158.0,
        LogStatsKey(BaseEnvEvents.reward, "total_episode_count", None): 50,
        LogStatsKey(BaseEnvEvents.kpi, "max", ("raw_piece_usage",)): 0.375,
        LogStatsKey(ShopEvents.discarded, None, None): [0, 1, 1, 0],
    }
    out = io.StringIO()
    LogStatsWriterConsole(stream=out).write("rollout_stats", 1, stats)
    assert out.getvalue().splitlines() == [
        " step|path                                                          |          value",
        "=====|==============================================================|===============",
        "    1|rollout_stats  BaseEnvEvents  reward     mean                 |        158.000",
        "    1|rollout_stats  BaseEnvEvents  reward     total_episode_count  |         50.000",
        "    1|rollout_stats  BaseEnvEvents  kpi        max/raw_piece_usage  |          0.375",
        "    1|rollout_stats  ShopEvents     discarded  ···················  | [len:4, μ:0.5]",
    ]


def test_simple_stats_logging_setup_prints_the_epoch_table_including_a_running_episode(capsys):
    env = LogStatsWrapper.wrap(ShopMazeEnv(), logging_prefix="main")
    with SimpleStatsLoggingSetup(env):
        run_episodes(env, 1)
        env.reset()
        env.step({"action": 0})  # the second episode is still running at exit
    out = capsys.readouterr().out
    rows = {tuple(line.split("|")[1].split()): line.split("|")[2].strip() for line in out.splitlines()[2:]}
    assert rows[("main", "BaseEnvEvents", "reward", "episode_count")] == "2.000"
    assert rows[("main", "BaseEnvEvents", "reward", "total_step_count")] == "4.000"
    assert rows[("main", "ShopEvents", "stock", "step_max")] == "10.000"
    assert GlobalLogState.global_log_stats_writers == []


def test_sub_steps_of_a_structured_env_form_one_core_step():
    env = LogStatsWrapper.wrap(GridMazeEnv(size=3, max_steps=4))
    env.reset(seed=3)
    total, done, n_calls = 0.0, False, 0
    while not done:
        key = env.actor_id().step_key
        _, r, terminated, truncated, _ = env.step({key: 1})
        total, done, n_calls = total + r, terminated or truncated, n_calls + 1
    assert n_calls == 8
    assert env.get_stats_value(BaseEnvEvents.reward, EPISODE, "count") == 4  # core steps, not sub-steps
    assert env.get_stats_value(BaseEnvEvents.reward, EPISODE, "sum") == total


def test_maze_run_prints_the_statistics_table(tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    res = subprocess.run([sys.executable, "-m", "maze.core.cli", "env=gym_env", "runner=sequential",
                          "runner.n_episodes=2", "seeding.env_base_seed=1"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    header = [i for i, line in enumerate(lines) if re.match(r"^ step\|path +\| +value$", line)]
    assert len(header) == 1
    table = lines[header[0]:]
    assert set(table[1]) <= {"=", "|"}
    returns = [float(r) for r in re.findall(r"episode \d/2: steps=\d+ return=([\d.]+)", res.stdout)]
    row = {re.sub(r"\s+", " ", line.split("|")[1].strip()): line.split("|")[2].strip() for line in table[2:12]}
    assert row["rollout_stats BaseEnvEvents reward episode_count"] == "2.000"
    assert float(row["rollout_stats BaseEnvEvents reward mean"]) == pytest.approx(np.mean(returns), abs=1e-3)
    assert row["rollout_stats DiscreteActionEvents action substep_0/action"].startswith(f"[len:{int(sum(returns))}, μ:")
    tb_files = list((tmp_path / "outputs").rglob("events.out.tfevents.*"))
    assert len(tb_files) == 1


def test_tensorboard_files_read_back(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from maze.core.log_stats.log_stats_utils import setup_stats_writers, teardown_stats_writers
    from maze.core.log_stats.log_stats_writer_tensorboard import LogStatsWriterTensorboard
    from maze.core.wrappers.monitoring_wrapper import MazeEnvMonitoringWrapper

    env = LogStatsWrapper.wrap(MazeEnvMonitoringWrapper.wrap(ShopMazeEnv(), action_logging=True), logging_prefix="eval")
    writers = setup_stats_writers(str(tmp_path), console=False, tensorboard=True, plugins=False)
    tb = next(w for w in writers if isinstance(w, LogStatsWriterTensorboard))
    tb.add_text("job_config", "env: shop")
    for action in (1, 2):  # two epochs
        run_episodes(env, 2, action=action)
        env.write_epoch_stats()
        increment_log_step()
    teardown_stats_writers(writers)

    acc = EventAccumulator(str(tmp_path), size_guidance={"images": 0, "histograms": 0, "scalars": 0, "tensors": 0})
    acc.Reload()
    tags = acc.Tags()
    mean = acc.Scalars("eval_BaseEnvEvents/reward/mean")
    assert [(e.step, e.value) for e in mean] == [(1, 2.0), (2, 2.0)]
    assert [e.value for e in acc.Scalars("eval_BaseEnvEvents/reward/total_episode_count")] == [2.0, 4.0]
    assert acc.Scalars("eval_ShopEvents/sale/mean_revenue/a/x")[0].value == pytest.approx(1.5)
    assert acc.Scalars("eval_BaseEnvEvents/kpi/max/revenue_per_step")[0].value == pytest.approx(10 / 3)
    # the action histogram: 5 actions per epoch, all 1 in epoch 1 and all 2 in epoch 2
    hist = acc.Histograms("eval_DiscreteActionEvents/action/substep_0/action")
    assert [(h.step, h.histogram_value.num, h.histogram_value.min, h.histogram_value.max) for h in hist] == [
        (1, 5.0, 1.0, 1.0), (2, 5.0, 2.0, 2.0)]
    assert tags["images"] == []  # action statistics are histograms; define_plot figures only when asked for
    text = acc.Tensors("job_config")[0].tensor_proto.string_val[0].decode()
    assert text == "env: shop"


def test_sequential_runner_stats_plugin_writers_and_event_logs(tmp_path, plugin_manager, capsys):
    from maze.core.agent.random_policy import RandomPolicy
    from maze.core.log_events.log_events_writer_tsv import read_event_log_tsv
    from maze.core.plugins import hookimpl
    from maze.core.rollout.sequential_rollout_runner import SequentialRolloutRunner
    from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv

    plugin_writer = RecordingWriter()
    seen_dirs = []

    class StatsPlugin:
        @hookimpl
        def maze_stats_writers(self, output_dir):
            seen_dirs.append(output_dir)
            return [plugin_writer]

    plugin_manager.register(StatsPlugin(), "stats-test-plugin")
    runner = SequentialRolloutRunner(n_episodes=3, record_event_logs=True)
    runner.output_dir = str(tmp_path)
    env = GymMazeEnv("CartPole-v1")
    results = runner.run_with(env, RandomPolicy(env.action_spaces_dict, seed=3))
    assert seen_dirs == [str(tmp_path)]
    (path, step, stats), = plugin_writer.calls
    flat = flatten_stats(stats, path)
    assert (path, step) == ("rollout_stats", 1)
    assert flat["rollout_stats_BaseEnvEvents/reward/mean"] == pytest.approx(np.mean([r.total_reward for r in results]))
    assert flat["rollout_stats_BaseEnvEvents/reward/total_step_count"] == sum(r.steps for r in results)
    actions = read_event_log_tsv(tmp_path / "event_logs" / "DiscreteActionEvents.action.tsv")
    assert len(actions) == sum(r.steps for r in results) and {a["value"] for a in actions} <= {"0", "1"}
    assert "rollout_stats  BaseEnvEvents         reward  episode_count" in capsys.readouterr().out
    assert GlobalLogState.global_log_stats_writers == []  # writers are unregistered after the run


def test_missing_tensorboard_gives_an_install_hint_and_is_skipped_by_default(tmp_path, monkeypatch):
    from maze.core.log_stats.log_stats_utils import setup_stats_writers, teardown_stats_writers
    from maze.core.log_stats.log_stats_writer_tensorboard import LogStatsWriterTensorboard

    monkeypatch.setitem(sys.modules, "tensorboard.summary.writer.event_file_writer", None)
    with pytest.raises(ImportError, match=r"pip install 'maze-core\[tensorboard\]'"):
        LogStatsWriterTensorboard(str(tmp_path))
    writers = setup_stats_writers(str(tmp_path), plugins=False)
    assert [type(w).__name__ for w in writers] == ["LogStatsWriterConsole"]
    teardown_stats_writers(writers)


def test_console_numbers_keep_small_values_readable():
    from maze.core.log_stats.log_stats_writer_console import format_stats_value

    assert format_stats_value(2.5e-4) == "0.00025"  # a learning rate, not "0.000"
    assert format_stats_value(-3.1e-6) == "-3.1e-06"
    assert format_stats_value(0.0) == "0.000" and format_stats_value(12.34567) == "12.346"
    assert format_stats_value(np.float32(0.5)) == "0.500" and format_stats_value(True) == "1.000"


class TimedEvents:
    """Trainer-style events (fired into an epoch aggregator) with and without units."""

    @define_epoch_stats(np.mean, unit="s")
    def time_epoch(self, value: float) -> None:
        """Wall seconds of the epoch."""

    @define_epoch_stats(np.mean, unit="steps/s")
    def steps_per_second(self, value: float) -> None:
        """A rate."""

    @define_epoch_stats(np.max, output_name="max", unit="s")
    @define_epoch_stats(np.mean, output_name="mean")  # same event, a statistic without a unit
    @define_stats_grouping("phase")
    def phase_time(self, phase: str, value: float) -> None:
        """Seconds per phase."""


def test_statistics_units_on_the_console_but_plain_numbers_in_tensorboard(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from maze.core.log_stats.event_decorators import stats_unit
    from maze.core.log_stats.log_stats_writer_tensorboard import LogStatsWriterTensorboard

    agg = LogStatsAggregator(EPOCH)
    events = agg.create_event_topic(TimedEvents)
    events.time_epoch(value=1.2344)
    events.time_epoch(value=1.2346)
    events.steps_per_second(value=2100.5)
    for phase, seconds in (("rollout", 0.5), ("rollout", 1.5), ("update", 0.25)):
        events.phase_time(phase=phase, value=seconds)
    stats = agg.reduce()
    assert stats_unit(LogStatsKey(TimedEvents.time_epoch, None, None)) == "s"
    assert stats_unit(LogStatsKey(TimedEvents.phase_time, "max", ("rollout",))) == "s"
    assert stats_unit(LogStatsKey(TimedEvents.phase_time, "mean", ("rollout",))) is None
    assert stats_unit(LogStatsKey(BaseEnvEvents.reward, "mean", None)) is None
    assert stats_unit(LogStatsKey(TimedEvents.time_epoch, None, None), level=EPISODE) is None  # an epoch statistic

    out = io.StringIO()
    LogStatsWriterConsole(stream=out).write("train", 3, stats)
    lines = out.getvalue().splitlines()
    rows = {tuple(c for c in line.split("|")[1].split() if "·" not in c): line.split("|")[2] for line in lines[2:]}
    assert rows[("train", "TimedEvents", "time_epoch")].strip() == "1.234 s"
    assert rows[("train", "TimedEvents", "steps_per_second")].strip() == "2100.500 steps/s"
    assert rows[("train", "TimedEvents", "phase_time", "max/rollout")].strip() == "1.500 s"
    assert rows[("train", "TimedEvents", "phase_time", "mean/rollout")].strip() == "1.000"
    assert len({len(line) for line in lines}) == 1  # the value column stays right-aligned
    assert not any(line.endswith(" ") for line in lines)  # units sit at the right edge, not padded after it

    writer = LogStatsWriterTensorboard(str(tmp_path))
    writer.write("train", 3, stats)
    writer.close()
    acc = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0})
    acc.Reload()
    assert sorted(acc.Tags()["scalars"]) == [
        "train_TimedEvents/phase_time/max/rollout", "train_TimedEvents/phase_time/max/update",
        "train_TimedEvents/phase_time/mean/rollout", "train_TimedEvents/phase_time/mean/update",
        "train_TimedEvents/steps_per_second", "train_TimedEvents/time_epoch"]
    (scalar,) = acc.Scalars("train_TimedEvents/time_epoch")
    assert scalar.step == 3 and scalar.value == pytest.approx(1.2345)


def test_console_units_follow_every_number_of_a_value():
    from maze.core.log_stats.log_stats_writer_console import format_stats_value

    assert format_stats_value(2.5e-4, "s") == "0.00025 s"
    assert format_stats_value(np.float32(0.5), "steps/s") == "0.500 steps/s"
    assert format_stats_value([1.0, 2.0], "s") == "[len:2, μ:1.5 s]"
    assert format_stats_value({"a": 1, "b": 2.5}, "s") == "{a: 1.000 s, b: 2.500 s}"
    assert format_stats_value(3.0) == "3.000"


def test_bad_units_are_reported():
    with pytest.raises(TypeError, match=r"@define_epoch_stats: unit must be a string.*got 5"):
        define_epoch_stats(np.mean, unit=5)
    for bad in ("", " s", "s\n", "a-very-long-unit-name"):
        with pytest.raises(ValueError, match=r"@define_step_stats: unit=.* is invalid: expected a short unit such as 's'"):
            define_step_stats(sum, unit=bad)
    assert define_episode_stats(sum, unit="m/s") is not None
