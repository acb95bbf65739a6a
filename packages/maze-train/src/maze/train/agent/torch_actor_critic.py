"""TorchActorCritic: a structured policy and critic trained together (A2C, PPO)."""

from __future__ import annotations

from typing import Any, Mapping

import torch
from torch import nn

from maze.train.agent.torch_model import TorchModel
from maze.train.agent.torch_policy import TorchPolicy


class TorchActorCritic(TorchModel):
    """Policy plus critic; state dicts are ``{"policy": ..., "critic": ...}``.

    :param policy: the structured torch policy.
    :param critic: a state critic (:class:`~maze.train.agent.torch_state_critic.TorchStateCritic`) or
        state-action critic.
    :param device: ``"cpu"`` or ``"cuda"``.
    """

    def __init__(self, policy: TorchPolicy, critic: Any, device: str = "cpu") -> None:
        super().__init__(device)
        self.policy = policy
        self.critic = critic
        self.to(device)

    def networks_dict(self) -> Mapping[Any, nn.Module]:
        nets = {f"policy_{k}": v for k, v in self.policy.networks_dict().items()}
        nets.update({f"critic_{k}": v for k, v in self.critic.networks_dict().items()})
        return nets

    def parameters(self) -> list[torch.Tensor]:
        seen, out = set(), []
        for p in [*self.policy.parameters(), *self.critic.parameters()]:
            if id(p) not in seen:
                seen.add(id(p))
                out.append(p)
        return out

    def to(self, device: str) -> TorchActorCritic:
        self._device = str(device)
        self.policy.to(device)
        self.critic.to(device)
        return self

    def train(self) -> None:
        self.policy.train()
        self.critic.train()

    def eval(self) -> None:
        self.policy.eval()
        self.critic.eval()

    def state_dict(self) -> dict[str, Any]:
        return {"policy": self.policy.state_dict(), "critic": self.critic.state_dict()}

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        """Load policy (and critic, if present) weights.

        A state dict without ``"critic"`` (e.g. from behavioural cloning) loads the policy only, which is how
        fine-tuning of a BC policy starts.
        """
        if "policy" not in state_dict:
            raise ValueError(f"state dict has no 'policy' entry (keys: {sorted(state_dict)})")
        self.policy.load_state_dict(state_dict["policy"], strict=strict)
        if "critic" in state_dict:
            self.critic.load_state_dict(state_dict["critic"], strict=strict)
