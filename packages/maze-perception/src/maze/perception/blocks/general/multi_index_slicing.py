"""Select several indices along one dimension."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, ShapeType


class MultiIndexSlicingBlock(PerceptionBlock):
    """Selects ``select_idxs`` along ``select_dim`` (like ``tensor[..., [a, b]]``); the dimension is kept.

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape.
    :param select_dim: the dimension to select from (negative recommended).
    :param select_idxs: one index or a list of indices.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 select_dim: int, select_idxs: int | Sequence[int]) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        self.select_dim = int(select_dim)
        idxs = [select_idxs] if isinstance(select_idxs, int) else [int(i) for i in select_idxs]
        self.register_buffer("select_idxs", torch.tensor(idxs, dtype=torch.long), persistent=False)

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        x = self._get_input(block_input, self.in_keys[0])
        return {self.out_keys[0]: torch.index_select(x, self.select_dim % x.dim(), self.select_idxs)}
