"""Composes models from explicit network classes given in the config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gymnasium import spaces

from maze.core.utils.factory import ConfigError, to_plain
from maze.perception.models.model_composer import BuiltModelComposer


class CustomModelComposer(BuiltModelComposer):
    """Builds policy and critic networks from network classes named in the config.

    Network constructor signatures (plus any params from the config):

    * policy networks: ``(obs_shapes, action_logits_shapes, **params)`` returning a dict with one
      logits tensor per action head;
    * state critic networks: ``(obs_shapes, **params)`` returning ``{"value": ...}``;
    * state-action critic networks: ``(obs_shapes, output_shapes, **params)``.

    A policy network returning keys beyond the action heads (e.g. ``latent_screen``) shares them with the
    critic: they are added to the critic's ``obs_shapes`` and listed in ``critic.shared_embedding_keys``.

    :param action_spaces_dict: sub-step key → action ``Dict`` space.
    :param observation_spaces_dict: sub-step key → observation ``Dict`` space.
    :param agent_counts_dict: sub-step key → number of agents.
    :param distribution_mapper_config: distribution mapper overrides.
    :param policy: ``{_target_: ProbabilisticPolicyComposer, networks: [...], substeps_with_separate_agent_nets: []}``.
    :param critic: ``{_target_: <critic composer>, networks: [...], ...}`` or ``None``.
    """

    def __init__(self, action_spaces_dict: Mapping[Any, spaces.Dict], observation_spaces_dict: Mapping[Any, spaces.Dict],
                 agent_counts_dict: Mapping[Any, int] | None = None, distribution_mapper_config: Any = None,
                 policy: Any = None, critic: Any = None) -> None:
        super().__init__(action_spaces_dict, observation_spaces_dict, agent_counts_dict, distribution_mapper_config)
        self._policy = self._make_policy_composer(policy)
        self.shared_embedding_shapes = dict(getattr(self._policy, "shared_embedding_shapes", {}) or {})
        self._critic = self._make_critic_composer(critic, self.shared_embedding_shapes)

    @classmethod
    def check_model_config(cls, model_config: Any) -> None:
        super().check_model_config(model_config)
        cfg = to_plain(model_config)
        if isinstance(cfg["policy"], Mapping) and "networks" not in cfg["policy"]:
            raise ConfigError("CustomModelComposer: 'policy' needs 'networks' (a list of network configs with '_target_')")
