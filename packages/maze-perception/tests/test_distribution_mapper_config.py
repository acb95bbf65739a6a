"""``distribution_mapper_config``: the docs' format, distributions with keyword arguments, and clear errors."""

from __future__ import annotations

import math

import pytest
import torch
import yaml
from gymnasium import spaces
from omegaconf import OmegaConf

from maze.core.utils.factory import ConfigError, Factory, untrusted_config
from maze.distributions import (
    BetaProbabilityDistribution,
    CategoricalProbabilityDistribution,
    DiagonalGaussianProbabilityDistribution,
    DistributionMapper,
    SquashedGaussianProbabilityDistribution,
)
from maze.perception.models.model_composer import BaseModelComposer

ACTION_SPACE = spaces.Dict({
    "discrete": spaces.Discrete(3),
    "box": spaces.Box(-1.0, 1.0, (2,)),
    "special_action": spaces.Box(-1.0, 1.0, (2,)),
})


class ShiftedCategorical(CategoricalProbabilityDistribution):
    """A custom distribution with its own parameter: adds ``shift`` to the logit of action 0."""

    def __init__(self, logits: torch.Tensor, action_space: spaces.Discrete, temperature: float = 1.0,
                 shift: float = 0.0) -> None:
        logits = logits.clone()
        logits[..., 0] += shift
        super().__init__(logits, action_space, temperature)


def test_the_docs_format_keeps_working() -> None:
    config = yaml.safe_load("""
distribution_mapper_config:
  - action_space: gym.spaces.Box
    distribution: maze.distributions.beta.BetaProbabilityDistribution
  - action_head: special_action
    distribution: maze.distributions.squashed_gaussian.SquashedGaussianProbabilityDistribution
""")["distribution_mapper_config"]
    mapper = DistributionMapper(ACTION_SPACE, OmegaConf.create(config))
    assert mapper.distribution_class("box") is BetaProbabilityDistribution
    assert mapper.distribution_class("special_action") is SquashedGaussianProbabilityDistribution
    assert mapper.distribution_class("discrete") is CategoricalProbabilityDistribution
    assert dict(mapper.distribution_spec("box").kwargs) == {}


def test_a_configured_temperature_scales_the_sampling_temperature() -> None:
    mapper = DistributionMapper(ACTION_SPACE, [
        {"action_head": "discrete", "distribution": {"_target_": "categorical", "temperature": 2.0}}])
    logits = torch.tensor([[0.0, 1.0, 3.0]])
    actions = torch.tensor([0, 1, 2])
    hot = mapper.action_head_distribution("discrete", logits)
    expected = torch.log_softmax(logits / 2.0, dim=-1)[0]
    torch.testing.assert_close(torch.stack([hot.log_prob(torch.tensor([a]))[0] for a in actions]), expected)
    # the policy's sampling temperature multiplies: 0.5 * 2.0 = unmodified logits
    neutral = mapper.action_head_distribution("discrete", logits, temperature=0.5)
    torch.testing.assert_close(torch.stack([neutral.log_prob(torch.tensor([a]))[0] for a in actions]),
                               torch.log_softmax(logits, dim=-1)[0])
    # the heads without an entry are unchanged
    assert mapper.distribution_class("box") is DiagonalGaussianProbabilityDistribution
    assert "discrete: CategoricalProbabilityDistribution{'temperature': 2.0}" in repr(mapper)


def test_a_custom_distribution_gets_its_keyword_arguments_from_the_config() -> None:
    mapper = DistributionMapper(ACTION_SPACE, OmegaConf.create([
        {"action_space": "gym.spaces.Discrete",
         "distribution": {"_target_": f"{__name__}.ShiftedCategorical", "shift": math.log(4.0)}}]))
    assert mapper.distribution_class("discrete") is ShiftedCategorical
    dist = mapper.action_head_distribution("discrete", torch.zeros(1, 3))
    # logits (log 4, 0, 0): p = (4/6, 1/6, 1/6)
    torch.testing.assert_close(dist.log_prob(torch.tensor([0]))[0], torch.tensor(math.log(4 / 6)))
    torch.testing.assert_close(dist.log_prob(torch.tensor([1]))[0], torch.tensor(math.log(1 / 6)))


@pytest.mark.parametrize("entry, message", [
    ({"action_space": "Box", "distribution": "torch.nn.ReLU"},
     r"^distribution_mapper_config\[0\].distribution = 'torch.nn.ReLU' resolves to the class "
     r"torch.nn.modules.activation.ReLU, expected a subclass of maze.distributions.distribution.ProbabilityDistribution$"),
    ({"action_space": "Box", "distribution": {"_target_": "os.system", "command": "true"}},
     r"^distribution_mapper_config\[0\].distribution._target_ = 'os.system' resolves to the function posix.system, "
     r"expected a subclass of maze.distributions.distribution.ProbabilityDistribution$"),
    ({"action_space": "Box", "distribution": {"_target_": "squashed_gaussian", "tempreature": 2.0}},
     r"^distribution_mapper_config\[0\].distribution: \['tempreature'\] are not arguments of "
     r"SquashedGaussianProbabilityDistribution; valid arguments: \['temperature'\]$"),
    ({"action_head": "discrete", "distribution": {"temperature": 2.0}},
     r"^distribution_mapper_config\[0\].distribution = \{'temperature': 2.0\}: a distribution with arguments needs "
     r"'_target_'"),
    ({"action_head": "discrete", "distribution": {"_target_": "categorical", "temperature": 0}},
     r"^distribution_mapper_config\[0\].distribution.temperature = 0: expected a number > 0$"),
    ({"action_head": "discrete", "distribution": "no_such_distribution"},
     r"^distribution_mapper_config\[0\].distribution = 'no_such_distribution': unknown distribution "
     r"'no_such_distribution' \(registered distribution names: bernoulli, beta, categorical"),
    ("beta", r"^distribution_mapper_config\[0\] = 'beta': expected a mapping"),
])
def test_entries_that_resolve_to_something_else_get_one_clear_config_error(entry, message) -> None:
    with pytest.raises(ConfigError, match=message):
        DistributionMapper(ACTION_SPACE, [entry])


def test_distribution_parameters_from_a_model_config_reach_the_policy() -> None:
    model_config = yaml.safe_load("""
_target_: maze.perception.models.template_model_composer.TemplateModelComposer
distribution_mapper_config:
  - action_space: gym.spaces.Discrete
    distribution: {_target_: categorical, temperature: 4.0}
model_builder:
  _target_: maze.perception.builders.ConcatModelBuilder
  observation_modality_mapping: {observation: feature}
  modality_config:
    feature: {block_type: DenseBlock, block_params: {hidden_units: [8], non_lin: torch.nn.Tanh}}
    hidden: {}
    recurrence: {}
policy: {_target_: maze.perception.models.policies.ProbabilisticPolicyComposer}
critic: null
""")
    action_spaces = {0: spaces.Dict({"action": spaces.Discrete(2)})}
    observation_spaces = {0: spaces.Dict({"observation": spaces.Box(-1.0, 1.0, (4,))})}
    # read back from a run dir (untrusted): every name in it is a registered component, so it builds
    with untrusted_config("/runs/earlier/.hydra/config.yaml"):
        composer = Factory(BaseModelComposer, kind="model").instantiate(
            model_config, action_spaces_dict=action_spaces, observation_spaces_dict=observation_spaces)
    spec = composer.distribution_mapper.distribution_spec("action")
    assert spec.cls is CategoricalProbabilityDistribution and dict(spec.kwargs) == {"temperature": 4.0}
    logits = composer.policy.networks[0]({"observation": torch.zeros(1, 4)})["action"]
    dist = composer.distribution_mapper.action_head_distribution("action", logits)
    torch.testing.assert_close(dist.log_prob(torch.tensor([1]))[0], torch.log_softmax(logits / 4.0, dim=-1)[0, 1])
    # an unregistered distribution class in an untrusted config is refused
    model_config["distribution_mapper_config"][0]["distribution"]["_target_"] = f"{__name__}.ShiftedCategorical"
    with untrusted_config("/runs/earlier/.hydra/config.yaml"):
        with pytest.raises(ConfigError, match=r"distribution_mapper_config\[0\].distribution._target_ = "
                                              r"'.*ShiftedCategorical' is not a registered Maze component"):
            Factory(BaseModelComposer, kind="model").instantiate(
                model_config, _key="model", action_spaces_dict=action_spaces, observation_spaces_dict=observation_spaces)
