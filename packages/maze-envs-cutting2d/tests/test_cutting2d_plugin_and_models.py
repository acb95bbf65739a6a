"""Plugin registration of maze-envs-cutting2d, torch-free imports, and the task-specific torch models."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from maze.core.plugins import get_plugin_manager
from maze.envs.cutting2d.env.struct_env_masked import masked_struct_env_factory

CONF = Path(__file__).resolve().parents[1] / "src" / "maze" / "envs" / "cutting2d" / "conf"
SIMPLE = {"max_pieces_in_inventory": 50, "raw_piece_size": (4, 3),
          "static_demand": [[1, 2], [1, 2], [1, 1], [2, 2], [1, 2], [1, 1]], "max_steps": 180}


def test_entry_point_and_registered_components():
    (ep,) = [e for e in entry_points(group="maze") if e.name == "cutting2d"]
    assert ep.value == "maze.envs.cutting2d.plugin"
    module = ep.load()
    assert module.maze_config_search_path() == ["pkg://maze.envs.cutting2d.conf"]
    pm = get_plugin_manager()
    from maze.envs.cutting2d.env.demand_generator import MixedPeriodicDemandGenerator
    from maze.envs.cutting2d.policies.greedy_policy import Cutting2DGreedyPolicy
    from maze.envs.cutting2d.reward.default_reward import RawPieceUsageRewardAggregator

    assert pm.resolve("cutting2d_greedy_policy", "policy") is Cutting2DGreedyPolicy
    assert pm.resolve("mixed_periodic", "cutting2d_demand_generator") is MixedPeriodicDemandGenerator
    assert pm.resolve("RawPieceUsageRewardAggregator", "cutting2d_reward") is RawPieceUsageRewardAggregator
    assert "pkg://maze.envs.cutting2d.conf" in pm.config_search_path()


def test_envs_and_greedy_policy_do_not_import_torch():
    code = ("import sys\n"
            "import maze.envs.cutting2d.plugin, maze.envs.cutting2d.env.struct_env_masked, "
            "maze.envs.cutting2d.policies.greedy_policy, maze.envs.cutting2d.optimum\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def _model_config(name: str) -> dict:
    cfg = OmegaConf.load(CONF / "model" / f"{name}.yaml")
    while "defaults" in cfg:  # this package's model configs inherit through their defaults list
        base = OmegaConf.load(CONF / "model" / f"{cfg.defaults[0]}.yaml")
        cfg = OmegaConf.merge(base, {k: v for k, v in cfg.items() if k != "defaults"})
    return OmegaConf.to_container(cfg)


def test_masked_struct_models_build_and_mask_logits():
    torch = pytest.importorskip("torch")
    pytest.importorskip("maze.perception.models.custom_model_composer")
    from maze.perception.models.custom_model_composer import CustomModelComposer

    env = masked_struct_env_factory(**SIMPLE)
    cfg = _model_config("tutorial_cutting_2d_struct_masked")
    composer = CustomModelComposer(env.action_spaces_dict, env.observation_spaces_dict, env.agent_counts_dict,
                                   cfg["distribution_mapper_config"], cfg["policy"], cfg["critic"])
    obs, _ = env.reset(seed=0)
    batch = {k: torch.as_tensor(v)[None] for k, v in obs.items()}
    logits = composer.policy.networks[0](batch)["piece_idx"]
    assert logits.shape == (1, 50)
    assert logits[0, 0] > -1e30 and bool((logits[0, 1:] < -1e30).all())  # only the raw piece is allowed
    assert composer.critic.networks[0](batch)["value"].shape == (1, 1)
    obs, *_ = env.step({"piece_idx": 0})
    batch = {k: torch.as_tensor(v)[None] for k, v in obs.items()}
    out = composer.policy.networks[1](batch)
    assert out["cut_rotation"].shape == (1, 2) and out["cut_order"].shape == (1, 2)
    assert composer.critic.networks[1](batch)["value"].shape == (1, 1)
    # order 1x2 into the raw 4x3 piece: both rotations fit, so neither is masked
    assert bool((out["cut_rotation"] > -1e30).all())
