"""Flatten trailing dimensions."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, ShapeType


class FlattenBlock(PerceptionBlock):
    """Flattens the last ``num_flatten_dims`` dimensions into one (any leading batch dims are kept).

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape (at least ``num_flatten_dims`` dims).
    :param num_flatten_dims: number of trailing dimensions to flatten.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 num_flatten_dims: int) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        if not 1 <= num_flatten_dims <= len(self.in_shapes[0]):
            raise ValueError(f"{self.block_name}: num_flatten_dims={num_flatten_dims} does not fit in_shape {self.in_shapes[0]}")
        self.num_flatten_dims = num_flatten_dims

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {self.out_keys[0]: self._get_input(block_input, self.in_keys[0]).flatten(start_dim=-self.num_flatten_dims)}

    def layer_summary(self) -> list[str]:
        """``["flatten last 2 dims"]``."""
        return [f"flatten last {self.num_flatten_dims} dim{'s' if self.num_flatten_dims > 1 else ''}"]
