"""Multi-head attention between query, key and value sequences (Vaswani et al., 2017)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class MultiHeadAttentionBlock(ShapeNormalizationBlock):
    """Multi-head attention (``torch.nn.MultiheadAttention``, batch first).

    in_keys: ``[query, key, value]`` plus optionally a key padding mask ``(batch, key_len)`` where
    1/True marks valid elements. out_keys: the attended output ``(batch, query_len, embed)`` and
    optionally the attention weights ``(batch, query_len, key_len)``.

    :param in_keys: 3 or 4 keys (see above).
    :param out_keys: 1 or 2 keys.
    :param in_shapes: shapes of query ``(len, embed)``, key ``(len, kdim)``, value ``(len, vdim)`` [, mask ``(len,)``].
    :param num_heads: parallel attention heads (must divide the query embedding dim).
    :param dropout: dropout on the attention weights.
    :param bias: add bias to the projections.
    :param add_input_to_output: add the query to the output (residual connection).
    """

    def __init__(self, in_keys: Sequence[str], out_keys: str | Sequence[str], in_shapes: Sequence[ShapeType],
                 num_heads: int, dropout: float = 0.0, bias: bool = True, add_input_to_output: bool = True) -> None:
        in_keys = list(in_keys)
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes,
                         in_num_dims=[3, 3, 3, 2][: len(in_keys)], out_num_dims=3)
        if len(self.in_keys) not in (3, 4) or len(self.out_keys) not in (1, 2):
            raise ValueError(f"{self.block_name}: needs 3 or 4 in_keys (query, key, value[, mask]) and 1 or 2 out_keys")
        embed_dim = self.in_shapes[0][-1]
        if embed_dim % num_heads:
            raise ValueError(f"{self.block_name}: num_heads {num_heads} must divide the query embedding dim {embed_dim}")
        self.add_input_to_output = add_input_to_output
        self.attention = nn.MultiheadAttention(embed_dim, num_heads, dropout=dropout, bias=bias, batch_first=True,
                                               kdim=self.in_shapes[1][-1], vdim=self.in_shapes[2][-1])

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        query, key, value = (block_input[k] for k in self.in_keys[:3])
        padding_mask = None
        if len(self.in_keys) == 4:
            padding_mask = ~block_input[self.in_keys[3]].bool()
        out, weights = self.attention(query, key, value, key_padding_mask=padding_mask, need_weights=len(self.out_keys) == 2)
        if self.add_input_to_output:
            out = out + query
        result = {self.out_keys[0]: out}
        if len(self.out_keys) == 2:
            result[self.out_keys[1]] = weights
        return result
