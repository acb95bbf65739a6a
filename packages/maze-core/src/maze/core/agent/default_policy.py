"""One policy per policy ID (sub-step key) of a structured env, each built from its own config."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from maze.core.agent.policy import Policy
from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import ConfigError, Factory


class DefaultPolicy(Policy):
    """Encapsulates one or more policies identified by policy IDs.

    The policy ID of a decision is the acting sub-step's key (``actor_id.step_key``): a structured env whose
    sub-step ``0`` picks a piece and sub-step ``1`` a cut can be driven by two different heuristics::

        DefaultPolicy({0: {"_target_": "my_project.PiecePolicy"}, 1: my_cut_policy})

    :param policies: policies by policy ID (a mapping), or a list whose indices are the IDs. Each entry is a
        :class:`Policy` instance, a config (mapping with ``_target_``) or a registered policy name; configs are
        built with the env's declarations below offered to their constructors, as for any policy config. An entry
        may be ``None`` for a policy ID that is never queried.
    :param action_spaces_dict: the env's action spaces (offered to the sub-policy constructors).
    :param observation_spaces_dict: the env's observation spaces (offered likewise).
    :param agent_counts_dict: the env's agent counts (offered likewise).
    :param action_mask_keys: the env's action mask declaration (offered likewise).
    """

    def __init__(self, policies: Mapping[Any, Any] | Sequence[Any], action_spaces_dict: Mapping | None = None,
                 observation_spaces_dict: Mapping | None = None, agent_counts_dict: Mapping | None = None,
                 action_mask_keys: Mapping | None = None) -> None:
        if isinstance(policies, Mapping):
            entries = dict(policies)
        elif isinstance(policies, Sequence) and not isinstance(policies, str):
            entries = dict(enumerate(policies))
        else:
            raise ConfigError(f"DefaultPolicy.policies: expected a mapping or list of policies, got {type(policies).__name__}")
        if not entries:
            raise ConfigError("DefaultPolicy.policies: expected at least one policy, got none")
        offered = {"action_spaces_dict": action_spaces_dict, "observation_spaces_dict": observation_spaces_dict,
                   "agent_counts_dict": agent_counts_dict, "action_mask_keys": action_mask_keys}
        offered = {k: v for k, v in offered.items() if v is not None}
        factory = Factory(Policy, kind="policy")
        self.policies: dict[Any, Policy | None] = {
            policy_id: None if config is None else factory.instantiate(config, _optional_kwargs=offered,
                                                                         _key=f"policies.{policy_id}")
            for policy_id, config in entries.items()
        }

    def policy_for(self, actor_id: ActorID | None) -> Policy:
        """The policy deciding for ``actor_id`` (its step key is the policy ID; ``None``: the only policy)."""
        if actor_id is None:
            if len(self.policies) != 1:
                raise ValueError(f"DefaultPolicy holds policies {list(self.policies)}: pass actor_id to select one")
            policy_id = next(iter(self.policies))
        else:
            policy_id = actor_id.step_key
        if policy_id not in self.policies:
            # configs from YAML may key sub-steps by strings ("0") while envs use ints (0)
            policy_id = next((k for k in self.policies if str(k) == str(policy_id)), policy_id)
        policy = self.policies.get(policy_id)
        if policy is None:
            raise KeyError(f"DefaultPolicy has no policy for policy ID {policy_id!r}; policy IDs: {list(self.policies)}")
        return policy

    def _active(self) -> list[Policy]:
        return [p for p in self.policies.values() if p is not None]

    def needs_state(self) -> bool:
        """True if any of the policies needs the MazeState."""
        return any(p.needs_state() for p in self._active())

    def needs_env(self) -> bool:
        """True if any of the policies needs the env."""
        return any(p.needs_env() for p in self._active())

    def seed(self, seed: int) -> None:
        """Seed the policies with ``seed``, ``seed + 1``, ... in the order of their IDs."""
        for i, policy in enumerate(self._active()):
            policy.seed(int(seed) + i)

    def reset(self) -> None:
        """Reset every policy."""
        for policy in self._active():
            policy.reset()

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> Any:
        """The action of the policy whose ID is the acting sub-step's key."""
        return self.policy_for(actor_id).compute_action(observation, maze_state=maze_state, env=env,
                                                        actor_id=actor_id, deterministic=deterministic)

    def compute_top_action_candidates(self, observation: Any, num_candidates: int | None, maze_state: Any | None = None,
                                      env: Any | None = None, actor_id: ActorID | None = None
                                      ) -> tuple[Sequence[Any], Sequence[float]]:
        """The action candidates of the policy whose ID is the acting sub-step's key."""
        return self.policy_for(actor_id).compute_top_action_candidates(
            observation, num_candidates, maze_state=maze_state, env=env, actor_id=actor_id)
