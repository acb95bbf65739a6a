"""Global average pooling over spatial dimensions."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class GlobalAveragePoolingBlock(ShapeNormalizationBlock):
    """Averages ``(batch, channel, row, column)`` feature maps over rows and columns → ``(batch, channel)``.

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape ``(channels, rows, columns)``.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType]) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=4, out_num_dims=2)

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {self.out_keys[0]: block_input[self.in_keys[0]].mean(dim=(-2, -1))}
