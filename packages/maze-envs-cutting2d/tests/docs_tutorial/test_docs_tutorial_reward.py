"""Reference docs, step-by-step tutorial part 5: the reward comes from a reward aggregator reading the step's events."""

from __future__ import annotations

from tutorial_maze_env.part03_maze_env.env.maze_env import Cutting2DEnvironment
from tutorial_maze_env.part03_maze_env.space_interfaces.dict_action_conversion import ActionConversion
from tutorial_maze_env.part03_maze_env.space_interfaces.dict_observation_conversion import ObservationConversion
from tutorial_maze_env.part05_reward import main as part05_main
from tutorial_maze_env.part05_reward.env.core_env import Cutting2DCoreEnvironment
from tutorial_maze_env.part05_reward.env.events import CuttingEvents, InventoryEvents
from tutorial_maze_env.part05_reward.env.maze_env import maze_env_factory
from tutorial_maze_env.part05_reward.reward.default_reward import DefaultRewardAggregator

CUT = {"piece_idx": 0, "cut_rotation": 0, "cut_order": 0}


def _env(aggregator: DefaultRewardAggregator, max_pieces: int = 10) -> Cutting2DEnvironment:
    core_env = Cutting2DCoreEnvironment(max_pieces, [100, 100], (30, 15), reward_aggregator=aggregator)
    return Cutting2DEnvironment(core_env, ActionConversion(max_pieces), ObservationConversion([100, 100], max_pieces))


def test_part05_script_rewards_are_the_default_penalties(capsys):
    part05_main.main()
    rewards = [float(line.split(" | ")[0].split()[1]) for line in capsys.readouterr().out.splitlines()]
    assert len(rewards) == 15
    # -1 per raw piece, -2 per invalid action: a step has at most one of each
    assert set(rewards) <= {0.0, -1.0, -2.0, -3.0}


def test_part05_factory_uses_the_default_reward_aggregator():
    env = maze_env_factory(max_pieces_in_inventory=10, raw_piece_size=[100, 100], static_demand=(30, 15))
    aggregator = env.core_env.reward_aggregator
    assert isinstance(aggregator, DefaultRewardAggregator)
    assert (aggregator.invalid_action_penalty, aggregator.raw_piece_usage_penalty) == (-2, -1)
    assert aggregator.get_interfaces() == [CuttingEvents, InventoryEvents]


def test_part05_reward_is_the_aggregators_summary_of_the_step_events():
    env = _env(DefaultRewardAggregator(invalid_action_penalty=-5.0, raw_piece_usage_penalty=-0.5))
    env.reset()  # the raw piece of the reset is not an event of the first step
    _, reward, *_ = env.step(CUT)  # the raw piece is cut: one replenishment
    assert reward == -0.5
    assert [e.interface_method for e in env.core_env.reward_aggregator.query_events(InventoryEvents)] == [
        InventoryEvents.piece_replenished, InventoryEvents.pieces_in_inventory]
    _, reward, *_ = env.step(CUT)  # a residual: nothing to pay
    assert reward == 0
    _, reward, *_ = env.step({"piece_idx": 9, "cut_rotation": 0, "cut_order": 0})  # an empty slot
    assert reward == -5.0
    # piece 0 is (30, 85) now: the rotated order (15, 30) fits, a valid cut of a residual
    _, reward, *_ = env.step({"piece_idx": 0, "cut_rotation": 1, "cut_order": 0})
    assert reward == 0


def test_part05_a_different_aggregator_changes_the_reward_not_the_env():
    rewards = []
    for penalty in (-1.0, -10.0):
        env = _env(DefaultRewardAggregator(invalid_action_penalty=-2.0, raw_piece_usage_penalty=penalty))
        env.reset()
        rewards.append([env.step(CUT)[1] for _ in range(4)])
    assert rewards == [[-1.0, 0, 0, -1.0], [-10.0, 0, 0, -10.0]]
