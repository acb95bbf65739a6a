"""Model composers: hold the spaces, the policy and critic networks and the distribution mapper.

Construction contract (used by maze-train and by Hydra ``model`` configs)::

    composer = Factory(BaseModelComposer).instantiate(
        cfg.model,                                   # e.g. conf/model/vector_obs.yaml (+ model.critic from the critic group)
        action_spaces_dict=env.action_spaces_dict,   # {sub-step key: gymnasium.spaces.Dict}
        observation_spaces_dict=env.observation_spaces_dict,
        agent_counts_dict=env.agent_counts_dict)
    composer.policy.networks          # {sub-step key (or ActorID for separate agent nets): nn.Module}
    composer.distribution_mapper      # DistributionMapper over the merged action space of all sub-steps
    composer.critic                   # a critic composer (None if no critic configured):
    composer.critic.networks          #   {critic key: nn.Module}
    composer.critic.critic_type       #   "shared_state" | "step_state" | "delta_state" | "shared_state_action" | "step_state_action"
    composer.critic.shared_embedding_keys  # {sub-step key: [policy output keys to add to the critic input]}
    composer.save_models(output_dir)  # policy_<key>.pdf/.png and critic_<key>.pdf/.png graph pictures
    composer.spaces_config().save(os.path.join(output_dir, "spaces_config.json"))

Model config keys (``_target_`` plus): ``distribution_mapper_config`` (list, may be empty), ``policy``
(``{_target_: ProbabilisticPolicyComposer, ...}``), ``critic`` (``{_target_: <critic composer>, ...}`` or
``None``), and for the template composer ``model_builder``.
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from gymnasium import spaces
from torch import nn

from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.distributions.distribution_mapper import DistributionMapper
from maze.perception.blocks.inference import InferenceBlock, InferenceGraph
from maze.perception.models.critics.base_critic_composer import BaseCriticComposer
from maze.perception.models.policies.base_policy_composer import BasePolicyComposer
from maze.perception.models.space_config import SpacesConfig
from maze.perception.models.utils import find_inference_block, normalize_spaces_dict
from maze.perception.perception_utils import flat_structured_space

logger = logging.getLogger(__name__)


def _file_key(key: Any) -> str:
    if isinstance(key, ActorID):
        return f"{key.step_key}_{key.agent_id}"
    return str(key)


class BaseModelComposer(ABC):
    """Abstract base of model composers (see the module docstring for the construction contract).

    :param action_spaces_dict: sub-step key → action ``Dict`` space (a single ``Dict`` is read as sub-step 0).
    :param observation_spaces_dict: sub-step key → observation ``Dict`` space.
    :param agent_counts_dict: sub-step key → number of agents (default 1 each).
    :param distribution_mapper_config: distribution mapper overrides (see
        :class:`~maze.distributions.distribution_mapper.DistributionMapper`).
    """

    def __init__(self, action_spaces_dict: Mapping[Any, spaces.Dict], observation_spaces_dict: Mapping[Any, spaces.Dict],
                 agent_counts_dict: Mapping[Any, int] | None = None, distribution_mapper_config: Any = None) -> None:
        self.action_spaces_dict = normalize_spaces_dict(action_spaces_dict, "action_spaces_dict")
        self.observation_spaces_dict = normalize_spaces_dict(observation_spaces_dict, "observation_spaces_dict")
        if list(self.action_spaces_dict) != list(self.observation_spaces_dict):
            raise ConfigError(f"action_spaces_dict has sub-steps {list(self.action_spaces_dict)}, observation_spaces_dict has "
                              f"{list(self.observation_spaces_dict)}; they must match")
        self.agent_counts_dict = dict(agent_counts_dict) if agent_counts_dict else {k: 1 for k in self.action_spaces_dict}
        self.distribution_mapper_config = to_plain(distribution_mapper_config)
        self._distribution_mapper = DistributionMapper(flat_structured_space(self.action_spaces_dict), self.distribution_mapper_config)

    @property
    def distribution_mapper(self) -> DistributionMapper:
        """Maps the action heads of all sub-steps to distributions."""
        return self._distribution_mapper

    @property
    @abstractmethod
    def policy(self) -> BasePolicyComposer:
        """The policy composer (``.networks``: sub-step key → network)."""

    @property
    @abstractmethod
    def critic(self) -> BaseCriticComposer | None:
        """The critic composer (``.networks``, ``.critic_type``), or ``None``."""

    @classmethod
    def check_model_config(cls, model_config: Any) -> None:
        """Validate a model config before instantiation (raises :class:`ConfigError`)."""
        cfg = to_plain(model_config)
        if not isinstance(cfg, Mapping):
            raise ConfigError(f"model config must be a mapping, got {type(cfg).__name__}")
        if "policy" not in cfg or not cfg["policy"]:
            raise ConfigError(f"model config needs a 'policy' entry ({{_target_: maze.perception.models.policies.ProbabilisticPolicyComposer}}); keys: {sorted(cfg)}")

    def spaces_config(self) -> SpacesConfig:
        """The spaces to save next to the model weights."""
        return SpacesConfig(self.action_spaces_dict, self.observation_spaces_dict, self.agent_counts_dict)

    @staticmethod
    def _drop_none(cfg: Any) -> Any:
        """Top-level keys set to ``None`` are removed (critic group configs null keys of other critic types)."""
        cfg = to_plain(cfg)
        if isinstance(cfg, Mapping):
            return {k: v for k, v in cfg.items() if v is not None or k == "_target_"}
        return cfg

    def _make_policy_composer(self, policy: Any, networks: Any = None) -> BasePolicyComposer:
        policy = self._drop_none(policy)
        if policy is None:
            raise ConfigError("model config has no 'policy' entry (e.g. {_target_: maze.perception.models.policies.ProbabilisticPolicyComposer})")
        kwargs: dict[str, Any] = {"action_spaces_dict": self.action_spaces_dict, "observation_spaces_dict": self.observation_spaces_dict,
                                  "distribution_mapper": self._distribution_mapper}
        if networks is not None:
            kwargs["networks"] = networks
        return Factory(BasePolicyComposer).instantiate(policy, _optional_kwargs={"agent_counts_dict": self.agent_counts_dict}, **kwargs)

    def _make_critic_composer(self, critic: Any, shared_embedding_shapes: Mapping[Any, Any], networks: Any = None) -> BaseCriticComposer | None:
        critic = self._drop_none(critic)
        if critic is None:
            return None
        kwargs: dict[str, Any] = {"observation_spaces_dict": self.observation_spaces_dict}
        if networks is not None:
            kwargs["networks"] = networks
        optional = {"agent_counts_dict": self.agent_counts_dict, "action_spaces_dict": self.action_spaces_dict,
                    "shared_embedding_shapes": dict(shared_embedding_shapes)}
        return Factory(BaseCriticComposer).instantiate(critic, _optional_kwargs=optional, **kwargs)

    def save_models(self, output_dir: str | None = None) -> list[str]:
        """Save graph pictures (PDF and PNG) of all policy and critic networks that contain an
        :class:`~maze.perception.blocks.inference.InferenceBlock` (plain torch networks are skipped).

        Files: ``policy_<key>.pdf/.png`` and ``critic_<key>.pdf/.png`` in ``output_dir`` (default: the
        current directory, which is Hydra's run dir in a ``maze-run``).

        :return: the written file paths.
        """
        output_dir = output_dir or os.getcwd()
        written: list[str] = []
        groups: list[tuple[str, Mapping[Any, nn.Module]]] = [("policy", self.policy.networks)]
        if self.critic is not None:
            groups.append(("critic", self.critic.networks))
        for prefix, networks in groups:
            for key, net in networks.items():
                block = find_inference_block(net) or self._plain_network_graph(prefix, key, net)
                if block is None:
                    continue
                name = f"{prefix}_{_file_key(key)}"
                pdf = InferenceGraph(block).save(name, output_dir)
                written.extend([pdf, pdf[: -len(".pdf")] + ".png"])
        return written

    def _plain_network_graph(self, prefix: str, key: Any, net: nn.Module) -> InferenceBlock | None:
        """A one-box graph for a plain torch network (inputs, the module with its parameters, outputs), so
        custom torch models get a picture too. ``None`` when the network's inputs cannot be determined."""
        from maze.perception.blocks.general.torch_model_block import TorchModelBlock
        from maze.perception.models.utils import network_output_shapes

        if prefix == "critic":
            space = getattr(self.critic, "network_observation_spaces_dict", {}).get(key)
        else:
            space = self.observation_spaces_dict.get(getattr(key, "step_key", key))
        if not isinstance(space, spaces.Dict):
            return None
        try:
            out_shapes = network_output_shapes(net, space, f"{prefix} network {key!r}")
            in_keys = list(space.spaces)
            in_shapes = [tuple(space[k].shape) for k in in_keys]
            wrapped = TorchModelBlock(in_keys=in_keys, out_keys=list(out_shapes), in_shapes=in_shapes,
                                      in_num_dims=[len(sh) + 1 for sh in in_shapes],
                                      out_num_dims=[len(sh) + 1 for sh in out_shapes.values()], net=net)
            return InferenceBlock(in_keys=in_keys, out_keys=list(out_shapes), in_shapes=in_shapes,
                                  perception_blocks={type(net).__name__: wrapped})
        except Exception as exc:  # noqa: BLE001 - a picture must never stop training
            logger.warning("no graph picture for %s network %r (%s): %s", prefix, key, type(net).__name__, exc)
            return None


class BuiltModelComposer(BaseModelComposer):
    """Base of model composers that build their policy and critic composers at construction (the custom and
    template composers): subclasses set ``self._policy`` and ``self._critic`` in ``__init__``, which
    :attr:`policy` and :attr:`critic` return.
    """

    _policy: BasePolicyComposer
    _critic: BaseCriticComposer | None

    @property
    def policy(self) -> BasePolicyComposer:
        return self._policy

    @property
    def critic(self) -> BaseCriticComposer | None:
        return self._critic
