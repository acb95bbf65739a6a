"""Helper base for joint blocks: a chain of perception blocks exposed as one block."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import PerceptionBlock, ShapeType


class ChainedBlock(PerceptionBlock):
    """A perception block whose forward runs ``self.chain`` (a list of one-in/one-out blocks) in order.

    Sub-blocks use intermediate keys ``<out_key>_<stage>``; only the final out key is returned.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType]) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        if len(self.in_keys) != 1 or len(self.out_keys) != 1:
            raise ValueError(f"{self.block_name}: needs exactly one in key and one out key")
        self.chain = nn.ModuleList()

    def _stage_key(self, stage: str) -> str:
        return f"{self.out_keys[0]}_{stage}"

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        x = {self.in_keys[0]: self._get_input(block_input, self.in_keys[0])}
        for block in self.chain:
            x = block(x)
        return {self.out_keys[0]: x[self.chain[-1].out_keys[0]]}

    def out_shapes(self) -> list[tuple[int, ...]]:
        return [tuple(self.chain[-1].out_shapes()[0])]

    def layer_summary(self) -> list[str]:
        """The layer summaries of the chained blocks, in order."""
        return [line for block in self.chain for line in block.layer_summary()]
