"""Slice one index of a dimension."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, ShapeType


class SliceBlock(PerceptionBlock):
    """Selects index ``slice_idx`` of dimension ``slice_dim`` (the dimension is removed), e.g. the last
    time step of a recurrent output with ``slice_dim=-2, slice_idx=-1``.

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape.
    :param slice_dim: the dimension (negative recommended).
    :param slice_idx: the index.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 slice_dim: int, slice_idx: int) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        self.slice_dim, self.slice_idx = int(slice_dim), int(slice_idx)

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {self.out_keys[0]: self._get_input(block_input, self.in_keys[0]).select(self.slice_dim, self.slice_idx)}

    def layer_summary(self) -> list[str]:
        """``["index -1 of dim -2"]``."""
        return [f"index {self.slice_idx} of dim {self.slice_dim}"]
