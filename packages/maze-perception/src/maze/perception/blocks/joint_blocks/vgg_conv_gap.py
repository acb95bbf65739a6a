"""VGG convolutions followed by global average pooling."""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.feed_forward.vgg_conv import VGGConvolutionBlock
from maze.perception.blocks.general.gap import GlobalAveragePoolingBlock
from maze.perception.blocks.joint_blocks._chain import ChainedBlock


class VGGConvolutionGAPBlock(ChainedBlock):
    """:class:`VGGConvolutionBlock` stacks followed by :class:`GlobalAveragePoolingBlock`.

    :param in_keys: one input key.
    :param out_keys: one output key.
    :param in_shapes: the input shape ``(channels, rows, columns)``.
    :param hidden_channels: channels per convolution stack.
    :param non_lin: the non-linearity.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_channels: Sequence[int], non_lin: str | type[nn.Module] = nn.ReLU) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        conv = VGGConvolutionBlock(self.in_keys, self._stage_key("conv"), self.in_shapes, hidden_channels=hidden_channels, non_lin=non_lin)
        gap = GlobalAveragePoolingBlock(conv.out_keys, self.out_keys, conv.out_shapes())
        self.chain.extend([conv, gap])
