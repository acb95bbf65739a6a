"""Flatten followed by dense layers."""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.general.flatten import FlattenBlock
from maze.perception.blocks.joint_blocks._chain import ChainedBlock


class FlattenDenseBlock(ChainedBlock):
    """A :class:`FlattenBlock` followed by a :class:`DenseBlock`.

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape.
    :param num_flatten_dims: number of trailing dims to flatten.
    :param hidden_units: dense units per layer.
    :param non_lin: the non-linearity.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 num_flatten_dims: int, hidden_units: Sequence[int], non_lin: str | type[nn.Module] = nn.ReLU) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        flat = FlattenBlock(self.in_keys, self._stage_key("flat"), self.in_shapes, num_flatten_dims=num_flatten_dims)
        dense = DenseBlock(flat.out_keys, self.out_keys, flat.out_shapes(), hidden_units=hidden_units, non_lin=non_lin)
        self.chain.extend([flat, dense])
