"""Interface of torch-backed models (policies, critics, actor-critics) as used by trainers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import torch


class TorchModel(ABC):
    """Base class of torch models made of several networks (policies, critics...).

    maze-train's ``TorchPolicy``, critics and ``TorchActorCritic`` implement it so trainers, checkpoints
    and evaluators can treat them uniformly.

    :param device: the torch device the networks live on (``"cpu"``, ``"cuda"``...).
    """

    def __init__(self, device: str | torch.device = "cpu") -> None:
        self._device = torch.device(device)

    @property
    def device(self) -> torch.device:
        """The device of the networks."""
        return self._device

    @abstractmethod
    def parameters(self) -> list[torch.nn.Parameter]:
        """All trainable parameters."""

    @abstractmethod
    def eval(self) -> None:
        """Switch all networks to evaluation mode."""

    @abstractmethod
    def train(self) -> None:
        """Switch all networks to training mode."""

    @abstractmethod
    def to(self, device: str | torch.device) -> TorchModel:
        """Move all networks to ``device``."""

    @abstractmethod
    def state_dict(self) -> dict[str, Any]:
        """A state dict of all networks (loadable with ``torch.load(..., weights_only=True)``)."""

    @abstractmethod
    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the networks from :meth:`state_dict` output."""
