"""Reference docs, step-by-step tutorial part 4 (events and KPIs) and the "Event and KPI Logging" page's plain Python
example (the same script: the tutorial env of part 4 in a ``LogStatsWrapper`` inside a ``SimpleStatsLoggingSetup``)."""

from __future__ import annotations

import pytest
from tutorial_maze_env.part04_events import main as part04_main
from tutorial_maze_env.part04_events.env.events import CuttingEvents, InventoryEvents
from tutorial_maze_env.part04_events.env.kpi_calculator import Cutting2dKpiCalculator
from tutorial_maze_env.part04_events.env.maze_env import maze_env_factory

from maze.core.log_stats.log_stats import LogStatsLevel
from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper

CUT_FIRST_PIECE = {"piece_idx": 0, "cut_rotation": 0, "cut_order": 0}


def _stats(env: LogStatsWrapper, level: LogStatsLevel) -> dict:
    return {(key.event.__name__, key.output_name, key.group): value for key, value in env.get_stats(level).last_stats.items()}


def test_event_and_kpi_logging_example_prints_event_and_kpi_statistics(capsys):
    """The docs' script: event sections and the KPI are printed with the reward statistics."""
    from maze.utils.global_state import clear_global_state

    clear_global_state()  # the script logs through the global statistics state: start at log step 1 like a fresh script
    part04_main.main()
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.strip().startswith("1|main")]
    sections = {tuple(row.split("|")[1].split()[1:3]) for row in rows}
    for section in [("InventoryEvents", "piece_replenished"), ("InventoryEvents", "pieces_in_inventory"),
                    ("BaseEnvEvents", "reward"), ("BaseEnvEvents", "kpi")]:
        assert section in sections, out
    assert any("raw_piece_usage_per_step" in row for row in rows)
    assert any("total_step_count" in row and row.rstrip().endswith("15.000") for row in rows), out


def test_events_are_aggregated_to_episode_statistics_and_the_kpi():
    env = LogStatsWrapper.wrap(maze_env_factory(max_pieces_in_inventory=200, raw_piece_size=[100, 100],
                                                static_demand=(30, 15)))
    assert isinstance(env.get_kpi_calculator(), Cutting2dKpiCalculator)
    env.reset()
    # cut the first piece four times (the raw piece in steps 1 and 4), then select an empty slot
    rewards = [env.step(CUT_FIRST_PIECE)[1] for _ in range(4)]
    rewards.append(env.step({"piece_idx": 50, "cut_rotation": 0, "cut_order": 0})[1])
    assert rewards == [-1, 0, 0, -1, 0]
    # the events of the last step: the invalid selection and the inventory size
    assert [(e.interface_method, e.attributes) for e in env.get_step_events()] == [
        (CuttingEvents.invalid_piece_selected, {}), (InventoryEvents.pieces_in_inventory, {"value": 6})]
    env.reset()  # ends the episode

    stats = _stats(env, LogStatsLevel.EPISODE)
    assert stats[("valid_cut", None, None)] == 4
    assert stats[("invalid_piece_selected", None, None)] == 1
    # the raw piece of the reset plus the two replenished after cutting a raw piece
    assert stats[("piece_replenished", None, None)] == 3
    # pieces in inventory after each step: 3, 4, 4, 6, 6
    assert stats[("pieces_in_inventory", "step_max", None)] == 6
    assert stats[("pieces_in_inventory", "step_mean", None)] == pytest.approx(4.6)
    assert stats[("kpi", None, ("raw_piece_usage_per_step",))] == pytest.approx(3 / 5)
    assert stats[("reward", "sum", None)] == -2

    # epoch statistics: the decorators' mean_episode_total over the episodes of the epoch
    for _ in range(2):
        env.step(CUT_FIRST_PIECE)
    env.reset()
    env.write_epoch_stats()
    assert env.get_stats_value(CuttingEvents.valid_cut, LogStatsLevel.EPOCH, name="mean_episode_total") == (4 + 2) / 2
    assert env.get_stats_value(InventoryEvents.pieces_in_inventory, LogStatsLevel.EPOCH, name="step_max") == 6


def test_inventory_fires_discard_events_when_full():
    env = LogStatsWrapper.wrap(maze_env_factory(max_pieces_in_inventory=3, raw_piece_size=[100, 100],
                                                static_demand=(30, 15)))
    env.reset()
    env.step(CUT_FIRST_PIECE)  # 3 pieces: full
    # the cut piece leaves a free slot for the first residual; the second one drops the oldest piece
    env.step(CUT_FIRST_PIECE)
    env.reset()
    assert _stats(env, LogStatsLevel.EPISODE)[("piece_discarded", None, None)] == 1
