"""Composers with per-sub-step spaces (structured envs), every critic type, and the shipped Hydra configs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from gymnasium import spaces
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf
from perception_picture_checks import assert_valid_png

from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import ConfigError, Factory
from maze.perception.models.model_composer import BaseModelComposer
from maze.perception.perception_utils import sample_observation_batch

OBS = {
    "select": spaces.Dict({"observation": spaces.Box(-1, 1, (6,), np.float32), "selection_mask": spaces.MultiBinary(3)}),
    "cut": spaces.Dict({"observation": spaces.Box(-1, 1, (6,), np.float32), "piece": spaces.Box(0, 1, (2, 2), np.float32)}),
}
ACT = {
    "select": spaces.Dict({"selection": spaces.Discrete(3)}),
    "cut": spaces.Dict({"rotation": spaces.Discrete(2), "offset": spaces.Box(-1, 1, (2,), np.float32)}),
}


@pytest.fixture
def hydra_compose(tmp_path):
    root = tmp_path / "conf"
    root.mkdir()
    (root / "root.yaml").write_text(
        "defaults:\n  - model: vector_obs\n  - critic: null\n  - _self_\nhydra:\n  searchpath:\n    - pkg://maze.perception.conf\n")
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(root), version_base=None):
        yield lambda overrides: compose(config_name="root", overrides=overrides)
    GlobalHydra.instance().clear()


def make(model_cfg, obs=None, act=None, agent_counts=None) -> BaseModelComposer:
    return Factory(BaseModelComposer).instantiate(model_cfg, action_spaces_dict=act or ACT, observation_spaces_dict=obs or OBS,
                                                  agent_counts_dict=agent_counts or {"select": 1, "cut": 1})


CRITICS = [None, "template_state", "template_state_action", "flatten_concat_shared", "flatten_concat_state_action"]
# the shared-embedding model brings its own critic; it is only combined with its default
COMBINATIONS = [(m, c) for m in ["vector_obs", "flatten_concat"] for c in CRITICS] + [("flatten_concat_shared_embedding", None)]


@pytest.mark.parametrize(("model", "critic"), COMBINATIONS)
def test_hydra_model_and_critic_configs(hydra_compose, model, critic):
    overrides = [f"model={model}"] + ([f"critic={critic}"] if critic else [])
    cfg = hydra_compose(overrides)
    template_model = model == "vector_obs"
    template_critic = critic is None or critic.startswith("template")
    if critic is not None and template_model != template_critic:
        with pytest.raises(ConfigError, match="template|networks"):
            make(cfg.model)
        return
    composer = make(cfg.model)
    expected_type = {None: "shared_state" if not template_model else "step_state", "template_state": "step_state",
                     "template_state_action": "step_state_action", "flatten_concat_shared": "shared_state",
                     "flatten_concat_state_action": "step_state_action"}[critic]
    assert composer.critic.critic_type == expected_type
    if model == "flatten_concat_shared_embedding":
        assert composer.critic.shared_embedding_keys == {"select": ["latent"], "cut": ["latent"]}
    assert set(composer.policy.networks) == {"select", "cut"}
    for step in OBS:
        obs = sample_observation_batch(OBS[step], (2, 3), seed=0)
        out = composer.policy.networks[step](obs)
        for head in ACT[step].spaces:
            assert out[head].shape[:2] == (2, 3)
    for key, net in composer.critic.networks.items():
        space = composer.critic.network_observation_spaces_dict[key]
        obs = sample_observation_batch(space, (4,), seed=0)
        out = net(obs)
        if expected_type.endswith("state_action"):
            assert set(out) == set(composer.critic.network_output_shapes_dict[key])
        else:
            assert out["value"].shape == (4, 1)


def test_pixel_and_rnn_configs_compose(hydra_compose, tmp_path):
    act = {0: spaces.Dict({"action": spaces.Discrete(3)})}
    pixel = {0: spaces.Dict({"observation": spaces.Box(0, 1, (3, 48, 48), np.float32)})}
    composer = make(hydra_compose(["model=pixel_obs", "critic=template_state"]).model, pixel, act, {0: 1})
    assert composer.policy.networks[0](sample_observation_batch(pixel[0], (2,)))["action"].shape == (2, 3)
    stacked = {0: spaces.Dict({"observation": spaces.Box(-1, 1, (4, 5), np.float32)})}
    composer = make(hydra_compose(["model=vector_obs_rnn"]).model, stacked, act, {0: 1})
    assert composer.policy.networks[0](sample_observation_batch(stacked[0], (2, 3)))["action"].shape == (2, 3, 3)
    written = composer.save_models(str(tmp_path))
    assert_valid_png(str(tmp_path / "policy_0.png"))
    assert len(written) == 4
    stacked_pixels = {0: spaces.Dict({"observation": spaces.Box(0, 1, (2, 3, 40, 40), np.float32)})}
    composer = make(hydra_compose(["model=pixel_obs_rnn"]).model, stacked_pixels, act, {0: 1})
    assert composer.policy.networks[0](sample_observation_batch(stacked_pixels[0], ()))["action"].shape == (3,)


def test_structured_template_shared_critic_and_delta_critic():
    base = OmegaConf.to_container(OmegaConf.load(_conf("model/vector_obs.yaml")))
    base["model_builder"]["observation_modality_mapping"] = {"observation": "feature", "piece": "grid"}
    base["model_builder"]["modality_config"]["grid"] = {"block_type": "FlattenDenseBlock",
                                                        "block_params": {"num_flatten_dims": 2, "hidden_units": [16]}}
    base["critic"] = {"_target_": "maze.perception.models.critics.SharedStateCriticComposer", "stack_observations": False}
    composer = make(base)
    space = composer.critic.network_observation_spaces_dict[0]
    assert set(space.spaces) == {"observation", "selection_mask", "piece"}  # union of both sub-steps
    assert composer.critic.networks[0](sample_observation_batch(space, (5,)))["value"].shape == (5, 1)
    custom = OmegaConf.to_container(OmegaConf.load(_conf("model/flatten_concat.yaml")))
    custom["critic"]["stack_observations"] = True
    stacked = make(custom).critic
    space = stacked.network_observation_spaces_dict[0]
    assert space["observation"].shape == (2, 6)  # stacked over the two sub-steps
    assert stacked.networks[0](sample_observation_batch(space, (5,)))["value"].shape == (5, 1)
    # masked selection head: the template adds an action-masking block for 'selection_mask'
    assert "selection_mask" in composer.policy.networks["select"].in_keys
    base["critic"] = {"_target_": "maze.perception.models.critics.DeltaStateCriticComposer"}
    composer = make(base)
    assert composer.critic.critic_type == "delta_state"
    assert "prev_value" not in composer.critic.network_observation_spaces_dict["select"].spaces
    cut_net = composer.critic.networks["cut"]
    assert "prev_value" in cut_net.in_keys
    obs = sample_observation_batch(composer.critic.network_observation_spaces_dict["cut"], (3,))
    assert cut_net(obs)["value"].shape == (3, 1)


def test_separate_agent_networks():
    base = OmegaConf.to_container(OmegaConf.load(_conf("model/flatten_concat.yaml")))
    base["policy"]["substeps_with_separate_agent_nets"] = ["cut"]
    composer = make(base, agent_counts={"select": 1, "cut": 2})
    assert set(composer.policy.networks) == {"select", ActorID("cut", 0), ActorID("cut", 1)}
    assert composer.policy.networks[ActorID("cut", 0)] is not composer.policy.networks[ActorID("cut", 1)]


def test_distribution_mapper_from_model_config():
    base = OmegaConf.to_container(OmegaConf.load(_conf("model/flatten_concat.yaml")))
    base["distribution_mapper_config"] = [{"action_space": "gym.spaces.Box", "distribution": "beta"}]
    composer = make(base)
    logits = composer.policy.networks["cut"](sample_observation_batch(OBS["cut"], (2,)))
    dist = composer.distribution_mapper.logits_dict_to_distribution(logits)
    assert type(dist["offset"]).__name__ == "BetaProbabilityDistribution"
    assert torch.all(dist.sample()["offset"].abs() <= 1.0)


def _conf(rel: str) -> str:
    import os

    import maze.perception.conf as conf

    return os.path.join(os.path.dirname(conf.__file__), rel)
