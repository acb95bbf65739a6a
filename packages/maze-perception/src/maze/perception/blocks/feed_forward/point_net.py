"""PointNet feature extraction (Qi et al., 2017, https://arxiv.org/abs/1612.00593)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType, check_int_list, resolve_non_lin
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class PointNetFeatureBlock(ShapeNormalizationBlock):
    """A shared per-point MLP followed by a symmetric pooling over the points (order invariant).

    in_keys: points ``(batch, n_points, features)`` and optionally a mask ``(batch, n_points)`` (1 = valid
    point; masked points are excluded from the pooling). Output: ``(batch, hidden_units[-1])``.

    :param in_keys: 1 or 2 keys (points[, mask]).
    :param out_keys: one output key.
    :param in_shapes: shapes of points [and mask].
    :param hidden_units: units of the shared per-point layers.
    :param non_lin: the non-linearity.
    :param pooling_func_name: ``max``, ``mean`` or ``sum``.
    :param use_batch_norm: apply batch norm after each shared layer.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_units: Sequence[int], non_lin: str | type[nn.Module] = nn.ReLU, pooling_func_name: str = "max",
                 use_batch_norm: bool = False) -> None:
        keys = [in_keys] if isinstance(in_keys, str) else list(in_keys)
        super().__init__(in_keys=keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=[3, 2][: len(keys)], out_num_dims=2)
        if pooling_func_name not in ("max", "mean", "sum"):
            raise ValueError(f"{self.block_name}: pooling_func_name must be 'max', 'mean' or 'sum', got {pooling_func_name!r}")
        self.pooling_func_name = pooling_func_name
        self.hidden_units = check_int_list(hidden_units, "hidden_units", self.block_name)
        act = resolve_non_lin(non_lin)
        layers: list[nn.Module] = []
        units = [self.in_shapes[0][-1], *self.hidden_units]
        for i in range(len(self.hidden_units)):
            layers.append(nn.Conv1d(units[i], units[i + 1], kernel_size=1))
            if use_batch_norm:
                layers.append(nn.BatchNorm1d(units[i + 1]))
            layers.append(act())
        self.net = nn.Sequential(*layers)

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        points = block_input[self.in_keys[0]]
        features = self.net(points.transpose(1, 2)).transpose(1, 2)  # (batch, n_points, units)
        mask = block_input[self.in_keys[1]].bool().unsqueeze(-1) if len(self.in_keys) == 2 else None
        if self.pooling_func_name == "max":
            if mask is not None:
                features = features.masked_fill(~mask, float("-inf"))
            pooled = features.max(dim=1).values
            pooled = torch.where(torch.isinf(pooled), torch.zeros_like(pooled), pooled)
        else:
            if mask is not None:
                features = features * mask
            pooled = features.sum(dim=1)
            if self.pooling_func_name == "mean":
                count = mask.sum(dim=1).clamp(min=1) if mask is not None else features.shape[1]
                pooled = pooled / count
        return {self.out_keys[0]: pooled}
