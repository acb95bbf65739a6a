"""Building blocks shared by the Cutting-2D policy and critic networks."""

from __future__ import annotations

from typing import Any, Sequence

import torch
from torch import nn

from maze.perception.blocks.base import check_int_list, resolve_non_lin


def mlp(in_units: int, hidden_units: Sequence[int], non_lin: Any, out_units: int | None = None) -> nn.Sequential:
    """Dense layers with ``non_lin`` after each hidden layer (and a linear output layer if ``out_units``)."""
    act = resolve_non_lin(non_lin)
    layers: list[nn.Module] = []
    units = in_units
    for h in check_int_list(hidden_units, "hidden_units", "Cutting2D network"):
        layers += [nn.Linear(units, h), act()]
        units = h
    if out_units is not None:
        layers.append(nn.Linear(units, out_units))
    return nn.Sequential(*layers)


def piece_features(inventory: torch.Tensor, order: torch.Tensor, scale: float) -> torch.Tensor:
    """Per inventory slot: the piece, the order, and whether the order fits unrotated/rotated (``(..., N, 8)``).

    :param inventory: ``(..., N, 2)`` piece sizes (zero rows: empty slots).
    :param order: ``(..., 2)`` ordered piece.
    :param scale: sizes are divided by it (e.g. the largest raw piece side).
    """
    order_n = order.unsqueeze(-2).expand_as(inventory)
    fits = (inventory >= order_n).all(dim=-1, keepdim=True).to(inventory.dtype)
    fits_rot = (inventory >= order_n.flip(-1)).all(dim=-1, keepdim=True).to(inventory.dtype)
    occupied = (inventory > 0).any(dim=-1, keepdim=True).to(inventory.dtype)
    return torch.cat([inventory / scale, order_n / scale, (inventory - order_n) / scale, fits * occupied,
                      fits_rot * occupied], dim=-1)


def mask_logits(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Masked logits as perception's ``ActionMaskingBlock`` computes them (lowest float where ``mask == 0``)."""
    return logits.masked_fill(mask == 0, torch.finfo(logits.dtype).min)


PIECE_FEATURES = 8
