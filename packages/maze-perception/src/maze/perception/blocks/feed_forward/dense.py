"""Dense (fully connected) layers."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType, check_int_list, format_sizes, resolve_non_lin
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class DenseBlock(ShapeNormalizationBlock):
    """A block of subsequent dense layers, each followed by ``non_lin``; works on the last dimension
    (expects ``(batch, feature)`` after shape normalisation; extra leading sample dims such as a stacked
    time dimension are processed independently).

    :param in_keys: one key identifying the input tensor.
    :param out_keys: one key identifying the output tensor.
    :param in_shapes: the input shape.
    :param hidden_units: number of units per layer.
    :param non_lin: the non-linearity (class or import path such as ``torch.nn.ReLU``).
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 hidden_units: Sequence[int], non_lin: str | type[nn.Module] = nn.ReLU) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=2, out_num_dims=2)
        if len(self.in_shapes[0]) == 0:
            raise ValueError(f"{self.block_name}: DenseBlock needs at least a feature dimension, got in_shape ()")
        self.input_units = self.in_shapes[0][-1]
        self.hidden_units = check_int_list(hidden_units, "hidden_units", self.block_name)
        self.non_lin = resolve_non_lin(non_lin)
        self.net = nn.Sequential(self.build_layer_dict())

    def build_layer_dict(self) -> OrderedDict:
        """The layers ``dense_i`` and ``activation_i`` (override for variants such as batch-normalised blocks)."""
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        units = [self.input_units, *self.hidden_units]
        for i in range(len(self.hidden_units)):
            layers[f"dense_{i}"] = nn.Linear(units[i], units[i + 1])
            layers[f"activation_{i}"] = self.non_lin()
        return layers

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {self.out_keys[0]: self.net(block_input[self.in_keys[0]])}

    def layer_summary(self) -> list[str]:
        """``["Dense 2×256 Tanh"]`` (layer count × units, or the units per layer, and the non-linearity)."""
        return [f"Dense {format_sizes(self.hidden_units)} {self.non_lin.__name__}"]

    def __repr__(self) -> str:
        return f"{type(self).__name__}\n{self.hidden_units} {self.non_lin.__name__}\nOut Shapes: {self.out_shapes()}"
