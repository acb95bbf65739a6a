"""Reference docs, "Working with Custom Models": the custom networks of examples 1 and 2, composed from the docs'
model configs by the custom model composer; example 1's actor-critic trains a step of A2C on CartPole.

The networks are typed out in this folder; the configs name them by import path as the docs do
(``docs.source.policy_and_value_networks.code_snippets.custom_cartpole_policy_net.CustomCartpolePolicyNet`` there).
"""

from __future__ import annotations

import numpy as np
import torch
import yaml
from custom_cartpole_critic_net import CustomCartpoleCriticNet
from custom_cartpole_policy_net import CustomCartpolePolicyNet
from gymnasium import spaces

from maze.core.utils.factory import Factory
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.perception.models.model_composer import BaseModelComposer
from maze.perception.perception_utils import sample_observation_batch
from maze.train.agent.model_building import build_critic, build_policy
from maze.train.agent.torch_actor_critic import TorchActorCritic
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.trainers.a2c.a2c_algorithm_config import A2CAlgorithmConfig
from maze.train.trainers.a2c.a2c_trainer import A2C

EXAMPLE_1 = yaml.safe_load("""
_target_: maze.perception.models.custom_model_composer.CustomModelComposer
distribution_mapper_config: []
policy:
  _target_: maze.perception.models.policies.ProbabilisticPolicyComposer
  networks:
  - _target_: custom_cartpole_policy_net.CustomCartpolePolicyNet
    non_lin: torch.nn.ReLU
    hidden_units: [16, 32]
  substeps_with_separate_agent_nets: []
critic:
  _target_: maze.perception.models.critics.StateCriticComposer
  networks:
    - _target_: custom_cartpole_critic_net.CustomCartpoleCriticNet
      non_lin: torch.nn.ReLU
      hidden_units: [16, 32]
""")

EXAMPLE_2 = yaml.safe_load("""
_target_: maze.perception.models.custom_model_composer.CustomModelComposer
distribution_mapper_config: []
policy:
  _target_: maze.perception.models.policies.ProbabilisticPolicyComposer
  networks:
  - _target_: custom_complex_policy_net.CustomComplexPolicyNet
    non_lin: torch.nn.ReLU
    hidden_units: [128]
  substeps_with_separate_agent_nets: []
critic:
  _target_: maze.perception.models.critics.StateCriticComposer
  networks:
    - _target_: custom_complex_critic_net.CustomComplexCriticNet
      non_lin: torch.nn.ReLU
      hidden_units: [128]
""")


def _compose(config: dict, env_or_spaces) -> BaseModelComposer:
    return Factory(BaseModelComposer).instantiate(
        config, action_spaces_dict=env_or_spaces.action_spaces_dict,
        observation_spaces_dict=env_or_spaces.observation_spaces_dict, agent_counts_dict={0: 1})


def _cartpole() -> GymMazeEnv:
    return GymMazeEnv("CartPole-v1")


def test_example_1_composes_the_custom_networks_and_trains_a_step():
    torch.manual_seed(3)
    env = SequentialVectorEnv([_cartpole] * 2)
    composer = _compose(EXAMPLE_1, env)
    policy_net, critic_net = composer.policy.networks[0], composer.critic.networks[0]
    assert isinstance(policy_net, CustomCartpolePolicyNet) and isinstance(critic_net, CustomCartpoleCriticNet)
    assert [layer.out_features for layer in policy_net.perception_dict["latent"].net.modules()
            if isinstance(layer, torch.nn.Linear)] == [16, 32]
    # the action head is initialized small (normc 0.01): nearly uniform actions at the start
    torch.testing.assert_close(policy_net.perception_dict["action"].net.weight.norm(dim=1), torch.full((2,), 0.01))

    model = TorchActorCritic(build_policy(composer), build_critic(composer))
    before = [p.detach().clone() for p in model.parameters()]
    config = A2CAlgorithmConfig(n_epochs=1, epoch_length=1, n_rollout_steps=8, lr=0.01, patience=0,
                                rollout_evaluator=None)
    A2C(config, env, model, seed=1).train()
    changed = [not torch.equal(b, p) for b, p in zip(before, model.parameters())]
    assert any(changed) and sum(changed) >= len(changed) // 2  # policy and critic were both updated
    env.close()

    # the trained policy acts on the env
    single = _cartpole()
    obs, _ = single.reset(seed=0)
    action = model.policy.compute_action(obs, actor_id=single.actor_id(), deterministic=True)
    assert action in single.action_space
    value = critic_net({"observation": torch.as_tensor(obs["observation"])[None]})["value"]
    assert value.shape == (1, 1) and torch.isfinite(value).all()


class _ComplexSpaces:
    """The docs' example 2 spaces: a 64 x 64 RGB screen and 16 inventory features; move (4 options) and use
    (16 items, multi-binary)."""

    observation_spaces_dict = {0: spaces.Dict({
        "observation_screen": spaces.Box(0.0, 1.0, (3, 64, 64), np.float32),
        "observation_inventory": spaces.Box(0.0, 10.0, (16,), np.float32)})}
    action_spaces_dict = {0: spaces.Dict({"action_move": spaces.Discrete(4), "action_use": spaces.MultiBinary(16)})}


def test_example_2_shared_latent_network_for_policy_and_critic():
    composer = _compose(EXAMPLE_2, _ComplexSpaces)
    policy_net, critic_net = composer.policy.networks[0], composer.critic.networks[0]
    # both derive from the latent network class: the same blocks up to the heads
    shared = ["latent_inventory", "latent_screen", "latent_concat", "latent_dense", "latent"]
    assert list(policy_net.perception_dict)[:5] == shared == list(critic_net.perception_dict)[:5]
    obs = sample_observation_batch(_ComplexSpaces.observation_spaces_dict[0], (2,), seed=1)
    logits = policy_net(obs)
    assert logits["action_move"].shape == (2, 4) and logits["action_use"].shape == (2, 16)
    assert critic_net(obs)["value"].shape == (2, 1)
    # the distribution mapper turns the logits into the docs' default distributions and samples valid actions
    sample = composer.distribution_mapper.logits_dict_to_distribution(logits).sample()
    assert set(sample["action_use"].unique().tolist()) <= {0, 1} and int(sample["action_move"].max()) < 4
