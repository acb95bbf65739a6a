"""Reference docs, "Customizing / Shaping Rewards": the Cutting-2D env config with a reward aggregator, and the
custom ``RawPieceUsageRewardAggregator`` of the user's project plugged in by import path."""

from __future__ import annotations

import pytest
import yaml

pytest.importorskip("maze.envs.cutting2d", reason="the docs' reward example is for the Cutting-2D env")

from maze.core.utils.config_utils import make_env  # noqa: E402
from maze.envs.cutting2d.env.maze_env import Cutting2DEnvironment  # noqa: E402
from maze.envs.cutting2d.reward.default_reward import DefaultRewardAggregator  # noqa: E402

# the docs' env config (their maze_envs.logistics.cutting_2d modules are maze.envs.cutting2d's)
ENV_CONFIG = yaml.safe_load("""
_target_: maze.envs.cutting2d.env.maze_env.Cutting2DEnvironment
core_env:
  max_pieces_in_inventory: 1000
  raw_piece_size: [100, 100]
  demand_generator:
    _target_: mixed_periodic
    n_raw_pieces: 3
    m_demanded_pieces: 10
    rotate: True
  reward_aggregator:
    _target_: maze.envs.cutting2d.reward.default_reward.DefaultRewardAggregator
action_conversion:
  - _target_: maze.envs.cutting2d.space_interfaces.dict_action_conversion.ActionConversion
    max_pieces_in_inventory: 1000
observation_conversion:
  - _target_: maze.envs.cutting2d.space_interfaces.dict_observation_conversion.ObservationConversion
    max_pieces_in_inventory: 1000
    raw_piece_size: [100, 100]
""")

CUSTOM_REWARD = yaml.safe_load("""
_target_: my_project.custom_reward.RawPieceUsageRewardAggregator
reward_scale: 0.1
""")

NEW_RAW_PIECE = {"piece_idx": 0, "cut_rotation": 0, "cut_order": 0}  # the first piece is the raw one after reset


def _env(reward_config: dict) -> Cutting2DEnvironment:
    config = yaml.safe_load(yaml.safe_dump(ENV_CONFIG))
    config["core_env"]["reward_aggregator"] = reward_config
    return make_env(config, None, call_plugins=False)


def test_the_docs_env_config_uses_the_configured_reward_aggregator():
    env = make_env(ENV_CONFIG, None, call_plugins=False)
    assert isinstance(env, Cutting2DEnvironment)
    assert isinstance(env.core_env.reward_aggregator, DefaultRewardAggregator)
    env.reset(seed=1)
    _, reward, *_ = env.step(NEW_RAW_PIECE)
    assert reward == -1  # the default: -1 per raw piece


def test_custom_reward_aggregator_by_import_path_replaces_the_reward():
    from my_project.custom_reward import RawPieceUsageRewardAggregator

    env = _env(CUSTOM_REWARD)
    aggregator = env.core_env.reward_aggregator
    assert isinstance(aggregator, RawPieceUsageRewardAggregator) and aggregator.reward_scale == 0.1
    env.reset(seed=1)
    _, reward, *_ = env.step(NEW_RAW_PIECE)
    assert reward == pytest.approx(-0.1)
    # an invalid action costs nothing with this aggregator (the default one penalizes it)
    _, reward, *_ = env.step({"piece_idx": 999, "cut_rotation": 0, "cut_order": 0})
    assert reward == 0.0
    default_env = make_env(ENV_CONFIG, None, call_plugins=False)
    default_env.reset(seed=1)
    default_env.step(NEW_RAW_PIECE)
    assert default_env.step({"piece_idx": 999, "cut_rotation": 0, "cut_order": 0})[1] < 0
