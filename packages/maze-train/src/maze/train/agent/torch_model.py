"""Base class of torch models (policies, critics, actor-critics) holding several networks.

:class:`TorchModel` is Maze's one torch-model base (the reference docs' ``maze.core.agent.torch_model``; like
``TorchPolicy`` and the critics it lives in maze-train because maze-core is torch-free and nothing below the
trainers handles policies or critics). :class:`~maze.train.agent.torch_policy.TorchPolicy`, the critics
(:class:`~maze.train.agent.torch_critic_base.TorchCriticBase`) and
:class:`~maze.train.agent.torch_actor_critic.TorchActorCritic` implement :meth:`TorchModel.networks_dict`; moving,
train/eval mode, parameters and (checked) state dicts come from the base.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Mapping

import torch
from torch import nn


class TorchModel(ABC):
    """A set of torch networks, addressed by key, that moves, trains and (de)serializes as one unit.

    :param device: ``"cpu"`` or ``"cuda"``.
    """

    def __init__(self, device: str = "cpu") -> None:
        self._device = str(device)

    @property
    def device(self) -> str:
        """The device the networks live on."""
        return self._device

    @abstractmethod
    def networks_dict(self) -> Mapping[Any, nn.Module]:
        """All networks of this model by key (used by the generic methods below)."""

    def parameters(self) -> list[torch.Tensor]:
        """All parameters of all networks (shared networks counted once)."""
        seen: set[int] = set()
        params = []
        for net in self.networks_dict().values():
            for p in net.parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    params.append(p)
        return params

    @property
    def num_params(self) -> int:
        """Total number of parameters."""
        return sum(p.numel() for p in self.parameters())

    def train(self) -> None:
        """Set all networks to training mode."""
        for net in self.networks_dict().values():
            net.train()

    def eval(self) -> None:
        """Set all networks to evaluation mode."""
        for net in self.networks_dict().values():
            net.eval()

    def to(self, device: str) -> TorchModel:
        """Move all networks to ``device``."""
        self._device = str(device)
        for net in self.networks_dict().values():
            net.to(device)
        return self

    def state_dict(self) -> dict[str, Any]:
        """``{str(network key): network state dict}``."""
        return {str(k): net.state_dict() for k, net in self.networks_dict().items()}

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        """Load network weights; mismatches raise a ``ValueError`` naming the network, keys and shapes."""
        nets = {str(k): net for k, net in self.networks_dict().items()}
        missing = sorted(set(nets) - set(state_dict))
        unexpected = sorted(set(state_dict) - set(nets))
        if strict and (missing or unexpected):
            raise ValueError(
                f"{type(self).__name__}: checkpoint networks {sorted(state_dict)} do not match the model's networks "
                f"{sorted(nets)} (missing: {missing}, unexpected: {unexpected})"
            )
        for key, net in nets.items():
            if key not in state_dict:
                continue
            _load_network(net, state_dict[key], f"{type(self).__name__} network '{key}'")


def _load_network(net: nn.Module, sd: Mapping[str, torch.Tensor], what: str) -> None:
    own = net.state_dict()
    problems = []
    for name, tensor in sd.items():
        if name not in own:
            problems.append(f"unexpected parameter '{name}'")
        elif tuple(own[name].shape) != tuple(tensor.shape):
            problems.append(f"'{name}': checkpoint shape {tuple(tensor.shape)} vs model shape {tuple(own[name].shape)}")
    problems += [f"missing parameter '{name}'" for name in own if name not in sd]
    if problems:
        raise ValueError(f"{what} is incompatible with the checkpoint: " + "; ".join(problems[:8]))
    net.load_state_dict(sd)


def iter_unique_modules(networks: Iterable[nn.Module]) -> list[nn.Module]:
    """Networks without duplicates (shared networks appear once)."""
    seen: set[int] = set()
    out = []
    for net in networks:
        if id(net) not in seen:
            seen.add(id(net))
            out.append(net)
    return out
