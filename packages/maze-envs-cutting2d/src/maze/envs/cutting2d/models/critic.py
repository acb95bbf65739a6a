"""State critic networks for the Cutting-2D envs (``CustomModelComposer`` signature: ``obs_shapes``)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import torch
from torch import nn

from maze.envs.cutting2d.models._common import PIECE_FEATURES, mlp, piece_features


class InventoryCriticNet(nn.Module):
    """State value from the inventory and the order (flat env and structured sub-step 0): slot features
    through a shared MLP, max- and mean-pooled over occupied slots, plus the inventory fill level.

    :param obs_shapes: observation shapes (``inventory``, ``ordered_piece``, ``inventory_size``).
    :param hidden_units: hidden layers.
    :param non_lin: activation.
    :param size_scale: piece sizes are divided by it.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], hidden_units: Sequence[int] = (32, 32),
                 non_lin: Any = "torch.nn.ReLU", size_scale: float = 4.0) -> None:
        super().__init__()
        self.size_scale = float(size_scale)
        self.capacity = float(tuple(obs_shapes["inventory"])[0])
        self.slot_body = mlp(PIECE_FEATURES, hidden_units, non_lin)
        units = list(hidden_units)[-1] if hidden_units else PIECE_FEATURES
        self.value = mlp(2 * units + 1, hidden_units, non_lin, 1)

    def forward(self, obs: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        inventory = obs["inventory"]
        slots = self.slot_body(piece_features(inventory, obs["ordered_piece"], self.size_scale))
        occupied = (inventory > 0).any(dim=-1, keepdim=True).to(slots.dtype)
        mean = (slots * occupied).sum(-2) / occupied.sum(-2).clamp(min=1.0)
        fill = obs["inventory_size"] / self.capacity
        return {"value": self.value(torch.cat([slots.max(dim=-2).values, mean, fill], dim=-1))}


class CuttingCriticNet(nn.Module):
    """State value of the cutting sub-step (structured sub-step 1) from the selected and the ordered piece.

    :param obs_shapes: observation shapes (``selected_piece``, ``ordered_piece``).
    :param hidden_units: hidden layers.
    :param non_lin: activation.
    :param size_scale: piece sizes are divided by it.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], hidden_units: Sequence[int] = (32, 32),
                 non_lin: Any = "torch.nn.ReLU", size_scale: float = 4.0) -> None:
        super().__init__()
        self.size_scale = float(size_scale)
        self.value = mlp(6, hidden_units, non_lin, 1)

    def forward(self, obs: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        piece, order = obs["selected_piece"], obs["ordered_piece"]
        x = torch.cat([piece, order, piece - order], dim=-1) / self.size_scale
        return {"value": self.value(x)}
