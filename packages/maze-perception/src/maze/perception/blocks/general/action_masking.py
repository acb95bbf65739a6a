"""Mask invalid actions in logits."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from maze.perception.blocks.base import PerceptionBlock, ShapeType


class ActionMaskingBlock(PerceptionBlock):
    """Sets the logits of invalid actions to the most negative float, so a categorical distribution gives
    them probability 0 (they are never sampled).

    in_keys come in pairs ``[logits_1, mask_1, logits_2, mask_2, ...]`` (mask: 1/True = valid, same shape
    as the logits); there is one out key per pair. If every action of a row is masked, all logits of
    that row become equally negative (uniform distribution).

    :param in_keys: logits/mask key pairs.
    :param out_keys: one key per pair.
    :param in_shapes: shapes of the logits and masks.
    """

    def __init__(self, in_keys: Sequence[str], out_keys: str | Sequence[str], in_shapes: Sequence[ShapeType]) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        if len(self.in_keys) % 2 or len(self.in_keys) // 2 != len(self.out_keys):
            raise ValueError(f"{self.block_name}: in_keys must be (logits, mask) pairs with one out key per pair; "
                             f"got in_keys {self.in_keys}, out_keys {self.out_keys}")
        for i in range(0, len(self.in_keys), 2):
            if self.in_shapes[i] != self.in_shapes[i + 1]:
                raise ValueError(f"{self.block_name}: logits {self.in_keys[i]!r} {self.in_shapes[i]} and mask "
                                 f"{self.in_keys[i + 1]!r} {self.in_shapes[i + 1]} must have the same shape")

    def forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        out = {}
        for i, out_key in enumerate(self.out_keys):
            logits = self._get_input(block_input, self.in_keys[2 * i])
            mask = self._get_input(block_input, self.in_keys[2 * i + 1])
            out[out_key] = logits.masked_fill(mask == 0, torch.finfo(logits.dtype).min)
        return out
