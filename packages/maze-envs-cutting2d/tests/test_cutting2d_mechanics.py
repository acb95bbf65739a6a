"""Cutting mechanics, inventory, demand generators, events, rewards and KPIs of the Cutting-2D core env."""

from __future__ import annotations

import pytest

from maze.core.events.event_record import EventRecord
from maze.core.log_events.episode_event_log import EpisodeEventLog
from maze.core.log_events.step_event_log import StepEventLog
from maze.core.utils.factory import ConfigError
from maze.envs.cutting2d.env.core_env import Cutting2DCoreEnvironment
from maze.envs.cutting2d.env.demand_generator import (
    MixedPeriodicDemandGenerator,
    StaticDemandGenerator,
    UniformRandomDemandGenerator,
)
from maze.envs.cutting2d.env.events import CuttingEvents, InventoryEvents
from maze.envs.cutting2d.env.inventory import Inventory
from maze.envs.cutting2d.env.kpi_calculator import Cutting2dKpiCalculator
from maze.envs.cutting2d.env.maze_action import Cutting2DMazeAction as A
from maze.envs.cutting2d.env.maze_env import make_cutting2d_env
from maze.envs.cutting2d.reward.default_reward import (
    DefaultRewardAggregator,
    RawPieceUsageRewardAggregator,
    WasteRewardAggregator,
)


def _inventory(*pieces, max_pieces=10, raw=(10, 8)):
    inv = Inventory(max_pieces, raw)
    for p in pieces:
        inv.store_piece(p)
    return inv


def _array_matches(inv: Inventory) -> bool:
    n = len(inv.pieces)
    return inv.array[:n].tolist() == [list(p) for p in inv.pieces] and not inv.array[n:].any()


# ------------------------------------------------------------------ cutting mechanics
def test_cut_x_first_puts_both_residuals_back():
    inv = _inventory((10, 8))
    assert inv.cut(A(0, False, False), (3, 2))
    # x first: strip (10-3, 8) then (3, 8-2)
    assert inv.pieces == [(7, 8), (3, 6)]
    assert inv.n_raw == 0 and _array_matches(inv)


def test_cut_y_first_reverse_cutting_order():
    inv = _inventory((10, 8))
    assert inv.cut(A(0, False, True), (3, 2))
    # y first: strip (10, 8-2) then (10-3, 2)
    assert inv.pieces == [(10, 6), (7, 2)]
    assert _array_matches(inv)


def test_cut_rotated_order():
    inv = _inventory((4, 3))
    assert not inv.cut(A(0, False, False), (1, 4))  # 1x4 does not fit a 4x3 piece unrotated
    assert inv.pieces == [(4, 3)]
    assert inv.cut(A(0, True, False), (1, 4))  # rotated it is 4x1
    assert inv.pieces == [(4, 2)]  # x residual has zero width and is dropped


def test_exact_fit_leaves_no_residual_and_removes_from_the_middle():
    inv = _inventory((5, 5), (2, 3), (7, 1))
    assert inv.cut(A(1, False, False), (2, 3))
    assert inv.pieces == [(5, 5), (7, 1)] and _array_matches(inv)


@pytest.mark.parametrize("piece_id", [3, -1, 10])
def test_invalid_piece_id_changes_nothing(piece_id):
    inv = _inventory((5, 5), (2, 3), (7, 1))
    assert not inv.cut(A(piece_id, False, False), (1, 1))
    assert inv.pieces == [(5, 5), (2, 3), (7, 1)]


def test_invalid_cut_too_large_changes_nothing():
    inv = _inventory((5, 5), (2, 3))
    assert not inv.cut(A(1, False, False), (3, 2))  # 3 > 2 in x
    assert inv.pieces == [(5, 5), (2, 3)]


def test_full_inventory_discards_oldest_and_fires_event():
    env = make_cutting2d_env(max_pieces_in_inventory=3, raw_piece_size=(10, 10), static_demand=[1, 1])
    env.reset()
    core = env.core_env
    # inventory [raw]; cutting 1x1 x-first from raw gives (9,10),(1,9) + replenished raw
    env.step({"piece_idx": 0, "cut_rotation": 0, "cut_order": 0})
    assert core.inventory.pieces == [(9, 10), (1, 9), (10, 10)]
    assert not list(core.context.event_service.query_events(InventoryEvents.piece_discarded))
    # cutting 1x1 from (1,9): residuals (1,8) only -> inventory has 3 pieces, nothing discarded
    env.step({"piece_idx": 1, "cut_rotation": 0, "cut_order": 0})
    assert core.inventory.pieces == [(9, 10), (10, 10), (1, 8)]
    # cutting 1x1 from (9,10): residuals (8,10) -> [(10,10),(1,8),(8,10)], then (1,9): full -> the oldest
    # piece, the raw (10,10), is discarded; a new raw piece is replenished, discarding the oldest (1,8)
    env.step({"piece_idx": 0, "cut_rotation": 0, "cut_order": 0})
    discarded = [e.attributes["piece"] for e in core.context.event_service.query_events(InventoryEvents.piece_discarded)]
    assert discarded == [(10, 10), (1, 8)]
    replenished = list(core.context.event_service.query_events(InventoryEvents.piece_replenished))
    assert len(replenished) == 1
    assert core.inventory.pieces == [(8, 10), (1, 9), (10, 10)]
    assert core.inventory.n_raw == 1 and _array_matches(core.inventory)


# ------------------------------------------------------------------ demand generators
def test_static_demand_cycles_in_order():
    gen = StaticDemandGenerator([[1, 2], [1, 2], [1, 1], [2, 2], [1, 2], [1, 1]])
    gen.reset()
    orders = [gen.next_order() for _ in range(13)]
    assert orders == [(1, 2), (1, 2), (1, 1), (2, 2), (1, 2), (1, 1)] * 2 + [(1, 2)]
    gen.reset()
    assert gen.next_order() == (1, 2)
    single = StaticDemandGenerator([30, 15])
    assert [single.next_order() for _ in range(3)] == [(30, 15)] * 3


def test_static_demand_rejects_bad_items():
    with pytest.raises(ValueError, match="static demand item 1"):
        StaticDemandGenerator([[1, 2], [0, 3]])


def test_mixed_periodic_is_seeded_and_each_period_fills_raw_pieces_exactly():
    def orders(seed):
        gen = MixedPeriodicDemandGenerator(n_raw_pieces=3, m_demanded_pieces=10, rotate=True, raw_piece_size=(100, 80), seed=seed)
        gen.reset()
        return [gen.next_order() for _ in range(30)]

    a, b, c = orders(1), orders(1), orders(2)
    assert a == b and a != c
    for period in (a[:10], a[10:20], a[20:]):
        assert sum(x * y for x, y in period) == 3 * 100 * 80
        assert all(max(p) <= 100 and min(p) <= 80 for p in period)
    assert len(set(a)) > 3  # really random sizes


def test_uniform_random_demand_bounds():
    gen = UniformRandomDemandGenerator(max_size=(5, 3), seed=0)
    orders = [gen.next_order() for _ in range(200)]
    assert {o[0] for o in orders} == {1, 2, 3, 4, 5} and {o[1] for o in orders} == {1, 2, 3}


def test_core_env_config_errors_name_the_problem():
    with pytest.raises(ConfigError, match="exactly one of 'demand_generator'"):
        Cutting2DCoreEnvironment(10, (4, 3))
    with pytest.raises(ConfigError, match="do not fit into the raw piece"):
        Cutting2DCoreEnvironment(10, (4, 3), static_demand=[5, 1])
    with pytest.raises(ValueError, match="raw_piece_size must be a pair"):
        Cutting2DCoreEnvironment(10, (4, -3), static_demand=[1, 1])
    gen = Cutting2DCoreEnvironment(10, (4, 3), demand_generator={"_target_": "mixed_periodic", "n_raw_pieces": 1,
                                                                 "m_demanded_pieces": 4}).demand_generator
    assert isinstance(gen, MixedPeriodicDemandGenerator) and gen.raw_piece_size == (4, 3)


# ------------------------------------------------------------------ core env: events, rewards
def _events(core, method):
    return [e.attributes for e in core.context.event_service.query_events(method)]


def test_core_env_standalone_events_and_default_rewards():
    core = Cutting2DCoreEnvironment(max_pieces_in_inventory=5, raw_piece_size=(4, 3), static_demand=[[1, 2], [2, 2]],
                                    reward_aggregator={"_target_": "DefaultRewardAggregator",
                                                       "invalid_action_penalty": -2, "raw_piece_usage_penalty": -1})
    state, _ = core.reset()
    assert state.inventory == [(4, 3)] and state.current_demand == (1, 2)
    # step 1: cut 1x2 from the raw piece -> valid cut + replenishment: reward -1
    state, reward, terminated, truncated, _ = core.step(A(0, False, False))
    assert reward == -1.0 and not terminated and not truncated
    assert _events(core, CuttingEvents.valid_cut) == [{"current_demand": (1, 2), "piece_to_cut": (4, 3),
                                                       "raw_piece_size": (4, 3), "cutting_area": 2.0}]
    assert state.inventory == [(3, 3), (1, 1), (4, 3)] and state.current_demand == (2, 2)
    assert _events(core, InventoryEvents.pieces_in_inventory) == [{"value": 3}]
    # step 2 (order 2x2): invalid piece id -> -2, no replenishment
    state, reward, *_ = core.step(A(7, False, False))
    assert reward == -2.0 and len(_events(core, CuttingEvents.invalid_piece_selected)) == 1
    assert not _events(core, InventoryEvents.piece_replenished)
    # step 3 (order 1x2): 1x2 does not fit (1,1) -> invalid cut -2
    state, reward, *_ = core.step(A(1, False, False))
    assert reward == -2.0
    assert _events(core, CuttingEvents.invalid_cut) == [{"current_demand": (1, 2), "piece_to_cut": (1, 1), "raw_piece_size": (4, 3)}]
    # step 4 (order 2x2) from (3,3): valid, no raw piece used -> 0
    state, reward, *_ = core.step(A(0, False, True))
    assert reward == 0.0 and state.inventory == [(1, 1), (4, 3), (3, 1), (1, 2)]


def test_max_steps_truncates():
    core = Cutting2DCoreEnvironment(10, (4, 3), static_demand=[1, 1], max_steps=3)
    core.reset()
    flags = [core.step(A(0, False, False))[3] for _ in range(3)]
    assert flags == [False, False, True]


def test_alternative_reward_aggregators():
    raw = make_cutting2d_env(10, (4, 3), static_demand=[2, 3],
                             reward_aggregator={"_target_": "RawPieceUsageRewardAggregator", "reward_scale": 0.5})
    raw.reset()
    assert raw.step({"piece_idx": 0, "cut_rotation": 0, "cut_order": 0})[1] == -0.5  # raw piece used
    assert raw.step({"piece_idx": 9, "cut_rotation": 0, "cut_order": 0})[1] == 0.0  # invalid: not penalized
    waste = make_cutting2d_env(10, (4, 3), static_demand=[2, 3], reward_aggregator=WasteRewardAggregator(-1.0))
    waste.reset()
    # 2x3 of a 4x3 raw piece: +6/12 delivered, -1 raw piece started
    assert waste.step({"piece_idx": 0, "cut_rotation": 0, "cut_order": 0})[1] == pytest.approx(-0.5)
    # 2x3 from the residual (2,3): +0.5, no raw piece
    assert waste.step({"piece_idx": 0, "cut_rotation": 0, "cut_order": 0})[1] == pytest.approx(0.5)
    assert waste.step({"piece_idx": 5, "cut_rotation": 0, "cut_order": 0})[1] == -1.0
    assert isinstance(make_cutting2d_env(10, (4, 3), static_demand=[1, 1]).core_env.reward_aggregator, DefaultRewardAggregator)
    assert isinstance(raw.core_env.reward_aggregator, RawPieceUsageRewardAggregator)


def test_kpi_raw_piece_usage_per_step_from_episode_log():
    env = make_cutting2d_env(10, (4, 3), static_demand=[[2, 3], [2, 3], [4, 3]])
    env.reset()
    steps = []
    for action in ({"piece_idx": 0, "cut_rotation": 0, "cut_order": 0},   # raw -> replenish
                   {"piece_idx": 0, "cut_rotation": 0, "cut_order": 0},   # residual 2x3
                   {"piece_idx": 0, "cut_rotation": 0, "cut_order": 0},   # raw 4x3 -> replenish
                   {"piece_idx": 3, "cut_rotation": 0, "cut_order": 0}):  # invalid
        env.step(action)
        steps.append(StepEventLog(len(steps), list(env.get_step_events())))
    log = EpisodeEventLog("e", steps)
    kpis = Cutting2dKpiCalculator().calculate_kpis(log, env.get_maze_state())
    assert kpis == {"raw_piece_usage_per_step": 2 / 4}
    # an event log that also holds the reset's replenishment (as LogStatsWrapper builds it) counts it too
    steps[0].append(EventRecord(InventoryEvents, InventoryEvents.piece_replenished, {}))
    assert Cutting2dKpiCalculator().calculate_kpis(log, None) == {"raw_piece_usage_per_step": 3 / 4}
