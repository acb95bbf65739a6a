"""Policy networks for the Cutting-2D envs (``CustomModelComposer`` signature: ``obs_shapes, action_logits_shapes``)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import torch
from torch import nn

from maze.envs.cutting2d.models._common import PIECE_FEATURES, mask_logits, mlp, piece_features


class SelectionPolicyNet(nn.Module):
    """Piece selection policy (structured sub-step 0): scores every inventory slot with a shared MLP over
    the slot's piece, the order and their fit, so the logits of ``piece_idx`` follow the inventory layout.
    If the observation has an ``inventory_mask``, masked slots get the lowest logit (action masking).

    :param obs_shapes: observation shapes (``inventory``, ``ordered_piece`` [, ``inventory_mask``]).
    :param action_logits_shapes: ``{"piece_idx": (N,)}``.
    :param hidden_units: hidden layers of the slot scorer.
    :param non_lin: activation (class or import path).
    :param size_scale: piece sizes are divided by it (use the raw piece's longer side).
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], action_logits_shapes: Mapping[str, Sequence[int]],
                 hidden_units: Sequence[int] = (32, 32), non_lin: Any = "torch.nn.ReLU", size_scale: float = 4.0) -> None:
        super().__init__()
        n = tuple(obs_shapes["inventory"])[0]
        if tuple(action_logits_shapes["piece_idx"]) != (n,):
            raise ValueError(f"SelectionPolicyNet: piece_idx logits {action_logits_shapes['piece_idx']} must match "
                             f"the inventory slots ({n},)")
        self.use_mask = "inventory_mask" in obs_shapes
        self.size_scale = float(size_scale)
        self.scorer = mlp(PIECE_FEATURES, hidden_units, non_lin, 1)

    def forward(self, obs: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        feats = piece_features(obs["inventory"], obs["ordered_piece"], self.size_scale)
        logits = self.scorer(feats).squeeze(-1)
        if self.use_mask:
            logits = mask_logits(logits, obs["inventory_mask"])
        return {"piece_idx": logits}


class CuttingPolicyNet(nn.Module):
    """Cutting configuration policy (structured sub-step 1): an MLP on the selected and the ordered piece
    predicting ``cut_rotation`` and ``cut_order``; ``cutting_mask`` (if observed) masks the rotations.

    :param obs_shapes: observation shapes (``selected_piece``, ``ordered_piece`` [, ``cutting_mask``]).
    :param action_logits_shapes: ``{"cut_rotation": (2,), "cut_order": (2,)}``.
    :param hidden_units: hidden layers.
    :param non_lin: activation.
    :param size_scale: piece sizes are divided by it.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], action_logits_shapes: Mapping[str, Sequence[int]],
                 hidden_units: Sequence[int] = (32, 32), non_lin: Any = "torch.nn.ReLU", size_scale: float = 4.0) -> None:
        super().__init__()
        self.use_mask = "cutting_mask" in obs_shapes
        self.size_scale = float(size_scale)
        self.body = mlp(6, hidden_units, non_lin)
        units = list(hidden_units)[-1] if hidden_units else 6
        self.rotation = nn.Linear(units, int(tuple(action_logits_shapes["cut_rotation"])[0]))
        self.order = nn.Linear(units, int(tuple(action_logits_shapes["cut_order"])[0]))

    def forward(self, obs: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        piece, order = obs["selected_piece"], obs["ordered_piece"]
        x = torch.cat([piece / self.size_scale, order / self.size_scale, (piece - order) / self.size_scale], dim=-1)
        h = self.body(x)
        rotation = self.rotation(h)
        if self.use_mask:
            rotation = mask_logits(rotation, obs["cutting_mask"])
        return {"cut_rotation": rotation, "cut_order": self.order(h)}


class FlatCuttingPolicyNet(nn.Module):
    """Policy of the flat env (all three action heads in one step): slot scores for ``piece_idx`` as in
    :class:`SelectionPolicyNet`, and ``cut_rotation``/``cut_order`` from the order plus pooled slot features.

    :param obs_shapes: observation shapes (``inventory``, ``ordered_piece``, ``inventory_size``).
    :param action_logits_shapes: ``piece_idx``, ``cut_rotation``, ``cut_order`` logits shapes.
    :param hidden_units: hidden layers.
    :param non_lin: activation.
    :param size_scale: piece sizes are divided by it.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], action_logits_shapes: Mapping[str, Sequence[int]],
                 hidden_units: Sequence[int] = (32, 32), non_lin: Any = "torch.nn.ReLU", size_scale: float = 4.0) -> None:
        super().__init__()
        self.size_scale = float(size_scale)
        self.slot_body = mlp(PIECE_FEATURES, hidden_units, non_lin)
        units = list(hidden_units)[-1] if hidden_units else PIECE_FEATURES
        self.slot_score = nn.Linear(units, 1)
        self.heads = mlp(units + 2, hidden_units, non_lin)
        self.rotation = nn.Linear(units, int(tuple(action_logits_shapes["cut_rotation"])[0]))
        self.order = nn.Linear(units, int(tuple(action_logits_shapes["cut_order"])[0]))

    def forward(self, obs: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        order = obs["ordered_piece"]
        slots = self.slot_body(piece_features(obs["inventory"], order, self.size_scale))
        pooled = slots.max(dim=-2).values
        h = self.heads(torch.cat([pooled, order / self.size_scale], dim=-1))
        return {"piece_idx": self.slot_score(slots).squeeze(-1), "cut_rotation": self.rotation(h), "cut_order": self.order(h)}
