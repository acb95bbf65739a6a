"""Raw event logs: episode/step logs, KPI calculator input, TSV files read back, registry and setup helper."""

from __future__ import annotations

import pytest
from shop_test_env import ShopEvents, ShopMazeEnv, clean_log_state, run_episodes  # noqa: F401

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.events import EventRecord
from maze.core.log_events.episode_event_log import EpisodeEventLog
from maze.core.log_events.kpi_calculator import KpiCalculator
from maze.core.log_events.log_events_utils import SimpleEventLoggingSetup
from maze.core.log_events.log_events_writer import LogEventsWriter
from maze.core.log_events.log_events_writer_registry import LogEventsWriterRegistry
from maze.core.log_events.log_events_writer_tsv import LogEventsWriterTSV, read_event_log_tsv
from maze.core.log_events.step_event_log import StepEventLog
from maze.core.log_stats.log_stats import LogStatsLevel
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper

pytestmark = pytest.mark.usefixtures("clean_log_state")


class KeepingWriter(LogEventsWriter):
    def __init__(self) -> None:
        self.logs: list[EpisodeEventLog] = []

    def write(self, episode_event_log: EpisodeEventLog) -> None:
        self.logs.append(episode_event_log)


def test_episode_event_logs_reach_registered_writers():
    writer = KeepingWriter()
    LogEventsWriterRegistry.register_writer(writer)
    env = LogStatsWrapper.wrap(ShopMazeEnv())
    run_episodes(env, 2)
    first, second = writer.logs
    assert first.episode_id != second.episode_id
    assert [s.env_time for s in first.step_event_logs] == [0, 1, 2]
    assert [len(list(s.query_events(ShopEvents.discarded))) for s in first.step_event_logs] == [0, 2, 0]
    assert [e.attributes["value"] for e in first.query_events(BaseEnvEvents.reward)] == [2.0, 0.0, 1.0]
    kpis = {e.attributes["name"]: e.attributes["value"] for e in first.query_events(BaseEnvEvents.kpi)}
    assert kpis == {"revenue_per_step": pytest.approx(10 / 3), "last_t": 3.0}
    assert len(list(second.iterate_event_records())) == 4 + 2 + 2  # shop events, rewards, kpis
    LogEventsWriterRegistry.unregister_writer(writer)
    run_episodes(env, 1)
    assert len(writer.logs) == 2


def test_kpi_calculator_gets_the_episode_log_and_final_state():
    seen = []

    class Spy(KpiCalculator):
        def calculate_kpis(self, episode_event_log, last_maze_state):
            seen.append((len(episode_event_log.step_event_logs), last_maze_state,
                         [e.attributes["value"] for e in episode_event_log.query_events(ShopEvents.stock)]))
            return {"n": 1.0}

    env = ShopMazeEnv()
    env.core_env.kpi_calculator = Spy()
    env = LogStatsWrapper.wrap(env)
    run_episodes(env, 2)
    assert seen == [(3, 3, [10, 7, 4]), (2, 2, [2, 6])]
    assert env.get_stats_value(BaseEnvEvents.kpi, LogStatsLevel.EPISODE) == {("n",): 1.0}


def test_tsv_rows_read_back(tmp_path):
    env = LogStatsWrapper.wrap(ShopMazeEnv())
    with SimpleEventLoggingSetup(env, log_dir=tmp_path / "event_logs"):
        run_episodes(env, 2)
        env.reset()
        env.step({"action": 0})  # running episode: written on exit
    files = sorted(p.name for p in (tmp_path / "event_logs").iterdir())
    assert files == ["BaseEnvEvents.kpi.tsv", "BaseEnvEvents.reward.tsv", "ShopEvents.discarded.tsv",
                     "ShopEvents.sale.tsv", "ShopEvents.stock.tsv", "ShopEvents.undecorated.tsv"]
    sales = read_event_log_tsv(tmp_path / "event_logs" / "ShopEvents.sale.tsv")
    assert list(sales[0]) == ["episode_id", "env_time", "shop", "product", "amount"]
    assert [(r["env_time"], r["shop"], r["product"], float(r["amount"])) for r in sales] == [
        ("0", "a", "x", 2.0), ("0", "b", "x", 3.0), ("2", "a", "y", 5.0),  # episode 1
        ("0", "a", "x", 1.0),  # episode 2
        ("0", "a", "x", 2.0), ("0", "b", "x", 3.0),  # episode 3 (one step)
    ]
    assert len({r["episode_id"] for r in sales}) == 3
    rewards = read_event_log_tsv(tmp_path / "event_logs" / "BaseEnvEvents.reward.tsv")
    assert [float(r["value"]) for r in rewards] == [2.0, 0.0, 1.0, 1.0, 0.0, 2.0]
    undecorated = read_event_log_tsv(tmp_path / "event_logs" / "ShopEvents.undecorated.tsv")
    assert [(r["env_time"], r["x"]) for r in undecorated] == [("1", "1")]
    assert LogEventsWriterRegistry.writers == []
    # a second writer on the same directory appends below the existing header
    writer = LogEventsWriterTSV(tmp_path / "event_logs")
    writer.write(EpisodeEventLog("ep-x", [StepEventLog(5, [EventRecord(ShopEvents, ShopEvents.stock, {"value": 99})])]))
    stock_lines = (tmp_path / "event_logs" / "ShopEvents.stock.tsv").read_text().splitlines()
    assert stock_lines[0] == "episode_id\tenv_time\tvalue" and stock_lines[-1] == "ep-x\t5\t99"
    assert sum(line.startswith("episode_id") for line in stock_lines) == 1


def test_tsv_cells_stay_on_one_line(tmp_path):
    import numpy as np

    writer = LogEventsWriterTSV(tmp_path)
    log = EpisodeEventLog("e", [StepEventLog(0, [EventRecord(ShopEvents, ShopEvents.sale,
                                                             {"shop": "a\tb", "product": "p\nq", "amount": np.float32(1.5)})])])
    writer.write(log)
    rows = read_event_log_tsv(tmp_path / "ShopEvents.sale.tsv")
    assert rows == [{"episode_id": "e", "env_time": "0", "shop": "a b", "product": "p q", "amount": "1.5"}]


def test_registry_rejects_non_writers():
    with pytest.raises(TypeError, match="expected a maze.core.log_events.log_events_writer.LogEventsWriter"):
        LogEventsWriterRegistry.register_writer(object())
