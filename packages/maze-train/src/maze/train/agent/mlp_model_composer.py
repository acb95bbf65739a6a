"""A lean model composer of plain MLPs (``model=mlp``): fast, no graph pictures.

It follows the model-composer contract used by the training runners (as perception's composers do):
``.policy.networks``, ``.critic.networks``, ``.critic_type``, ``.distribution_mapper``, ``save_models()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import gymnasium as gym
from torch import nn

from maze.core.env.structured_env import StepKeyType
from maze.perception.models.model_composer import BaseModelComposer
from maze.train.agent.simple_nets import FlattenConcatMLP

CRITIC_TYPES = ("shared", "step", "delta", "none")


@dataclass
class NetworkSet:
    """Networks by key (``{step_key: nn.Module}``)."""

    networks: dict[Any, nn.Module] = field(default_factory=dict)


class MLPModelComposer(BaseModelComposer):
    """Policy and critic MLPs per sub-step over flattened, concatenated observations.

    :param action_spaces_dict: action spaces by sub-step key.
    :param observation_spaces_dict: observation spaces by sub-step key.
    :param agent_counts_dict: agents per sub-step (unused: agents of a sub-step share its network).
    :param distribution_mapper_config: distribution mapper overrides (perception's format).
    :param hidden_units: MLP layer sizes of policies and critics.
    :param activation: ``tanh``, ``relu`` or ``elu``.
    :param critic: ``shared`` (one network; needs identical observation spaces across sub-steps), ``step``
        (one per sub-step), ``delta`` (per sub-step, later sub-steps predict a delta) or ``none``.
    :param shared_policy: one policy network for all sub-steps (needs identical spaces).
    :param mask_keys: ``{action head: observation key of its 0/1 mask}`` (default: ``<head>_mask`` when present).
    """

    def __init__(self, action_spaces_dict: Mapping[StepKeyType, gym.spaces.Dict],
                 observation_spaces_dict: Mapping[StepKeyType, gym.spaces.Dict],
                 agent_counts_dict: Mapping[StepKeyType, int] | None = None,
                 distribution_mapper_config: Any = None, hidden_units: Sequence[int] = (64, 64),
                 activation: str = "tanh", critic: str = "shared", shared_policy: bool = False,
                 mask_keys: Mapping[str, str] | None = None) -> None:
        from maze.distributions.distribution_mapper import DistributionMapper

        if critic not in CRITIC_TYPES:
            raise ValueError(f"model.critic = {critic!r} is invalid; choose one of {list(CRITIC_TYPES)}")
        super().__init__(action_spaces_dict, observation_spaces_dict, agent_counts_dict, distribution_mapper_config)
        self.critic_type = critic
        self.mappers = {k: DistributionMapper(space, distribution_mapper_config) for k, space in self.action_spaces_dict.items()}
        self._policy = NetworkSet()
        for key, space in self.action_spaces_dict.items():
            shapes = {head: self.mappers[key].required_logits_shape(head) for head in space.spaces}
            if shared_policy and self._policy.networks:
                self._policy.networks[key] = next(iter(self._policy.networks.values()))
            else:
                self._policy.networks[key] = FlattenConcatMLP(self.observation_spaces_dict[key], shapes, hidden_units,
                                                             activation, output_gain=0.01, mask_keys=mask_keys)
        self._critic = NetworkSet()
        if critic == "shared":
            first = next(iter(self.observation_spaces_dict))
            self._critic.networks[first] = FlattenConcatMLP(self.observation_spaces_dict[first], {"value": (1,)},
                                                           hidden_units, activation, output_gain=1.0)
        elif critic in ("step", "delta"):
            for i, (key, space) in enumerate(self.observation_spaces_dict.items()):
                if critic == "delta" and i > 0:
                    space = gym.spaces.Dict({**space.spaces, "prev_value": gym.spaces.Box(-float("inf"), float("inf"), (1,))})
                self._critic.networks[key] = FlattenConcatMLP(space, {"value": (1,)}, hidden_units, activation, output_gain=1.0)

    @property
    def policy(self) -> Any:
        """The policy networks (``.networks``: sub-step key → network)."""
        return self._policy

    @property
    def critic(self) -> Any:
        """The critic networks (``.networks``; empty for ``critic=none``)."""
        return self._critic

    @property
    def distribution_mapper(self) -> Any:
        """One mapper per sub-step key (a mapping accepted by TorchPolicy)."""
        if len(self.mappers) == 1:
            return next(iter(self.mappers.values()))
        return self.mappers

    def save_models(self, output_dir: str | None = None) -> list[str]:
        """Plain MLPs have no graph pictures (perception's composers draw them)."""
        return []
