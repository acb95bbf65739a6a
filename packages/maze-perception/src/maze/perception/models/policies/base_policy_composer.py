"""Interface of policy (actor) network composers."""

from __future__ import annotations

from abc import ABC
from collections.abc import Mapping
from typing import Any

from gymnasium import spaces
from torch import nn

from maze.distributions.distribution_mapper import DistributionMapper
from maze.perception.models.utils import normalize_spaces_dict


class BasePolicyComposer(ABC):
    """Builds the policy networks of all sub-steps.

    :param action_spaces_dict: sub-step key → action ``Dict`` space.
    :param observation_spaces_dict: sub-step key → observation ``Dict`` space.
    :param distribution_mapper: maps action heads to distributions (gives the logits shapes).
    :param agent_counts_dict: sub-step key → number of agents (default 1 each).
    """

    def __init__(self, action_spaces_dict: Mapping[Any, spaces.Dict], observation_spaces_dict: Mapping[Any, spaces.Dict],
                 distribution_mapper: DistributionMapper, agent_counts_dict: Mapping[Any, int] | None = None) -> None:
        self.action_spaces_dict = normalize_spaces_dict(action_spaces_dict, "action_spaces_dict")
        self.observation_spaces_dict = normalize_spaces_dict(observation_spaces_dict, "observation_spaces_dict")
        self.distribution_mapper = distribution_mapper
        self.agent_counts_dict = dict(agent_counts_dict) if agent_counts_dict else {k: 1 for k in self.action_spaces_dict}
        self.networks: dict[Any, nn.Module] = {}

    def action_logits_shapes(self, step_key: Any) -> dict[str, tuple[int, ...]]:
        """Logits shape per action head of a sub-step."""
        return {head: self.distribution_mapper.required_logits_shape(head) for head in self.action_spaces_dict[step_key].spaces}
