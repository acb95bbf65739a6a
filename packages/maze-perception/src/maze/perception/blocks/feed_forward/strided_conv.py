"""Strided convolution layers (1d, 2d or 3d)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType, check_int_list, resolve_non_lin
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


def _per_layer(value: int | Sequence[int] | None, n: int, default: int, name: str, block: str) -> list[int]:
    if value is None:
        return [default] * n
    if isinstance(value, int):
        return [value] * n
    out = [int(v) for v in value]
    if len(out) != n:
        raise ValueError(f"{block}: {name} has {len(out)} entries, expected one per hidden layer ({n})")
    return out


class StridedConvolutionBlock(ShapeNormalizationBlock):
    """Subsequent strided convolutions, each followed by ``non_lin``.

    Expects ``(batch, channel, *spatial)`` with ``convolution_dimension`` spatial dims after normalisation.

    :param in_keys: one key identifying the input tensor.
    :param out_keys: one key identifying the output tensor.
    :param in_shapes: the input shape ``(channels, *spatial)``.
    :param hidden_channels: output channels per layer.
    :param hidden_kernels: kernel size per layer.
    :param non_lin: the non-linearity.
    :param convolution_dimension: 1, 2 or 3.
    :param hidden_strides: stride per layer (default 1).
    :param hidden_dilations: dilation per layer (default 1).
    :param hidden_padding: padding per layer (default 0).
    :param padding_mode: ``zeros``, ``reflect``, ``replicate`` or ``circular``.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_channels: Sequence[int], hidden_kernels: Sequence[int], non_lin: str | type[nn.Module] = nn.ReLU,
                 convolution_dimension: int = 2, hidden_strides: Sequence[int] | None = None,
                 hidden_dilations: Sequence[int] | None = None, hidden_padding: Sequence[int] | None = None,
                 padding_mode: str = "zeros") -> None:
        if convolution_dimension not in (1, 2, 3):
            raise ValueError(f"StridedConvolutionBlock: convolution_dimension must be 1, 2 or 3, got {convolution_dimension}")
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes,
                         in_num_dims=convolution_dimension + 2, out_num_dims=convolution_dimension + 2)
        if len(self.in_shapes[0]) < convolution_dimension + 1:
            raise ValueError(f"{self.block_name}: expects (channels, *{convolution_dimension} spatial dims), got in_shape {self.in_shapes[0]}")
        self.convolution_dimension = convolution_dimension
        self.input_channels = self.in_shapes[0][-(convolution_dimension + 1)]
        self.hidden_channels = check_int_list(hidden_channels, "hidden_channels", self.block_name)
        n = len(self.hidden_channels)
        self.hidden_kernels = _per_layer(hidden_kernels, n, 3, "hidden_kernels", self.block_name)
        self.hidden_strides = _per_layer(hidden_strides, n, 1, "hidden_strides", self.block_name)
        self.hidden_dilations = _per_layer(hidden_dilations, n, 1, "hidden_dilations", self.block_name)
        self.hidden_padding = _per_layer(hidden_padding, n, 0, "hidden_padding", self.block_name)
        self.padding_mode = padding_mode
        self.non_lin = resolve_non_lin(non_lin)
        self.net = nn.Sequential(self.build_layer_dict())

    def build_layer_dict(self) -> OrderedDict:
        """Convolution and activation layers (override for variants)."""
        conv = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}[self.convolution_dimension]
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        channels = [self.input_channels, *self.hidden_channels]
        for i in range(len(self.hidden_channels)):
            layers[f"conv_{i}"] = conv(channels[i], channels[i + 1], kernel_size=self.hidden_kernels[i], stride=self.hidden_strides[i],
                                       dilation=self.hidden_dilations[i], padding=self.hidden_padding[i], padding_mode=self.padding_mode)
            layers[f"activation_{i}"] = self.non_lin()
        return layers

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {self.out_keys[0]: self.net(block_input[self.in_keys[0]])}
