"""Strided convolutions, flatten and dense layers."""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.feed_forward.strided_conv import StridedConvolutionBlock
from maze.perception.blocks.general.flatten import FlattenBlock
from maze.perception.blocks.joint_blocks._chain import ChainedBlock


class StridedConvolutionDenseBlock(ChainedBlock):
    """:class:`StridedConvolutionBlock`, flattening and a :class:`DenseBlock` (parameters as in those blocks)."""

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_channels: Sequence[int], hidden_kernels: Sequence[int], convolution_dimension: int = 2,
                 hidden_strides: Sequence[int] | None = None, hidden_dilations: Sequence[int] | None = None,
                 hidden_padding: Sequence[int] | None = None, padding_mode: str = "zeros",
                 hidden_units: Sequence[int] = (256,), non_lin: str | type[nn.Module] = nn.ReLU) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes)
        conv = StridedConvolutionBlock(self.in_keys, self._stage_key("conv"), self.in_shapes, hidden_channels=hidden_channels,
                                       hidden_kernels=hidden_kernels, non_lin=non_lin, convolution_dimension=convolution_dimension,
                                       hidden_strides=hidden_strides, hidden_dilations=hidden_dilations,
                                       hidden_padding=hidden_padding, padding_mode=padding_mode)
        flat = FlattenBlock(conv.out_keys, self._stage_key("flat"), conv.out_shapes(), num_flatten_dims=convolution_dimension + 1)
        dense = DenseBlock(flat.out_keys, self.out_keys, flat.out_shapes(), hidden_units=hidden_units, non_lin=non_lin)
        self.chain.extend([conv, flat, dense])
