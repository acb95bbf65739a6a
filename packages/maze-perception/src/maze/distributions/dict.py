"""Joint distribution over a dictionary of action heads."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch

from maze.distributions.distribution import ProbabilityDistribution


class DictProbabilityDistribution(ProbabilityDistribution):
    """Independent distributions, one per action head (key of a ``Dict`` action space).

    ``sample``/``deterministic_sample``/``log_prob`` work per key and return dicts; ``entropy`` and
    ``kl`` reduce over the heads with ``reduce_fun`` (default sum = the value of the joint distribution;
    ``torch.mean`` gives the average over heads). :meth:`joint_log_prob` sums the per-key
    log-likelihoods.

    :param distribution_dict: action head → sub-distribution.
    """

    def __init__(self, distribution_dict: Mapping[str, ProbabilityDistribution]) -> None:
        if not distribution_dict:
            raise ValueError("DictProbabilityDistribution needs at least one sub-distribution")
        self.distribution_dict = dict(distribution_dict)

    def sample(self) -> dict[str, torch.Tensor]:
        return {k: d.sample() for k, d in self.distribution_dict.items()}

    def deterministic_sample(self) -> dict[str, torch.Tensor]:
        return {k: d.deterministic_sample() for k, d in self.distribution_dict.items()}

    def _check_keys(self, actions: Mapping[str, torch.Tensor]) -> None:
        missing = [k for k in self.distribution_dict if k not in actions]
        if missing:
            raise KeyError(f"actions lack the action head(s) {missing}; got keys {sorted(actions)}")

    def log_prob(self, actions: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        self._check_keys(actions)
        return {k: d.log_prob(actions[k]) for k, d in self.distribution_dict.items()}

    def neg_log_prob(self, actions: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {k: -v for k, v in self.log_prob(actions).items()}

    def joint_log_prob(self, actions: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """Sum of the per-head log-likelihoods (log-likelihood of the joint action)."""
        return torch.stack(list(self.log_prob(actions).values()), dim=-1).sum(-1)

    def entropy(self, reduce_fun: Callable[..., torch.Tensor] = torch.sum) -> torch.Tensor:
        return reduce_fun(torch.stack([d.entropy() for d in self.distribution_dict.values()], dim=-1), dim=-1)

    def entropy_dict(self) -> dict[str, torch.Tensor]:
        """Entropy per action head."""
        return {k: d.entropy() for k, d in self.distribution_dict.items()}

    def kl(self, other: ProbabilityDistribution, reduce_fun: Callable[..., torch.Tensor] = torch.sum) -> torch.Tensor:
        if not isinstance(other, DictProbabilityDistribution) or set(other.distribution_dict) != set(self.distribution_dict):
            raise TypeError(f"kl() needs a DictProbabilityDistribution with heads {sorted(self.distribution_dict)}")
        values = [d.kl(other.distribution_dict[k]) for k, d in self.distribution_dict.items()]
        return reduce_fun(torch.stack(values, dim=-1), dim=-1)

    def __getitem__(self, key: str) -> ProbabilityDistribution:
        return self.distribution_dict[key]
