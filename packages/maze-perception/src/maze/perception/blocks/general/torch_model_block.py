"""Wrap a plain torch module (dict in, dict out) as a shape-normalising perception block."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType, summarize_modules
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class TorchModelBlock(ShapeNormalizationBlock):
    """Gives a plain ``nn.Module`` (``forward(dict) -> dict``) shape normalisation and shape inference.

    :param in_keys: input key(s) the module reads.
    :param out_keys: output key(s) the module returns.
    :param in_shapes: per-sample input shapes.
    :param in_num_dims: dimensions the module expects per input (batch included), e.g. ``[2]`` for (batch, features).
    :param out_num_dims: dimensions of its outputs.
    :param net: the module.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 in_num_dims: int | Sequence[int], out_num_dims: int | Sequence[int], net: nn.Module) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=in_num_dims, out_num_dims=out_num_dims)
        if not isinstance(net, nn.Module):
            raise TypeError(f"{self.block_name}: net must be a torch.nn.Module, got {type(net).__name__}")
        self.net = net

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        out = self.net(block_input)
        if not isinstance(out, dict):
            raise TypeError(f"{self.block_name}: the wrapped {type(self.net).__name__} must return a dict, got {type(out).__name__}")
        return {k: out[k] for k in self.out_keys}

    def layer_summary(self) -> list[str]:
        """The wrapped module's class and its layers by attribute name (``PolicyNet``, ``l0: Linear 4→16``, ...)."""
        return [type(self.net).__name__, *summarize_modules(self.net, named=True)]
