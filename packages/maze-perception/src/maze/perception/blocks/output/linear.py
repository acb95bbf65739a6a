"""Linear output layer for action logits and values."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class LinearOutputBlock(ShapeNormalizationBlock):
    """A single linear layer without non-linearity (action logits, values).

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape (last dim = features).
    :param output_units: number of outputs.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 output_units: int) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=2, out_num_dims=2)
        if int(output_units) <= 0:
            raise ValueError(f"{self.block_name}: output_units must be positive, got {output_units}")
        self.input_units = self.in_shapes[0][-1]
        self.output_units = int(output_units)
        self.net = nn.Linear(self.input_units, self.output_units)

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {self.out_keys[0]: self.net(block_input[self.in_keys[0]])}

    def layer_summary(self) -> list[str]:
        """``["Linear 256→2"]``."""
        return [f"Linear {self.input_units}→{self.output_units}"]
