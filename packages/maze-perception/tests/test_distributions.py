"""Distributions against torch.distributions and closed-form values; the DistributionMapper."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from gymnasium import spaces
from torch.distributions import Bernoulli, Beta, Categorical, Normal

from maze.distributions import (
    BernoulliProbabilityDistribution,
    BetaProbabilityDistribution,
    CategoricalProbabilityDistribution,
    DiagonalGaussianProbabilityDistribution,
    DictProbabilityDistribution,
    DistributionMapper,
    MultiCategoricalProbabilityDistribution,
    SquashedGaussianProbabilityDistribution,
)
from maze.perception.blocks import ActionMaskingBlock


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def test_categorical_closed_form_and_batches():
    logits = torch.tensor([[0.0, math.log(3.0)], [1.0, 1.0]])
    dist = CategoricalProbabilityDistribution(logits, spaces.Discrete(2))
    # p = [0.25, 0.75] and [0.5, 0.5]
    torch.testing.assert_close(dist.log_prob(torch.tensor([1, 0])), torch.tensor([math.log(0.75), math.log(0.5)]))
    torch.testing.assert_close(dist.entropy(), torch.tensor([-(0.25 * math.log(0.25) + 0.75 * math.log(0.75)), math.log(2.0)]))
    other = CategoricalProbabilityDistribution(torch.zeros(2, 2), spaces.Discrete(2))
    kl0 = 0.25 * math.log(0.25 / 0.5) + 0.75 * math.log(0.75 / 0.5)
    torch.testing.assert_close(dist.kl(other), torch.tensor([kl0, 0.0]))
    assert dist.deterministic_sample().tolist() == [1, 0]
    assert dist.sample().shape == (2,)
    torch.testing.assert_close(dist.neg_log_prob(torch.tensor([1, 0])), -dist.log_prob(torch.tensor([1, 0])))


def test_categorical_temperature():
    logits = torch.tensor([1.0, 2.0, 4.0])
    cold = CategoricalProbabilityDistribution(logits, spaces.Discrete(3), temperature=0.5)
    torch.testing.assert_close(cold.dist.probs, torch.softmax(logits / 0.5, -1))
    with pytest.raises(ValueError, match="temperature must be > 0"):
        CategoricalProbabilityDistribution(logits, spaces.Discrete(3), temperature=0.0)
    with pytest.raises(ValueError, match="expected the last dimension to be 4"):
        CategoricalProbabilityDistribution(logits, spaces.Discrete(4))


def test_masked_categorical_never_samples_masked_actions():
    logits = torch.randn(500, 5)
    mask = torch.zeros(500, 5)
    mask[:, [0, 3]] = 1.0
    mask[::2, 4] = 1.0
    block = ActionMaskingBlock(["logits", "mask"], "masked", [(5,), (5,)])
    masked = block({"logits": logits, "mask": mask})["masked"]
    dist = CategoricalProbabilityDistribution(masked, spaces.Discrete(5))
    probs = dist.dist.probs
    assert torch.all(probs[mask == 0] == 0.0)
    torch.testing.assert_close(probs.sum(-1), torch.ones(500))
    # the remaining actions keep their relative probabilities
    expected = torch.softmax(logits.masked_fill(mask == 0, float("-inf")), -1)
    torch.testing.assert_close(probs, expected)
    for _ in range(10):
        sample = dist.sample()
        assert torch.all(mask.gather(1, sample[:, None]) == 1.0)
    assert torch.all(mask.gather(1, dist.deterministic_sample()[:, None]) == 1.0)
    assert torch.all(dist.log_prob(torch.full((500,), 1)) < -1e30)  # masked action: zero probability
    assert torch.isfinite(dist.entropy()).all()
    # entropy equals the entropy over the valid actions only
    torch.testing.assert_close(dist.entropy()[1], Categorical(logits=logits[1, [0, 3]]).entropy())
    # temperature keeps masked actions at zero probability
    cold = CategoricalProbabilityDistribution(masked, spaces.Discrete(5), temperature=0.3)
    assert torch.all(cold.dist.probs[mask == 0] == 0.0)


def test_categorical_equals_torch_categorical_values_and_gradients():
    """The direct computations give torch's values and gradients, masked rows and temperature included."""
    logits = torch.randn(64, 4)
    logits[::3, 1] = float("-inf")
    logits[1::3, 2] = torch.finfo(torch.float32).min
    actions = torch.randint(0, 4, (64,))
    actions[::3] = torch.where(actions[::3] == 1, torch.zeros_like(actions[::3]), actions[::3])
    for temperature in (1.0, 0.7):
        ours_in = logits.clone().requires_grad_()
        ref_in = logits.clone().requires_grad_()
        ours = CategoricalProbabilityDistribution(ours_in, spaces.Discrete(4), temperature=temperature)
        ref = Categorical(logits=ref_in / temperature)
        torch.testing.assert_close(ours.log_prob(actions), ref.log_prob(actions))
        torch.testing.assert_close(ours.entropy(), ref.entropy())
        torch.testing.assert_close(ours.probs, ref.probs)
        (ours.log_prob(actions).sum() + 0.1 * ours.entropy().sum()).backward()
        (ref.log_prob(actions).sum() + 0.1 * ref.entropy().sum()).backward()
        torch.testing.assert_close(ours_in.grad, ref_in.grad)
        other_logits = torch.randn(64, 4)
        other = CategoricalProbabilityDistribution(other_logits, spaces.Discrete(4))
        torch.testing.assert_close(ours.kl(other), torch.distributions.kl_divergence(ref, Categorical(logits=other_logits)))
    # actions broadcast against the batch as in torch (e.g. all actions of every row)
    dist = CategoricalProbabilityDistribution(logits, spaces.Discrete(4))
    every = torch.arange(4).view(4, 1).expand(4, 64)
    torch.testing.assert_close(dist.log_prob(every), Categorical(logits=logits).log_prob(every))
    # an action ``other`` cannot take makes the KL infinite
    masked_other = CategoricalProbabilityDistribution(torch.tensor([[0.0, float("-inf")]]), spaces.Discrete(2))
    assert torch.isinf(CategoricalProbabilityDistribution(torch.zeros(1, 2), spaces.Discrete(2)).kl(masked_other)).all()
    with pytest.raises(TypeError, match="CategoricalProbabilityDistribution"):
        dist.kl(BernoulliProbabilityDistribution(torch.zeros(64, 4), spaces.MultiBinary(4)))


def test_categorical_samples_follow_the_probabilities():
    probs = torch.tensor([0.1, 0.0, 0.6, 0.3])
    dist = CategoricalProbabilityDistribution(probs.log().expand(100_000, 4), spaces.Discrete(4))
    counts = torch.bincount(dist.sample(), minlength=4).double() / 100_000
    # 100k draws: the standard error of each frequency is <= 0.0016, so 0.006 is more than 3.5 of them
    torch.testing.assert_close(counts, probs.double(), atol=0.006, rtol=0.0)
    assert counts[1] == 0.0


def test_bernoulli_sums_over_bits():
    logits = torch.tensor([[0.0, 2.0, -1.0], [0.5, 0.5, 0.5]])
    dist = BernoulliProbabilityDistribution(logits, spaces.MultiBinary(3))
    actions = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    reference = Bernoulli(logits=logits)
    torch.testing.assert_close(dist.log_prob(actions), reference.log_prob(actions).sum(-1))
    torch.testing.assert_close(dist.entropy(), reference.entropy().sum(-1))
    p = torch.sigmoid(torch.tensor(2.0))
    torch.testing.assert_close(dist.log_prob(actions)[0], torch.log(torch.tensor(0.5)) + torch.log(1 - p) + torch.log(torch.sigmoid(torch.tensor(-1.0))))
    other = BernoulliProbabilityDistribution(torch.zeros(2, 3), spaces.MultiBinary(3))
    q = torch.sigmoid(logits)
    expected_kl = (q * torch.log(q / 0.5) + (1 - q) * torch.log((1 - q) / 0.5)).sum(-1)
    torch.testing.assert_close(dist.kl(other), expected_kl)
    assert dist.deterministic_sample().tolist() == [[0.0, 1.0, 0.0], [1.0, 1.0, 1.0]]
    assert dist.sample().shape == (2, 3)


def test_diagonal_gaussian_closed_form():
    space = spaces.Box(-np.inf, np.inf, (2,))
    mean = torch.tensor([[0.0, 1.0]])
    log_std = torch.tensor([[0.0, math.log(2.0)]])
    dist = DiagonalGaussianProbabilityDistribution(torch.cat([mean, log_std], -1), space)
    a = torch.tensor([[0.5, -1.0]])
    expected = -0.5 * (0.5**2) - 0.5 * math.log(2 * math.pi) + (-0.5 * (2.0 / 2.0) ** 2 - math.log(2.0) - 0.5 * math.log(2 * math.pi))
    torch.testing.assert_close(dist.log_prob(a), torch.tensor([expected]))
    entropy = 0.5 * math.log(2 * math.pi * math.e) * 2 + math.log(2.0)
    torch.testing.assert_close(dist.entropy(), torch.tensor([entropy]))
    other = DiagonalGaussianProbabilityDistribution(torch.zeros(1, 4), space)
    # KL(N(m, s) || N(0, 1)) = log(1/s) + (s^2 + m^2) / 2 - 1/2 per dim
    kl = (0 + 0.5 - 0.5) + (-math.log(2.0) + (4.0 + 1.0) / 2 - 0.5)
    torch.testing.assert_close(dist.kl(other), torch.tensor([kl]))
    torch.testing.assert_close(dist.deterministic_sample(), mean)
    assert DiagonalGaussianProbabilityDistribution.required_logits_shape(space) == (4,)
    cold = DiagonalGaussianProbabilityDistribution(torch.cat([mean, log_std], -1), space, temperature=0.5)
    torch.testing.assert_close(cold.dist.stddev, torch.tensor([[0.5, 1.0]]))


def test_squashed_gaussian_matches_torch_transformed_distribution():
    from torch.distributions import AffineTransform, TanhTransform, TransformedDistribution

    space = spaces.Box(np.array([-2.0, 0.0], np.float32), np.array([2.0, 1.0], np.float32))
    logits = torch.tensor([[0.3, -0.2, math.log(0.5), math.log(1.5)]])
    dist = SquashedGaussianProbabilityDistribution(logits, space)
    reference = TransformedDistribution(Normal(logits[:, :2], logits[:, 2:].exp()),
                                        [TanhTransform(), AffineTransform(torch.tensor([0.0, 0.5]), torch.tensor([2.0, 0.5]))])
    a = torch.tensor([[1.2, 0.3]])
    torch.testing.assert_close(dist.log_prob(a), reference.log_prob(a).sum(-1), atol=1e-4, rtol=1e-4)
    samples = torch.stack([dist.sample() for _ in range(200)])
    assert torch.all(samples[..., 0].abs() <= 2.0) and torch.all((samples[..., 1] >= 0) & (samples[..., 1] <= 1))
    torch.testing.assert_close(dist.deterministic_sample(), torch.tensor([[2.0 * math.tanh(0.3), 0.5 + 0.5 * math.tanh(-0.2)]]))
    # KL is invariant under the shared squashing: equals the KL of the base Gaussians
    other = SquashedGaussianProbabilityDistribution(torch.zeros(1, 4), space)
    base = Normal(logits[:, :2], logits[:, 2:].exp())
    torch.testing.assert_close(dist.kl(other), torch.distributions.kl_divergence(base, Normal(0.0, 1.0)).sum(-1))
    # entropy is an unbiased Monte-Carlo estimate of -E[log p(a)]
    torch.manual_seed(1)
    estimate = torch.stack([dist.entropy() for _ in range(4000)]).mean()
    draws = reference.sample((4000,))
    torch.testing.assert_close(estimate, -reference.log_prob(draws).sum(-1).mean(), atol=0.06, rtol=0.0)
    with pytest.raises(ValueError, match="bounded Box"):
        SquashedGaussianProbabilityDistribution(logits, spaces.Box(-np.inf, np.inf, (2,)))


def test_beta_scaled_to_bounds():
    space = spaces.Box(np.array([-1.0], np.float32), np.array([3.0], np.float32))
    raw = torch.tensor([[0.5, -0.3]])
    dist = BetaProbabilityDistribution(raw, space)
    alpha = 1 + torch.nn.functional.softplus(raw[:, :1])
    beta = 1 + torch.nn.functional.softplus(raw[:, 1:])
    reference = Beta(alpha, beta)
    a = torch.tensor([[2.0]])
    torch.testing.assert_close(dist.log_prob(a), reference.log_prob(torch.tensor([[0.75]])).sum(-1) - math.log(4.0))
    torch.testing.assert_close(dist.entropy(), reference.entropy().sum(-1) + math.log(4.0))
    other = BetaProbabilityDistribution(torch.zeros(1, 2), space)
    torch.testing.assert_close(dist.kl(other), torch.distributions.kl_divergence(reference, other.dist).sum(-1))
    mode = (alpha - 1) / (alpha + beta - 2)
    torch.testing.assert_close(dist.deterministic_sample(), -1.0 + 4.0 * mode)
    samples = torch.stack([dist.sample() for _ in range(200)])
    assert torch.all((samples >= -1.0) & (samples <= 3.0))


def test_multi_categorical_is_the_joint_of_categoricals():
    space = spaces.MultiDiscrete([2, 3])
    logits = torch.randn(4, 5)
    dist = MultiCategoricalProbabilityDistribution(logits, space)
    c0, c1 = Categorical(logits=logits[:, :2]), Categorical(logits=logits[:, 2:])
    actions = torch.tensor([[0, 2], [1, 0], [1, 1], [0, 0]])
    torch.testing.assert_close(dist.log_prob(actions), c0.log_prob(actions[:, 0]) + c1.log_prob(actions[:, 1]))
    torch.testing.assert_close(dist.entropy(), c0.entropy() + c1.entropy())
    torch.testing.assert_close(dist.entropy(reduce_fun=torch.mean), (c0.entropy() + c1.entropy()) / 2)
    other = MultiCategoricalProbabilityDistribution(torch.zeros(4, 5), space)
    kl = torch.distributions.kl_divergence(c0, Categorical(logits=torch.zeros(4, 2))) + \
        torch.distributions.kl_divergence(c1, Categorical(logits=torch.zeros(4, 3)))
    torch.testing.assert_close(dist.kl(other), kl)
    assert dist.sample().shape == (4, 2)
    assert dist.deterministic_sample()[:, 1].tolist() == torch.argmax(logits[:, 2:], -1).tolist()


def test_dict_distribution_per_key_and_joint():
    d1 = CategoricalProbabilityDistribution(torch.tensor([[0.0, 1.0]]), spaces.Discrete(2))
    d2 = BernoulliProbabilityDistribution(torch.tensor([[0.5, -0.5]]), spaces.MultiBinary(2))
    dist = DictProbabilityDistribution({"move": d1, "use": d2})
    actions = {"move": torch.tensor([1]), "use": torch.tensor([[1.0, 0.0]])}
    log_probs = dist.log_prob(actions)
    torch.testing.assert_close(log_probs["move"], d1.log_prob(actions["move"]))
    torch.testing.assert_close(log_probs["use"], d2.log_prob(actions["use"]))
    torch.testing.assert_close(dist.joint_log_prob(actions), log_probs["move"] + log_probs["use"])
    torch.testing.assert_close(dist.entropy(), d1.entropy() + d2.entropy())
    torch.testing.assert_close(dist.entropy(torch.mean), (d1.entropy() + d2.entropy()) / 2)
    other = DictProbabilityDistribution({
        "move": CategoricalProbabilityDistribution(torch.zeros(1, 2), spaces.Discrete(2)),
        "use": BernoulliProbabilityDistribution(torch.zeros(1, 2), spaces.MultiBinary(2))})
    torch.testing.assert_close(dist.kl(other), d1.kl(other["move"]) + d2.kl(other["use"]))
    assert set(dist.sample()) == {"move", "use"}
    assert dist.deterministic_sample()["move"].tolist() == [1]
    with pytest.raises(KeyError, match="lack the action head"):
        dist.log_prob({"move": torch.tensor([1])})


ACTION_SPACE = spaces.Dict({
    "discrete": spaces.Discrete(3),
    "multi_discrete": spaces.MultiDiscrete([2, 4]),
    "binary": spaces.MultiBinary(5),
    "box": spaces.Box(-1.0, 1.0, (2,)),
    "special_action": spaces.Box(-1.0, 1.0, (2,)),
})


def test_mapper_defaults_and_logits_shapes():
    mapper = DistributionMapper(ACTION_SPACE, distribution_mapper_config={})
    assert mapper.distribution_class("discrete") is CategoricalProbabilityDistribution
    assert mapper.distribution_class("multi_discrete") is MultiCategoricalProbabilityDistribution
    assert mapper.distribution_class("binary") is BernoulliProbabilityDistribution
    assert mapper.distribution_class("box") is DiagonalGaussianProbabilityDistribution
    assert {h: mapper.required_logits_shape(h) for h in ACTION_SPACE.spaces} == {
        "discrete": (3,), "multi_discrete": (6,), "binary": (5,), "box": (4,), "special_action": (4,)}
    logits = {h: torch.zeros(7, *mapper.required_logits_shape(h)) for h in ACTION_SPACE.spaces}
    logits["latent"] = torch.zeros(7, 3)  # non-head keys are ignored
    dist = mapper.logits_dict_to_distribution(logits, temperature=1.0)
    assert isinstance(dist, DictProbabilityDistribution)
    sample = dist.sample()
    assert sample["multi_discrete"].shape == (7, 2) and sample["box"].shape == (7, 2)
    assert dist.entropy().shape == (7,)


def test_mapper_overrides_more_specific_wins():
    config = [
        {"action_head": "special_action", "distribution": "maze.distributions.squashed_gaussian.SquashedGaussianProbabilityDistribution"},
        {"action_space": "gym.spaces.Box", "distribution": "maze.distributions.beta.BetaProbabilityDistribution"},
    ]
    mapper = DistributionMapper(ACTION_SPACE, config)
    assert mapper.distribution_class("box") is BetaProbabilityDistribution
    assert mapper.distribution_class("special_action") is SquashedGaussianProbabilityDistribution
    # registered short names and space short names work too
    mapper = DistributionMapper(ACTION_SPACE, [{"action_space": "Box", "distribution": "squashed_gaussian"}])
    assert mapper.distribution_class("box") is SquashedGaussianProbabilityDistribution
    assert mapper.distribution_class("discrete") is CategoricalProbabilityDistribution


def test_mapper_bad_config_errors_name_the_entry():
    with pytest.raises(ValueError, match="action_head 'nope' is not in the action space"):
        DistributionMapper(ACTION_SPACE, [{"action_head": "nope", "distribution": "beta"}])
    with pytest.raises(ValueError, match="unknown action_space 'gym.spaces.Boxx'"):
        DistributionMapper(ACTION_SPACE, [{"action_space": "gym.spaces.Boxx", "distribution": "beta"}])
    with pytest.raises(ValueError, match=r"distribution_mapper_config\[0\].distribution = 'betta': unknown distribution 'betta'"):
        DistributionMapper(ACTION_SPACE, [{"action_space": "Box", "distribution": "betta"}])
    with pytest.raises(ValueError, match="distribution_mapper_config\\[0\\]"):
        DistributionMapper(ACTION_SPACE, [{"distribution": "beta"}])
