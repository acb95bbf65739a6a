"""VGG-style convolution stacks."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType, check_int_list, format_sizes, resolve_non_lin
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class VGGConvolutionBlock(ShapeNormalizationBlock):
    """Subsequent VGG-style stacks: two 3x3 convolutions (padding 1) with ``non_lin`` each, then 2x2 max pooling.

    Expects ``(batch, channel, row, column)`` after shape normalisation.

    :param in_keys: one key identifying the input tensor.
    :param out_keys: one key identifying the output tensor.
    :param in_shapes: the input shape ``(channels, rows, columns)``.
    :param hidden_channels: output channels per stack.
    :param non_lin: the non-linearity.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_channels: Sequence[int], non_lin: str | type[nn.Module] = nn.ReLU) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=4, out_num_dims=4)
        if len(self.in_shapes[0]) < 3:
            raise ValueError(f"{self.block_name}: expects (channels, rows, columns) inputs, got in_shape {self.in_shapes[0]}")
        self.input_channels = self.in_shapes[0][-3]
        self.hidden_channels = check_int_list(hidden_channels, "hidden_channels", self.block_name)
        self.non_lin = resolve_non_lin(non_lin)
        self.net = nn.Sequential(self.build_layer_dict())

    def build_layer_dict(self) -> OrderedDict:
        """Layers of all stacks (override for variants)."""
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        channels = [self.input_channels, *self.hidden_channels]
        for i in range(len(self.hidden_channels)):
            layers[f"conv_{i}a"] = nn.Conv2d(channels[i], channels[i + 1], kernel_size=3, padding=1)
            layers[f"activation_{i}a"] = self.non_lin()
            layers[f"conv_{i}b"] = nn.Conv2d(channels[i + 1], channels[i + 1], kernel_size=3, padding=1)
            layers[f"activation_{i}b"] = self.non_lin()
            layers[f"pool_{i}"] = nn.MaxPool2d(kernel_size=2, stride=2)
        return layers

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {self.out_keys[0]: self.net(block_input[self.in_keys[0]])}

    def layer_summary(self) -> list[str]:
        """``["VGG conv 8-16-32 ReLU", "(2×3x3 conv + max-pool per stack)"]``."""
        return [f"VGG conv {format_sizes(self.hidden_channels)} {self.non_lin.__name__}", "(2×3x3 conv + max-pool per stack)"]
