"""Feature correlation of two tensors."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, ShapeType


class CorrelationBlock(PerceptionBlock):
    """Correlates two feature tensors along the last dimension (element-wise product, optionally summed).

    If the inputs differ in their number of dimensions, singleton dimensions are inserted before the
    feature dimension of the smaller one so they broadcast.

    :param in_keys: two input keys.
    :param out_keys: one output key.
    :param in_shapes: the two input shapes (same last dimension).
    :param reduce: sum over the last dimension.
    """

    def __init__(self, in_keys: Sequence[str], out_keys: str | Sequence[str], in_shapes: Sequence[ShapeType], reduce: bool = False) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        if len(self.in_keys) != 2:
            raise ValueError(f"{self.block_name}: needs two in_keys, got {self.in_keys}")
        if self.in_shapes[0][-1] != self.in_shapes[1][-1]:
            raise ValueError(f"{self.block_name}: inputs {self.in_keys} must share the last dimension, got shapes {self.in_shapes}")
        self.reduce = reduce
        self._extra = len(self.in_shapes[0]) - len(self.in_shapes[1])

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        a = self._get_input(block_input, self.in_keys[0])
        b = self._get_input(block_input, self.in_keys[1])
        for _ in range(abs(self._extra)):
            if self._extra > 0:
                b = b.unsqueeze(-2)
            else:
                a = a.unsqueeze(-2)
        out = a * b
        return {self.out_keys[0]: out.sum(-1) if self.reduce else out}
