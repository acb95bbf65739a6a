"""Pooling over a set dimension, respecting a mask."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, ShapeType


class MaskedGlobalPoolingBlock(PerceptionBlock):
    """Pools the first input along ``pooling_dim`` over the elements selected by the mask (second input).

    E.g. features ``(batch, n_items, features)`` and mask ``(batch, n_items)`` → ``(batch, features)``.
    Fully masked rows give 0.

    :param in_keys: feature key and mask key (1 = valid).
    :param out_keys: one output key.
    :param in_shapes: feature and mask shapes.
    :param pooling_func: ``mean``, ``sum`` or ``max``.
    :param pooling_dim: the pooled dimension of the features (negative recommended; default -2).
    """

    def __init__(self, in_keys: Sequence[str], out_keys: str | Sequence[str], in_shapes: Sequence[ShapeType],
                 pooling_func: str = "mean", pooling_dim: int = -2) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        if len(self.in_keys) != 2:
            raise ValueError(f"{self.block_name}: needs in_keys (features, mask), got {self.in_keys}")
        if pooling_func not in ("mean", "sum", "max"):
            raise ValueError(f"{self.block_name}: pooling_func must be 'mean', 'sum' or 'max', got {pooling_func!r}")
        self.pooling_func, self.pooling_dim = pooling_func, int(pooling_dim)

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        x = self._get_input(block_input, self.in_keys[0])
        mask = self._get_input(block_input, self.in_keys[1]).to(x.dtype)
        dim = self.pooling_dim if self.pooling_dim < 0 else self.pooling_dim
        while mask.dim() < x.dim():
            mask = mask.unsqueeze(-1)
        if self.pooling_func == "max":
            pooled = x.masked_fill(mask == 0, float("-inf")).max(dim=dim).values
            pooled = torch.where(torch.isinf(pooled), torch.zeros_like(pooled), pooled)
        else:
            pooled = (x * mask).sum(dim=dim)
            if self.pooling_func == "mean":
                pooled = pooled / mask.sum(dim=dim).clamp(min=1.0)
        return {self.out_keys[0]: pooled}
