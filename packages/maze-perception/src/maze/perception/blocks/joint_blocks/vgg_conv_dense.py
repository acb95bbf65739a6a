"""VGG convolutions, flatten and dense layers."""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.feed_forward.vgg_conv import VGGConvolutionBlock
from maze.perception.blocks.general.flatten import FlattenBlock
from maze.perception.blocks.joint_blocks._chain import ChainedBlock


class VGGConvolutionDenseBlock(ChainedBlock):
    """:class:`VGGConvolutionBlock` stacks, flattening and a :class:`DenseBlock`.

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape ``(channels, rows, columns)``.
    :param hidden_channels: channels per convolution stack.
    :param hidden_units: dense units per layer.
    :param non_lin: the non-linearity.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_channels: Sequence[int], hidden_units: Sequence[int], non_lin: str | type[nn.Module] = nn.ReLU) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        conv = VGGConvolutionBlock(self.in_keys, self._stage_key("conv"), self.in_shapes, hidden_channels=hidden_channels, non_lin=non_lin)
        flat = FlattenBlock(conv.out_keys, self._stage_key("flat"), conv.out_shapes(), num_flatten_dims=3)
        dense = DenseBlock(flat.out_keys, self.out_keys, flat.out_shapes(), hidden_units=hidden_units, non_lin=non_lin)
        self.chain.extend([conv, flat, dense])
