"""Networks of probabilistic policies (policy-gradient methods)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gymnasium import spaces

from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import ConfigError
from maze.distributions.distribution_mapper import DistributionMapper
from maze.perception.models.policies.base_policy_composer import BasePolicyComposer
from maze.perception.models.utils import _lookup, build_networks, network_output_shapes
from maze.perception.perception_utils import space_shapes


class ProbabilisticPolicyComposer(BasePolicyComposer):
    """Composes the networks of a probabilistic policy π(a|s), one per sub-step (or per agent).

    Each network is built with ``obs_shapes`` (observation key → shape of its sub-step) and
    ``action_logits_shapes`` (action head → logits shape required by the distribution mapper) plus its
    config params, and must return a dict with one logits tensor per action head (extra keys are
    shared embeddings, see the model composers). Outputs are checked at construction: a missing head
    or a wrong logits shape is an error naming the network and the sub-step.

    Result: :attr:`networks` maps each sub-step key to its network; for sub-steps listed in
    ``substeps_with_separate_agent_nets`` there is one network per agent under
    ``ActorID(step_key, agent_id)`` instead. maze-train builds its ``TorchPolicy`` from
    :attr:`networks` and :attr:`distribution_mapper`.

    :param action_spaces_dict: sub-step key → action ``Dict`` space.
    :param observation_spaces_dict: sub-step key → observation ``Dict`` space.
    :param distribution_mapper: the distribution mapper.
    :param networks: network configs or modules (one for all sub-steps, a list in sub-step order or a
        mapping sub-step key → config).
    :param substeps_with_separate_agent_nets: sub-steps whose agents get separate networks.
    :param agent_counts_dict: sub-step key → number of agents (needed for separate agent nets).
    """

    def __init__(self, action_spaces_dict: Mapping[Any, spaces.Dict], observation_spaces_dict: Mapping[Any, spaces.Dict],
                 distribution_mapper: DistributionMapper, networks: Any,
                 substeps_with_separate_agent_nets: Sequence[Any] | None = None,
                 agent_counts_dict: Mapping[Any, int] | None = None) -> None:
        super().__init__(action_spaces_dict, observation_spaces_dict, distribution_mapper, agent_counts_dict)
        self.substeps_with_separate_agent_nets = list(substeps_with_separate_agent_nets or [])
        for step in self.substeps_with_separate_agent_nets:
            if step not in self.action_spaces_dict:
                raise ConfigError(f"substeps_with_separate_agent_nets: unknown sub-step {step!r} (sub-steps: {list(self.action_spaces_dict)})")
            if self.agent_counts_dict.get(step, 1) < 1:
                raise ConfigError(f"sub-step {step!r} needs a known agent count (> 0) for separate agent nets, got {self.agent_counts_dict.get(step)}")

        keys: list[Any] = []
        for step in self.action_spaces_dict:
            if step in self.substeps_with_separate_agent_nets:
                keys.extend(ActorID(step, agent) for agent in range(self.agent_counts_dict[step]))
            else:
                keys.append(step)

        def step_of(key: Any) -> Any:
            return key.step_key if isinstance(key, ActorID) else key

        def make_kwargs(key: Any) -> dict[str, Any]:
            step = step_of(key)
            return {"obs_shapes": space_shapes(self.observation_spaces_dict[step]), "action_logits_shapes": self.action_logits_shapes(step)}

        step_networks = networks
        if isinstance(networks, Mapping) and "_target_" not in networks and self.substeps_with_separate_agent_nets:
            step_networks = {k: networks[k] if k in networks else _lookup(networks, step_of(k)) for k in keys}
        self.networks = build_networks(step_networks, keys, make_kwargs, "policy networks")
        self.shared_embedding_shapes: dict[Any, dict[str, tuple[int, ...]]] = {}
        for key, net in self.networks.items():
            step = step_of(key)
            outputs = network_output_shapes(net, self.observation_spaces_dict[step], f"policy network for {key!r}")
            expected = self.action_logits_shapes(step)
            missing = [h for h in expected if h not in outputs]
            if missing:
                raise ConfigError(f"policy network {type(net).__name__} for sub-step {key!r} returns {list(outputs)}, "
                                  f"missing action head(s) {missing}")
            for head, shape in expected.items():
                if tuple(outputs[head]) != tuple(shape):
                    raise ConfigError(f"policy network {type(net).__name__} for sub-step {key!r}: logits {head!r} have shape "
                                      f"{outputs[head]}, the distribution needs {shape}")
            extra = {k: v for k, v in outputs.items() if k not in expected}
            self.shared_embedding_shapes.setdefault(step, {}).update(extra)

    @property
    def policy(self) -> ProbabilisticPolicyComposer:
        """The composed policy description (this object: :attr:`networks` + :attr:`distribution_mapper`)."""
        return self
