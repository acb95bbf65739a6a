"""Concatenation of tensors."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, PerceptionShapeError, ShapeType


class ConcatenationBlock(PerceptionBlock):
    """Concatenates the input tensors along ``concat_dim``.

    All inputs must have the same number of dimensions and equal sizes except along ``concat_dim``;
    this is checked at construction (the error names the keys and shapes).

    :param in_keys: the input keys.
    :param out_keys: one output key.
    :param in_shapes: the input shapes.
    :param concat_dim: the concatenation dimension (negative = counted from the end; recommended).
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 concat_dim: int = -1) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        self.concat_dim = int(concat_dim)
        ndims = {len(s) for s in self.in_shapes}
        if len(ndims) != 1:
            raise PerceptionShapeError(
                f"{self.block_name}: inputs {self.in_keys} have different numbers of dimensions: shapes {self.in_shapes}")
        nd = ndims.pop()
        sample_dim = self.concat_dim if self.concat_dim < 0 else self.concat_dim - 1  # positive dims count the batch dim
        if not -nd <= sample_dim < nd:
            raise PerceptionShapeError(f"{self.block_name}: concat_dim {self.concat_dim} out of range for shapes {self.in_shapes}")
        axis = sample_dim % nd
        reference = [d for i, d in enumerate(self.in_shapes[0]) if i != axis]
        for key, shape in zip(self.in_keys, self.in_shapes):
            if [d for i, d in enumerate(shape) if i != axis] != reference:
                raise PerceptionShapeError(
                    f"{self.block_name}: input {key!r} has shape {shape}, expected all dims except concat_dim {self.concat_dim} "
                    f"to match {self.in_keys[0]!r} with shape {self.in_shapes[0]}")

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        tensors = [self._get_input(block_input, k) for k in self.in_keys]
        return {self.out_keys[0]: torch.cat(tensors, dim=self.concat_dim)}

    def layer_summary(self) -> list[str]:
        """``["concat dim -1"]``."""
        return [f"concat dim {self.concat_dim}"]
