"""The docs' template-model and custom-model examples, composed from YAML, run on () / (B,) / (B,T) batches."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
import yaml
from gymnasium import spaces
from perception_picture_checks import assert_valid_pdf, assert_valid_png

from maze.core.utils.factory import ConfigError, Factory
from maze.perception.models.model_composer import BaseModelComposer
from maze.perception.models.space_config import SpacesConfig
from maze.perception.perception_utils import sample_observation_batch

BATCH_SHAPES = [(), (3,), (2, 3)]

TEMPLATE_BASE = """
_target_: maze.perception.models.template_model_composer.TemplateModelComposer
distribution_mapper_config: []
model_builder:
  _target_: maze.perception.builders.ConcatModelBuilder
  shared_embedding_keys: {shared}
  observation_modality_mapping:
    observation_inventory: feature
    observation_screen: image
  modality_config:
    feature:
      block_type: maze.perception.blocks.DenseBlock
      block_params:
        hidden_units: [32, 32]
        non_lin: torch.nn.ReLU
    image:
      block_type: maze.perception.blocks.VGGConvolutionDenseBlock
      block_params:
        hidden_channels: [8, 16, 32]
        hidden_units: [32]
        non_lin: torch.nn.ReLU
    hidden:
      block_type: maze.perception.blocks.DenseBlock
      block_params:
        hidden_units: [128]
        non_lin: torch.nn.ReLU
    recurrence: {recurrence}
policy:
  _target_: maze.perception.models.policies.ProbabilisticPolicyComposer
critic:
  _target_: maze.perception.models.critics.StateCriticComposer
"""

RECURRENCE = """
      block_type: maze.perception.blocks.LSTMLastStepBlock
      block_params:
        hidden_size: 32
        num_layers: 1
        bidirectional: False
        non_lin: torch.nn.SELU"""

SINGLE = """
_target_: maze.perception.models.template_model_composer.TemplateModelComposer
distribution_mapper_config: []
model_builder:
  _target_: maze.perception.builders.ConcatModelBuilder
  shared_embedding_keys: ~
  observation_modality_mapping:
    observation: feature
  modality_config:
    feature:
      block_type: DenseBlock
      block_params:
        hidden_units: [32, 32]
        non_lin: torch.nn.ReLU
    hidden: {}
    recurrence: {}
policy:
  _target_: maze.perception.models.policies.ProbabilisticPolicyComposer
critic:
  _target_: maze.perception.models.critics.StateCriticComposer
"""


def compose(yaml_text: str, obs: spaces.Dict, act: spaces.Dict) -> BaseModelComposer:
    cfg = yaml.safe_load(yaml_text)
    return Factory(BaseModelComposer).instantiate(cfg, action_spaces_dict={0: act}, observation_spaces_dict={0: obs},
                                                  agent_counts_dict={0: 1})


def check_forward(composer: BaseModelComposer, obs: spaces.Dict, act: spaces.Dict) -> None:
    """Policy logits, sampled actions and values have the expected leading batch shapes."""
    policy_net = composer.policy.networks[0]
    critic_net = composer.critic.networks[0]
    shared = composer.critic.shared_embedding_keys.get(0, [])
    for batch_shape in BATCH_SHAPES:
        observation = sample_observation_batch(obs, batch_shape, seed=1)
        out = policy_net(observation)
        for head in act.spaces:
            assert tuple(out[head].shape) == (*batch_shape, *composer.distribution_mapper.required_logits_shape(head))
        dist = composer.distribution_mapper.logits_dict_to_distribution(out)
        sample = dist.sample()
        for head, space in act.spaces.items():
            assert tuple(sample[head].shape) == (*batch_shape, *space.shape)
            assert tuple(dist.log_prob(sample)[head].shape) == batch_shape
        critic_in = {**observation, **{k: out[k] for k in shared}}
        value = critic_net(critic_in)["value"]
        assert tuple(value.shape) == (*batch_shape, 1)
        assert torch.isfinite(value).all()
    # a batch of one gives the same result as the unbatched observation
    single = sample_observation_batch(obs, (), seed=5)
    batched = {k: v.unsqueeze(0) for k, v in single.items()}
    policy_net.eval()
    for head in act.spaces:
        torch.testing.assert_close(policy_net(single)[head], policy_net(batched)[head][0])


def check_pictures(composer: BaseModelComposer, out_dir: str, expected: list[str]) -> None:
    written = composer.save_models(out_dir)
    for stem in expected:
        assert os.path.join(out_dir, stem + ".pdf") in written
        assert_valid_pdf(os.path.join(out_dir, stem + ".pdf"))
        assert_valid_png(os.path.join(out_dir, stem + ".png"))


def test_template_feed_forward(inventory_screen_spaces, tmp_path):
    obs, act = inventory_screen_spaces
    composer = compose(TEMPLATE_BASE.format(shared="~", recurrence="{}"), obs, act)
    assert composer.critic.critic_type == "step_state"
    net = composer.policy.networks[0]
    names = list(net.perception_blocks)
    assert names[:4] == ["observation_inventory_DenseBlock", "observation_screen_VGGConvolutionDenseBlock", "concat", "latent"]
    assert net.shape_of("latent") == (128,)
    check_forward(composer, obs, act)
    check_pictures(composer, str(tmp_path), ["policy_0", "critic_0"])


def test_template_recurrent(inventory_screen_spaces, tmp_path):
    _, act = inventory_screen_spaces
    k = 2  # observations stacked over the last k steps
    obs = spaces.Dict({"observation_inventory": spaces.Box(0.0, 1.0, (k, 16), np.float32),
                       "observation_screen": spaces.Box(0.0, 1.0, (k, 3, 64, 64), np.float32)})
    composer = compose(TEMPLATE_BASE.format(shared="~", recurrence=RECURRENCE), obs, act)
    net = composer.policy.networks[0]
    assert net.shape_of("hidden") == (k, 128)
    assert net.shape_of("latent") == (32,)
    assert type(net.perception_blocks["latent"]).__name__ == "LSTMLastStepBlock"
    check_forward(composer, obs, act)
    check_pictures(composer, str(tmp_path), ["policy_0", "critic_0"])


def test_template_single_observation_and_action(tmp_path):
    obs = spaces.Dict({"observation": spaces.Box(-1.0, 1.0, (4,), np.float32)})
    act = spaces.Dict({"action": spaces.Discrete(2)})
    composer = compose(SINGLE, obs, act)
    net = composer.policy.networks[0]
    assert list(net.perception_blocks) == ["observation_DenseBlock", "latent", "action"]  # concat is the latent
    check_forward(composer, obs, act)
    check_pictures(composer, str(tmp_path), ["policy_0", "critic_0"])


def test_template_shared_embedding(inventory_screen_spaces, tmp_path):
    obs, act = inventory_screen_spaces
    composer = compose(TEMPLATE_BASE.format(shared="['latent']", recurrence="{}"), obs, act)
    policy_net, critic_net = composer.policy.networks[0], composer.critic.networks[0]
    assert "latent" in policy_net.out_keys
    assert composer.critic.shared_embedding_keys == {0: ["latent"]}
    assert critic_net.in_keys == ["latent"]  # the whole perception is shared: the critic is only the value head
    assert list(critic_net.perception_blocks) == ["value"]
    check_forward(composer, obs, act)
    check_pictures(composer, str(tmp_path), ["policy_0", "critic_0"])


def test_template_partially_shared_embedding(inventory_screen_spaces):
    obs, act = inventory_screen_spaces
    composer = compose(TEMPLATE_BASE.format(shared="['observation_screen_VGGConvolutionDenseBlock']", recurrence="{}"), obs, act)
    critic_net = composer.critic.networks[0]
    assert sorted(critic_net.in_keys) == ["observation_inventory", "observation_screen_VGGConvolutionDenseBlock"]
    assert "observation_screen_VGGConvolutionDenseBlock" not in critic_net.perception_blocks
    check_forward(composer, obs, act)


def test_template_unknown_shared_key_names_available_keys(inventory_screen_spaces):
    obs, act = inventory_screen_spaces
    with pytest.raises(ConfigError, match="shared_embedding_keys \\['nope'\\].*available"):
        compose(TEMPLATE_BASE.format(shared="['nope']", recurrence="{}"), obs, act)


def test_template_masks_actions_with_mask_observation():
    obs = spaces.Dict({"observation": spaces.Box(-1.0, 1.0, (4,), np.float32), "action_mask": spaces.MultiBinary(5)})
    act = spaces.Dict({"action": spaces.Discrete(5)})
    composer = compose(SINGLE, obs, act)
    net = composer.policy.networks[0]
    observation = sample_observation_batch(obs, (64,), seed=0)
    observation["action_mask"] = torch.zeros(64, 5)
    observation["action_mask"][:, [1, 3]] = 1.0
    dist = composer.distribution_mapper.logits_dict_to_distribution(net(observation))
    samples = torch.stack([dist.sample()["action"] for _ in range(20)])
    assert set(samples.unique().tolist()) <= {1, 3}


CUSTOM_CARTPOLE = """
_target_: maze.perception.models.custom_model_composer.CustomModelComposer
distribution_mapper_config: []
policy:
  _target_: maze.perception.models.policies.ProbabilisticPolicyComposer
  networks:
  - _target_: perception_example_nets.CartpolePolicyNet
    non_lin: torch.nn.ReLU
    hidden_units: [16, 32]
  substeps_with_separate_agent_nets: []
critic:
  _target_: maze.perception.models.critics.StateCriticComposer
  networks:
    - _target_: perception_example_nets.CartpoleCriticNet
      non_lin: torch.nn.ReLU
      hidden_units: [16, 32]
"""

CUSTOM_COMPLEX = """
_target_: maze.perception.models.custom_model_composer.CustomModelComposer
distribution_mapper_config: []
policy:
  _target_: maze.perception.models.policies.ProbabilisticPolicyComposer
  networks:
  - _target_: perception_example_nets.ComplexPolicyNet
    non_lin: torch.nn.ReLU
    hidden_units: [128]
    {extra}
  substeps_with_separate_agent_nets: []
critic:
  _target_: maze.perception.models.critics.StateCriticComposer
  networks:
    - _target_: perception_example_nets.{critic}
      non_lin: torch.nn.ReLU
      hidden_units: [128]
"""

CUSTOM_PLAIN = """
_target_: maze.perception.models.custom_model_composer.CustomModelComposer
distribution_mapper_config: []
policy:
  _target_: maze.perception.models.policies.ProbabilisticPolicyComposer
  networks:
  - _target_: perception_example_nets.PlainCartpolePolicyNet
    hidden_layer_0: 16
    hidden_layer_1: 32
    use_bias: True
  substeps_with_separate_agent_nets: []
critic:
  _target_: maze.perception.models.critics.StateCriticComposer
  networks:
    - _target_: perception_example_nets.PlainCartpoleCriticNet
      hidden_layer_0: 16
      hidden_layer_1: 32
      use_bias: True
"""

CARTPOLE_OBS = spaces.Dict({"observation": spaces.Box(-1.0, 1.0, (4,), np.float32)})
CARTPOLE_ACT = spaces.Dict({"action": spaces.Discrete(2)})


def test_custom_cartpole_with_perception_blocks(tmp_path):
    composer = compose(CUSTOM_CARTPOLE, CARTPOLE_OBS, CARTPOLE_ACT)
    check_forward(composer, CARTPOLE_OBS, CARTPOLE_ACT)
    check_pictures(composer, str(tmp_path), ["policy_0", "critic_0"])
    # the head was initialised with normc(0.01): initial logits are close to uniform
    head = composer.policy.networks[0].perception_dict["action"].net.weight
    torch.testing.assert_close(head.norm(dim=1), torch.full((2,), 0.01))


def test_custom_complex(inventory_screen_spaces, tmp_path):
    obs, act = inventory_screen_spaces
    composer = compose(CUSTOM_COMPLEX.format(extra="", critic="ComplexCriticNet"), obs, act)
    assert composer.critic.shared_embedding_keys == {0: []}
    check_forward(composer, obs, act)
    check_pictures(composer, str(tmp_path), ["policy_0", "critic_0"])


def test_custom_plain_torch(tmp_path):
    composer = compose(CUSTOM_PLAIN, CARTPOLE_OBS, CARTPOLE_ACT)
    check_forward(composer, CARTPOLE_OBS, CARTPOLE_ACT)
    # plain torch networks get a one-box picture: their inputs, the module and its outputs
    written = sorted(os.path.basename(p) for p in composer.save_models(str(tmp_path)))
    assert written == ["critic_0.pdf", "critic_0.png", "policy_0.pdf", "policy_0.png"]
    for name in written:
        (assert_valid_png if name.endswith(".png") else assert_valid_pdf)(str(tmp_path / name))


def test_custom_shared_embedding(inventory_screen_spaces, tmp_path):
    obs, act = inventory_screen_spaces
    composer = compose(CUSTOM_COMPLEX.format(extra="extra_out_keys: [latent_screen]", critic="SharedComplexCriticNet"), obs, act)
    assert composer.critic.shared_embedding_keys == {0: ["latent_screen"]}
    critic_space = composer.critic.network_observation_spaces_dict[0]
    assert critic_space["latent_screen"].shape == (32,)
    check_forward(composer, obs, act)
    check_pictures(composer, str(tmp_path), ["policy_0", "critic_0"])


def test_custom_policy_missing_head_is_a_clear_error():
    act = spaces.Dict({"action": spaces.Discrete(2), "other": spaces.Discrete(3)})
    with pytest.raises(ConfigError, match="missing action head\\(s\\) \\['other'\\]"):
        compose(CUSTOM_CARTPOLE, CARTPOLE_OBS, act)


def test_custom_network_bad_param_names_the_key():
    bad = CUSTOM_CARTPOLE.replace("hidden_units: [16, 32]\n  substeps", "hidden_unitz: [16, 32]\n  substeps")
    with pytest.raises(ConfigError, match="hidden_unitz"):
        compose(bad, CARTPOLE_OBS, CARTPOLE_ACT)


def test_spaces_config_roundtrip(tmp_path, inventory_screen_spaces):
    obs, act = inventory_screen_spaces
    composer = compose(SINGLE, CARTPOLE_OBS, CARTPOLE_ACT)
    path = str(tmp_path / "spaces_config.json")
    composer.spaces_config().save(path)
    loaded = SpacesConfig.load(path)
    assert loaded.action_spaces_dict == {0: CARTPOLE_ACT}
    assert loaded.observation_spaces_dict == {0: CARTPOLE_OBS}
    # structured spaces with str keys, unbounded boxes and all space types survive
    structured = SpacesConfig(
        {"select": act, 1: spaces.Dict({"cont": spaces.Box(-np.inf, np.inf, (2, 3)), "md": spaces.MultiDiscrete([3, 4])})},
        {"select": obs, 1: spaces.Dict({"t": spaces.Tuple([spaces.Discrete(3, start=1), spaces.MultiBinary([2, 2])])})},
        {"select": 1, 1: 3})
    structured.save(path)
    again = SpacesConfig.load(path)
    assert again == structured
    assert list(again.action_spaces_dict) == ["select", 1]
    assert again.agent_counts_dict == {"select": 1, 1: 3}
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp")]
    with open(path) as f:
        assert "pickle" not in f.read()
