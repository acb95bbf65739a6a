"""Plumbing shared by the state critics (V) and state-action critics (Q): networks by key, sub-step mapping."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Mapping

import torch
from torch import nn

from maze.core.env.structured_env import StepKeyType
from maze.train.agent.torch_model import TorchModel, iter_unique_modules


class TorchCriticBase(TorchModel):
    """Critic networks by key serving ``num_policies`` sub-steps; subclasses map sub-step keys to network keys.

    Subclasses finish their own set-up and then call ``self.to(device)`` (this constructor does not move the
    networks, so that subclass state such as target networks exists first).

    :param networks: critic networks by key (sub-step key, or a single key for shared critics).
    :param num_policies: number of policies (sub-steps) the critic serves; defaults to the number of networks.
    :param device: ``"cpu"`` or ``"cuda"``.
    """

    #: what the networks predict, for error messages (``"value"``, ``"Q"``).
    network_kind: str = "critic"

    def __init__(self, networks: Mapping[Any, nn.Module], num_policies: int | None = None,
                 device: str = "cpu") -> None:
        super().__init__(device)
        if not networks:
            raise ValueError(f"{type(self).__name__} needs at least one {self.network_kind} network")
        self.networks: dict[Any, nn.Module] = dict(networks)
        self.num_policies = int(num_policies) if num_policies is not None else len(self.networks)

    def networks_dict(self) -> Mapping[Any, nn.Module]:
        return self.networks

    def parameters(self) -> list[torch.Tensor]:
        return [p for net in iter_unique_modules(self.networks.values()) for p in net.parameters()]

    @property
    @abstractmethod
    def num_critics(self) -> int:
        """Number of critic networks."""

    @abstractmethod
    def critic_key(self, step_key: StepKeyType) -> Any:
        """The network key used for ``step_key``."""


class SharedCriticKeyMixin:
    """One network shared by all sub-steps: every sub-step maps to the (only) network key.

    Mix in before a :class:`TorchCriticBase` subclass.
    """

    networks: dict[Any, nn.Module]

    @property
    def num_critics(self) -> int:
        return 1

    def critic_key(self, step_key: StepKeyType) -> Any:
        return next(iter(self.networks))


class StepCriticKeyMixin:
    """One network per sub-step key; an unknown sub-step raises a ``KeyError`` listing the networks.

    Mix in before a :class:`TorchCriticBase` subclass.
    """

    networks: dict[Any, nn.Module]
    network_kind: str

    @property
    def num_critics(self) -> int:
        return len(self.networks)

    def critic_key(self, step_key: StepKeyType) -> Any:
        if step_key in self.networks:
            return step_key
        raise KeyError(f"no {self.network_kind} network for sub-step {step_key!r}; networks: {list(self.networks)}")
