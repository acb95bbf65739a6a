"""Self-attention for feature maps (Zhang et al., 2018, SAGAN, https://arxiv.org/abs/1805.08318)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class SelfAttentionConvBlock(ShapeNormalizationBlock):
    """Self-attention over the positions of ``(batch, channel, row, column)`` feature maps.

    Query/key are 1x1 convolutions to ``embed_dim`` channels, the value keeps the channels; the
    attended output is scaled by a learned ``gamma`` (initialised to 0) and, with
    ``add_input_to_output``, added to the input. A second out key returns the attention map
    ``(batch, rows*columns, rows*columns)``.

    :param in_keys: one input key.
    :param out_keys: the output key [and the attention map key].
    :param in_shapes: the input shape ``(channels, rows, columns)``.
    :param embed_dim: channels of query and key.
    :param add_input_to_output: residual connection.
    :param bias: use biases in the projections.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 embed_dim: int, add_input_to_output: bool = True, bias: bool = False) -> None:
        keys = [out_keys] if isinstance(out_keys, str) else list(out_keys)
        super().__init__(in_keys=in_keys, out_keys=keys, in_shapes=in_shapes, in_num_dims=4, out_num_dims=[4, 3][: len(keys)])
        channels = self.in_shapes[0][-3]
        self.query = nn.Conv2d(channels, embed_dim, kernel_size=1, bias=bias)
        self.key = nn.Conv2d(channels, embed_dim, kernel_size=1, bias=bias)
        self.value = nn.Conv2d(channels, channels, kernel_size=1, bias=bias)
        self.gamma = nn.Parameter(torch.zeros(1))
        self.add_input_to_output = add_input_to_output

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        x = block_input[self.in_keys[0]]
        b, c, h, w = x.shape
        q = self.query(x).flatten(2).transpose(1, 2)  # (b, hw, e)
        k = self.key(x).flatten(2)  # (b, e, hw)
        attention = torch.softmax(torch.bmm(q, k), dim=-1)  # (b, hw, hw)
        v = self.value(x).flatten(2)  # (b, c, hw)
        out = torch.bmm(v, attention.transpose(1, 2)).view(b, c, h, w) * self.gamma
        if self.add_input_to_output:
            out = out + x
        result = {self.out_keys[0]: out}
        if len(self.out_keys) == 2:
            result[self.out_keys[1]] = attention
        return result
