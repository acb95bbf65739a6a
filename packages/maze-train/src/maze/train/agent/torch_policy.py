"""TorchPolicy: policy networks per sub-step plus a distribution mapper, for training and rollouts."""

from __future__ import annotations

import collections.abc
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from maze.core.agent.policy import Policy
from maze.core.env.structured_env import ActorID, StepKeyType
from maze.train.agent.torch_model import TorchModel, iter_unique_modules
from maze.train.utils.train_utils import to_tensor_dict


def _per_sample(t: torch.Tensor) -> torch.Tensor:
    """Reduce all but the batch dimension by summation (log-probs/entropies of multi-dim heads)."""
    return t if t.dim() <= 1 else t.reshape(t.shape[0], -1).sum(-1)


def joint_log_prob(prob_dist: Any, actions: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Sum of the per-head log-probabilities of ``actions`` (shape ``(batch,)``)."""
    log_probs = prob_dist.log_prob(actions)
    total = None
    for value in log_probs.values():
        value = _per_sample(value)
        total = value if total is None else total + value
    return total  # type: ignore[return-value]


def joint_entropy(prob_dist: Any) -> torch.Tensor:
    """Sum of the per-head entropies (shape ``(batch,)``)."""
    heads = getattr(prob_dist, "distribution_dict", None)
    if heads is None:
        return _per_sample(prob_dist.entropy())
    total = None
    for dist in heads.values():
        value = _per_sample(dist.entropy())
        total = value if total is None else total + value
    return total  # type: ignore[return-value]


@dataclass
class PolicySubStepOutput:
    """Output of one sub-step policy on a batch of observations.

    :param action_logits: raw network outputs by action head.
    :param prob_dist: the dict probability distribution built from the logits.
    :param actor_id: the actor whose network produced the output.
    :param embedding_logits: optional latent outputs of the network (keys that are not action heads).
    """

    action_logits: dict[str, torch.Tensor]
    prob_dist: Any
    actor_id: ActorID
    embedding_logits: dict[str, torch.Tensor] | None = None

    @property
    def entropy(self) -> torch.Tensor:
        """Joint entropy per sample."""
        return joint_entropy(self.prob_dist)

    def log_probs_for_actions(self, actions: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """Joint log-probability of ``actions`` per sample."""
        return joint_log_prob(self.prob_dist, actions)


@dataclass
class PolicyOutput:
    """Outputs of all sub-steps of a (structured) step, in sub-step order."""

    substep_outputs: list[PolicySubStepOutput] = field(default_factory=list)

    def append(self, output: PolicySubStepOutput) -> None:
        self.substep_outputs.append(output)

    def __getitem__(self, i: int) -> PolicySubStepOutput:
        return self.substep_outputs[i]

    def __len__(self) -> int:
        return len(self.substep_outputs)

    @property
    def actor_ids(self) -> list[ActorID]:
        return [o.actor_id for o in self.substep_outputs]

    @property
    def entropies(self) -> list[torch.Tensor]:
        return [o.entropy for o in self.substep_outputs]


class TorchPolicy(TorchModel, Policy):
    """Policy networks (one per sub-step key, or per actor) plus a distribution mapper.

    Networks map a dict of observation tensors (with a batch dimension) to a dict of logits, one entry per
    action head. The distribution mapper turns logits into a dict probability distribution
    (``maze.distributions.distribution_mapper.DistributionMapper`` or any object with
    ``logits_dict_to_distribution(logits_dict, temperature)``).

    :param networks: ``{step_key: nn.Module}``, or ``{(step_key, agent_id): nn.Module}`` for sub-steps listed in
        ``substeps_with_separate_agent_nets``.
    :param distribution_mapper: distribution mapper (one per policy; heads of all sub-steps).
        A mapping ``{step_key: mapper}`` is accepted too.
    :param device: ``"cpu"`` or ``"cuda"``.
    :param substeps_with_separate_agent_nets: sub-step keys whose agents each have their own network.
    """

    def __init__(self, networks: Mapping[Any, nn.Module], distribution_mapper: Any, device: str = "cpu",
                 substeps_with_separate_agent_nets: Sequence[StepKeyType] | None = None) -> None:
        super().__init__(device)
        if not networks:
            raise ValueError("TorchPolicy needs at least one policy network")
        self.networks: dict[Any, nn.Module] = dict(networks)
        self.distribution_mapper = distribution_mapper
        self.substeps_with_separate_agent_nets = set(substeps_with_separate_agent_nets or [])
        self._single_key = next(iter(self.networks)) if len(self.networks) == 1 else None
        #: network key -> (its mapper, the mapper's action heads in action-space order or None); rebuilt when the
        #: mapper is replaced
        self._heads_of: dict[Any, tuple[Any, list[str] | None]] = {}
        self.to(device)

    # ------------------------------------------------------------------ TorchModel
    def networks_dict(self) -> Mapping[Any, nn.Module]:
        return self.networks

    def parameters(self) -> list[torch.Tensor]:
        return [p for net in iter_unique_modules(self.networks.values()) for p in net.parameters()]

    # ------------------------------------------------------------------ network lookup
    def network_key(self, actor_id: ActorID | None) -> Any:
        """The key of the network that acts for ``actor_id``."""
        if actor_id is None:
            if self._single_key is None:
                raise ValueError(f"the policy has several networks {list(self.networks)}; pass actor_id")
            return self._single_key
        if actor_id.step_key in self.substeps_with_separate_agent_nets:
            return (actor_id.step_key, actor_id.agent_id)
        if actor_id.step_key in self.networks:
            return actor_id.step_key
        if self._single_key is not None and len(self.networks) == 1 and actor_id.step_key == 0:
            return self._single_key
        raise KeyError(f"no policy network for sub-step {actor_id.step_key!r}; networks: {list(self.networks)}")

    def _mapper(self, key: Any) -> Any:
        mapper = self.distribution_mapper
        if isinstance(mapper, collections.abc.Mapping):  # (the typing alias' isinstance is slow: once per forward)
            step_key = key[0] if isinstance(key, tuple) else key
            return mapper[step_key]
        return mapper

    # ------------------------------------------------------------------ batched (training) API
    def compute_substep_policy_output(self, observation: Mapping[str, torch.Tensor], actor_id: ActorID | None = None,
                                      temperature: float = 1.0) -> PolicySubStepOutput:
        """Forward a batch of observations (tensor dict with batch dimension) through the acting network.

        :param observation: tensor dict, leading batch dimension.
        :param actor_id: acting actor (None for single-network policies).
        :param temperature: 1.0 = unmodified sampling; < 1.0 concentrates the distribution.
        :return: logits, probability distribution and actor ID.
        """
        key = self.network_key(actor_id)
        out = self.networks[key](observation)
        mapper = self._mapper(key)
        cached = self._heads_of.get(key)
        if cached is None or cached[0] is not mapper:
            heads = getattr(mapper, "action_space", None)
            cached = (mapper, list(heads.spaces) if heads is not None and hasattr(heads, "spaces") else None)
            self._heads_of[key] = cached
        head_names = cached[1]
        if head_names is not None:
            logits = {k: out[k] for k in head_names if k in out}
            extra = {k: v for k, v in out.items() if k not in logits}
        else:
            logits, extra = dict(out), None
        prob_dist = mapper.logits_dict_to_distribution(logits, temperature)
        return PolicySubStepOutput(logits, prob_dist, actor_id if actor_id is not None else ActorID(key, 0), extra or None)

    def compute_actions_batched(self, observation: Mapping[str, Any], actor_id: ActorID | None = None,
                                deterministic: bool = False) -> dict[str, np.ndarray]:
        """Actions for a batch of observations (one forward pass), as numpy arrays with batch dimension."""
        with torch.no_grad():
            out = self.compute_substep_policy_output(to_tensor_dict(observation, self.device), actor_id)
            actions = out.prob_dist.deterministic_sample() if deterministic else out.prob_dist.sample()
        return {k: v.cpu().numpy() for k, v in actions.items()}

    # ------------------------------------------------------------------ Policy (single observation) API
    def needs_state(self) -> bool:
        return False

    def seed(self, seed: int) -> None:
        """Seed torch's global generator (action sampling uses it)."""
        torch.manual_seed(int(seed))

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> dict[str, Any]:
        """The action for one (unbatched) observation dict."""
        batched = {k: np.asarray(v)[None] for k, v in observation.items()}
        actions = self.compute_actions_batched(batched, actor_id, deterministic)
        return {k: v[0] for k, v in actions.items()}

    def compute_logits_dict(self, observation: Any, actor_id: ActorID | None = None) -> dict[str, torch.Tensor]:
        """Logits for one (unbatched) observation."""
        batched = {k: np.asarray(v)[None] for k, v in observation.items()}
        with torch.no_grad():
            out = self.compute_substep_policy_output(to_tensor_dict(batched, self.device), actor_id)
        return {k: v[0] for k, v in out.action_logits.items()}

    def compute_action_with_logits(self, observation: Any, actor_id: ActorID | None = None,
                                   deterministic: bool = False, maze_state: Any | None = None,
                                   env: Any | None = None) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
        """Action and logits for one (unbatched) observation (``maze_state``/``env`` are accepted for the
        :class:`~maze.core.rollout.rollout_generator.RolloutGenerator` protocol and not needed)."""
        batched = {k: np.asarray(v)[None] for k, v in observation.items()}
        with torch.no_grad():
            out = self.compute_substep_policy_output(to_tensor_dict(batched, self.device), actor_id)
            actions = out.prob_dist.deterministic_sample() if deterministic else out.prob_dist.sample()
        return {k: v[0].cpu().numpy() for k, v in actions.items()}, {k: v[0] for k, v in out.action_logits.items()}

    def compute_top_action_candidates(self, observation: Any, num_candidates: int | None, maze_state: Any | None = None,
                                      env: Any | None = None, actor_id: ActorID | None = None
                                      ) -> tuple[Sequence[Any], Sequence[float]]:
        """The ``num_candidates`` most likely joint actions of the discrete heads, with their probabilities.

        Heads are treated as independent; the joint probability is the product of per-head probabilities.
        Only discrete (categorical) heads are supported.
        """
        logits = self.compute_logits_dict(observation, actor_id)
        per_head = []
        for head, lg in logits.items():
            if lg.dim() != 1:
                raise NotImplementedError(f"top-action candidates need 1-D categorical logits; head '{head}' has shape {tuple(lg.shape)}")
            per_head.append((head, torch.softmax(lg.float(), dim=-1).cpu().numpy()))
        candidates: list[tuple[float, dict[str, Any]]] = [(1.0, {})]
        limit = num_candidates or 10**9
        for head, probs in per_head:
            order = np.argsort(-probs)[:limit]
            candidates = sorted(
                ((p * float(probs[i]), {**a, head: np.int64(i)}) for p, a in candidates for i in order),
                key=lambda c: -c[0],
            )[:limit]
        return [a for _, a in candidates], [p for p, _ in candidates]

    def logits_dict_to_distribution(self, logits_dict: Mapping[str, torch.Tensor], actor_id: ActorID | None = None,
                                    temperature: float = 1.0) -> Any:
        """The dict probability distribution for a logits dict of ``actor_id``'s sub-step."""
        return self._mapper(self.network_key(actor_id)).logits_dict_to_distribution(dict(logits_dict), temperature)
