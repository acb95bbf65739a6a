"""Structured (multi-step) training on the masked Cutting-2D env: step, delta and shared critics."""

from __future__ import annotations

import numpy as np
import pytest
import torch

pytest.importorskip("maze.envs.cutting2d", reason="needs maze-envs-cutting2d installed")
from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import Factory
from maze.envs.cutting2d.env.struct_env_masked import masked_struct_env_factory  # noqa: E402
from maze.train.agent.mlp_model_composer import MLPModelComposer
from maze.train.agent.model_building import build_critic, build_policy
from maze.train.agent.torch_actor_critic import TorchActorCritic
from maze.train.agent.torch_state_critic import TorchDeltaStateCritic, TorchSharedStateCritic, TorchStepStateCritic
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
from maze.train.trainers.ppo.ppo_trainer import PPO

SIMPLE = {"max_pieces_in_inventory": 50, "raw_piece_size": (4, 3),
          "static_demand": [[1, 2], [1, 2], [1, 1], [2, 2], [1, 2], [1, 1]], "max_steps": 180}
MASKS = {"piece_idx": "inventory_mask", "cut_rotation": "cutting_mask"}


def make_env():
    return masked_struct_env_factory(**SIMPLE)


def _model(env, kind: str) -> TorchActorCritic:
    if kind == "perception_shared":
        composer = Factory(object).instantiate(
            {"_target_": "maze.perception.models.custom_model_composer.CustomModelComposer",
             "distribution_mapper_config": [],
             "policy": {"_target_": "maze.perception.models.policies.ProbabilisticPolicyComposer",
                        "networks": [{"_target_": "maze.perception.models.built_in.flatten_concat.FlattenConcatPolicyNet",
                                      "non_lin": "torch.nn.Tanh", "hidden_units": [32]}],
                        "substeps_with_separate_agent_nets": []},
             "critic": {"_target_": "maze.perception.models.critics.SharedStateCriticComposer",
                        "networks": [{"_target_": "maze.perception.models.built_in.flatten_concat.FlattenConcatStateValueNet",
                                      "non_lin": "torch.nn.Tanh", "hidden_units": [32]}]}},
            action_spaces_dict=env.action_spaces_dict, observation_spaces_dict=env.observation_spaces_dict)
    else:
        composer = MLPModelComposer(env.action_spaces_dict, env.observation_spaces_dict, hidden_units=(32,), critic=kind,
                                    mask_keys=MASKS)
    return TorchActorCritic(build_policy(composer), build_critic(composer))


@pytest.mark.parametrize("kind, critic_cls", [("step", TorchStepStateCritic), ("delta", TorchDeltaStateCritic),
                                              ("perception_shared", TorchSharedStateCritic)])
def test_structured_ppo_update_with_each_critic(kind, critic_cls) -> None:
    torch.manual_seed(0)
    env = SequentialVectorEnv([make_env] * 2)
    model = _model(env, kind)
    assert isinstance(model.critic, critic_cls)
    cfg = PPOAlgorithmConfig(n_rollout_steps=20, batch_size=16, n_optimization_epochs=2, rollout_evaluator=None)
    trainer = PPO(cfg, env, model, seed=0)
    if kind == "perception_shared":
        assert trainer._merger is not None  # sub-steps have different keys: the critic sees their union
    batch = trainer.collect()
    assert [[part.actor_id.step_key for part in step] for step in batch.steps[:4]] == [[0], [1], [0], [1]]
    groups = trainer.prepare_batch(batch)
    assert set(groups) == {ActorID(0, 0), ActorID(1, 0)}
    trainer.update(groups, train_policy=True)
    stats = trainer.stats.reduce().flat()  # typed statistics recorded by the update, flattened for the assertions
    losses = {tag: v for tag, v in stats.items() if tag.startswith("train_MultiStepActorCriticEvents/")}
    assert losses and all(np.isfinite(v) for v in losses.values())
    assert {"train_MultiStepActorCriticEvents/policy_loss/0", "train_MultiStepActorCriticEvents/policy_loss/1",
            "train_MultiStepActorCriticEvents/critic_value_loss/0"} <= set(losses)
    env.close()


def test_masks_are_respected_by_sampled_actions() -> None:
    env = SequentialVectorEnv([make_env] * 4)
    model = _model(env, "step")
    obs = env.reset()
    for _ in range(30):
        aid = env.actor_id()
        actions = model.policy.compute_actions_batched(obs, aid)
        if aid.step_key == 0:
            chosen = obs["inventory_mask"][np.arange(4), actions["piece_idx"]]
            assert (chosen == 1).all()
        else:
            assert (obs["cutting_mask"][np.arange(4), actions["cut_rotation"]] == 1).all()
        obs, *_ = env.step(actions)
    env.close()
