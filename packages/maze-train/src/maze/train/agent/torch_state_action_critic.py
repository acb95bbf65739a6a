"""State-action critics Q(s, a) for structured envs (shared or per sub-step), with target networks."""

from __future__ import annotations

import copy
from typing import Any, Mapping

import gymnasium as gym
import torch
from torch import nn

from maze.core.agent.state_action_critic import StateActionCritic
from maze.core.env.structured_env import StepKeyType
from maze.train.agent.torch_critic_base import SharedCriticKeyMixin, StepCriticKeyMixin, TorchCriticBase
from maze.train.agent.torch_model import iter_unique_modules


class TorchStateActionCritic(TorchCriticBase, StateActionCritic):
    """Encapsulates Q networks for structured envs (implements maze-core's :class:`StateActionCritic`).

    For sub-steps whose action heads are all discrete, a network maps observations to ``{head: (batch, n)}``
    (Q-values of every option, ``Q(S)``); otherwise it maps observations plus actions (as extra input keys) to
    ``{"q_value": (batch, 1)}`` (``Q(S, A)``). Target networks (copies) support soft/hard updates.

    :param networks: Q networks by key.
    :param num_policies: number of policies (sub-steps) served.
    :param device: ``"cpu"`` or ``"cuda"``.
    :param only_discrete_spaces: ``{step_key: bool}``; derived from ``action_spaces_dict`` when omitted.
    :param action_spaces_dict: the env's action spaces by sub-step key.
    """

    network_kind = "Q"

    def __init__(self, networks: Mapping[Any, nn.Module], num_policies: int | None = None, device: str = "cpu",
                 only_discrete_spaces: Mapping[StepKeyType, bool] | None = None,
                 action_spaces_dict: Mapping[StepKeyType, gym.spaces.Dict] | None = None) -> None:
        super().__init__(networks, num_policies, device)
        self.target_networks: dict[Any, nn.Module] = {k: copy.deepcopy(n) for k, n in self.networks.items()}
        for net in self.target_networks.values():
            for p in net.parameters():
                p.requires_grad_(False)
        self.action_spaces_dict = dict(action_spaces_dict or {})
        if only_discrete_spaces is None:
            only_discrete_spaces = {
                k: all(isinstance(s, gym.spaces.Discrete) for s in space.spaces.values())
                for k, space in self.action_spaces_dict.items()
            }
        self.only_discrete_spaces = dict(only_discrete_spaces)
        self.to(device)

    def to(self, device: str) -> TorchStateActionCritic:
        super().to(device)
        for net in getattr(self, "target_networks", {}).values():
            net.to(device)
        return self

    def per_critic_parameters(self) -> list[list[torch.Tensor]]:
        """Parameters of each Q network separately (one optimizer per critic)."""
        return [list(net.parameters()) for net in iter_unique_modules(self.networks.values())]

    def predict_q_values(self, observations: Mapping[StepKeyType, Mapping[str, torch.Tensor]],
                         actions: Mapping[StepKeyType, Mapping[str, torch.Tensor]], gather_output: bool,
                         use_target: bool = False) -> dict[StepKeyType, Any]:
        """Q values per sub-step.

        :param observations: batched observation tensor dicts by sub-step key.
        :param actions: batched action tensor dicts by sub-step key.
        :param gather_output: for discrete sub-steps, return the Q value of the taken action per head
            (``{head: (batch,)}``) instead of all options (``{head: (batch, n)}``).
        :param use_target: evaluate the target networks.
        """
        nets = self.target_networks if use_target else self.networks
        out: dict[StepKeyType, Any] = {}
        for step_key, obs in observations.items():
            net = nets[self.critic_key(step_key)]
            if self.only_discrete_spaces.get(step_key, True):
                q = net(obs)
                if gather_output:
                    q = {h: v.gather(-1, actions[step_key][h].long().view(-1, 1)).squeeze(-1) for h, v in q.items()}
                out[step_key] = q
            else:
                value = net({**obs, **actions[step_key]})
                value = value["q_value"] if isinstance(value, Mapping) else value
                out[step_key] = value.squeeze(-1) if value.dim() > 1 else value
        return out

    def update_target_weights(self, tau: float) -> None:
        """Soft update ``target = tau * online + (1 - tau) * target`` (``tau == 1``: hard copy)."""
        if not 0.0 <= tau <= 1.0:
            raise ValueError(f"tau must lie in [0, 1], got {tau}")
        with torch.no_grad():
            for key, net in self.networks.items():
                for p_t, p in zip(self.target_networks[key].parameters(), net.parameters()):
                    p_t.mul_(1.0 - tau).add_(p, alpha=tau)

    def state_dict(self) -> dict[str, Any]:
        sd = super().state_dict()
        sd.update({f"target_{k}": net.state_dict() for k, net in self.target_networks.items()})
        return sd

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        online = {k: v for k, v in state_dict.items() if not k.startswith("target_")}
        super().load_state_dict(online, strict=strict)
        for key, net in self.target_networks.items():
            if f"target_{key}" in state_dict:
                net.load_state_dict(state_dict[f"target_{key}"])
            else:
                net.load_state_dict(self.networks[key].state_dict())


class TorchSharedStateActionCritic(SharedCriticKeyMixin, TorchStateActionCritic):
    """One Q network shared by all sub-steps."""


class TorchStepStateActionCritic(StepCriticKeyMixin, TorchStateActionCritic):
    """One Q network per sub-step key."""
