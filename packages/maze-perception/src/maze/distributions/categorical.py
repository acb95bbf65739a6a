"""Categorical distribution for Discrete action spaces (supports action masking by logits)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from gymnasium import spaces
from torch.distributions import Categorical

from maze.distributions.distribution import ProbabilityDistribution
from maze.distributions.torch_dist import TorchProbabilityDistribution
from maze.distributions.utils import check_logits, check_temperature


class CategoricalProbabilityDistribution(TorchProbabilityDistribution):
    """Categorical distribution over ``Discrete(n)`` actions.

    Masked actions (logits set to ``-inf`` or to the most negative float, as
    :class:`~maze.perception.blocks.general.action_masking.ActionMaskingBlock` does) get probability 0:
    they are never sampled, never chosen deterministically (unless every action is masked) and their
    ``log_prob`` is ``-inf`` or hugely negative.

    The computations are written directly on the normalised log-probabilities (one ``log_softmax`` per
    distribution, shared by sampling, ``log_prob``, ``entropy`` and ``kl``) rather than through
    ``torch.distributions.Categorical``, which normalises, validates and broadcasts anew in each call: sampling
    and the losses of small policies run several times faster, with the same values. :attr:`dist` still gives the
    equivalent torch distribution.

    Sampling uses the exponential race (``argmax(p / E)`` with ``E ~ Exp(1)`` i.i.d. per action), which draws
    exactly from the categorical distribution and never picks an action of probability 0.

    :param logits: unnormalised log-probabilities, shape ``(*batch, n)``.
    :param action_space: the ``Discrete`` action space.
    :param temperature: logits are divided by it; 1.0 = unmodified, < 1.0 = closer to the arg-max.
    """

    def __init__(self, logits: torch.Tensor, action_space: spaces.Discrete, temperature: float = 1.0) -> None:
        temperature = check_temperature(temperature)
        check_logits(logits, int(action_space.n), type(self).__name__)
        self.logits = logits
        self.action_space = action_space
        self.event_dims = 0
        self._scaled = logits / temperature if temperature != 1.0 else logits
        self._log_probs: torch.Tensor | None = None
        self._probs: torch.Tensor | None = None
        self._dist: Categorical | None = None

    @classmethod
    def required_logits_shape(cls, action_space: spaces.Discrete) -> Sequence[int]:
        return (int(action_space.n),)

    @property
    def log_probs(self) -> torch.Tensor:
        """Normalised log-probabilities of every action, shape ``(*batch, n)`` (``-inf`` for masked actions)."""
        if self._log_probs is None:
            self._log_probs = torch.log_softmax(self._scaled, dim=-1)
        return self._log_probs

    @property
    def probs(self) -> torch.Tensor:
        """Probabilities of every action, shape ``(*batch, n)``."""
        if self._probs is None:
            self._probs = self.log_probs.exp()
        return self._probs

    @property
    def dist(self) -> Categorical:  # type: ignore[override]
        """The equivalent ``torch.distributions.Categorical`` (built on first use)."""
        if self._dist is None:
            self._dist = Categorical(logits=self._scaled)
        return self._dist

    def sample(self) -> torch.Tensor:
        probs = self.probs.detach()
        race = torch.empty_like(probs).exponential_().clamp_min_(torch.finfo(probs.dtype).tiny)
        return torch.argmax(probs / race, dim=-1)

    def deterministic_sample(self) -> torch.Tensor:
        return torch.argmax(self.logits, dim=-1)

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        log_probs = self.log_probs
        index = actions.long().unsqueeze(-1)
        if index.shape[:-1] != log_probs.shape[:-1]:
            index, log_probs = torch.broadcast_tensors(index, log_probs)
            index = index[..., :1]
        return log_probs.gather(-1, index).squeeze(-1)

    def entropy(self) -> torch.Tensor:
        # masked actions: p = 0 times a finite (clamped) log-probability, so they add 0 rather than NaN
        log_probs = self.log_probs.clamp(min=torch.finfo(self.log_probs.dtype).min)
        return -(log_probs * self.probs).sum(-1)

    def kl(self, other: ProbabilityDistribution) -> torch.Tensor:
        """KL(self || other): ``inf`` where ``other`` gives probability 0 to an action ``self`` can take."""
        if not isinstance(other, CategoricalProbabilityDistribution):
            raise TypeError(f"kl() needs another CategoricalProbabilityDistribution, got {type(other).__name__}")
        p = self.probs
        terms = p * (self.log_probs - other.log_probs)
        return torch.where(p == 0, torch.zeros_like(terms), terms).sum(-1)
