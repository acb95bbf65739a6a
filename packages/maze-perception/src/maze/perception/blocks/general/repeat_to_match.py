"""Repeat a tensor to match another one in one dimension."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, ShapeType


class RepeatToMatchBlock(PerceptionBlock):
    """Repeats the first tensor along ``repeat_at_idx`` to the size of the second tensor in that dimension.

    The first tensor must have size 1 in that dimension.

    :param in_keys: the tensor to repeat and the tensor to match.
    :param out_keys: one output key.
    :param in_shapes: the two input shapes.
    :param repeat_at_idx: the dimension to match (negative recommended).
    """

    def __init__(self, in_keys: Sequence[str], out_keys: str | Sequence[str], in_shapes: Sequence[ShapeType], repeat_at_idx: int) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        if len(self.in_keys) != 2:
            raise ValueError(f"{self.block_name}: needs two in_keys, got {self.in_keys}")
        self.repeat_at_idx = int(repeat_at_idx)
        if self.repeat_at_idx < 0 and self.in_shapes[0][self.repeat_at_idx] != 1:
            raise ValueError(f"{self.block_name}: input {self.in_keys[0]!r} must have size 1 at dim {self.repeat_at_idx}, "
                             f"got shape {self.in_shapes[0]}")

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        a = self._get_input(block_input, self.in_keys[0])
        b = self._get_input(block_input, self.in_keys[1])
        sizes = [-1] * a.dim()
        sizes[self.repeat_at_idx] = b.shape[self.repeat_at_idx]
        return {self.out_keys[0]: a.expand(*sizes)}
