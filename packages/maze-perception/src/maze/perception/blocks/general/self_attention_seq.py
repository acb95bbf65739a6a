"""Self-attention for sequences (Vaswani et al., 2017, https://arxiv.org/abs/1706.03762)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class SelfAttentionSeqBlock(ShapeNormalizationBlock):
    """Multi-head self-attention over ``(batch, seq_len, embed)`` inputs (``torch.nn.MultiheadAttention``).

    Optional second in key: a mask ``(batch, seq_len)`` (1 = valid element; invalid ones are not attended
    to). Optional second out key: the attention weights ``(batch, seq_len, seq_len)``.

    :param in_keys: the sequence key [and the mask key].
    :param out_keys: the output key [and the attention key].
    :param in_shapes: the input shape(s).
    :param num_heads: parallel attention heads (must divide the embedding dim = last input dim).
    :param dropout: dropout on the attention weights.
    :param add_input_to_output: residual connection.
    :param bias: add bias to the projections.
    """

    def __init__(self, in_keys: str | Sequence[str], out_keys: str | Sequence[str], in_shapes: ShapeType | Sequence[ShapeType],
                 num_heads: int, dropout: float = 0.0, add_input_to_output: bool = True, bias: bool = False) -> None:
        ins = [in_keys] if isinstance(in_keys, str) else list(in_keys)
        outs = [out_keys] if isinstance(out_keys, str) else list(out_keys)
        super().__init__(in_keys=ins, out_keys=outs, in_shapes=in_shapes, in_num_dims=[3, 2][: len(ins)], out_num_dims=[3, 3][: len(outs)])
        embed_dim = self.in_shapes[0][-1]
        if embed_dim % num_heads:
            raise ValueError(f"{self.block_name}: num_heads {num_heads} must divide the embedding dim {embed_dim}")
        self.attention = nn.MultiheadAttention(embed_dim, num_heads, dropout=dropout, bias=bias, batch_first=True)
        self.add_input_to_output = add_input_to_output

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        x = block_input[self.in_keys[0]]
        padding_mask = ~block_input[self.in_keys[1]].bool() if len(self.in_keys) == 2 else None
        out, weights = self.attention(x, x, x, key_padding_mask=padding_mask, need_weights=len(self.out_keys) == 2)
        if self.add_input_to_output:
            out = out + x
        result = {self.out_keys[0]: out}
        if len(self.out_keys) == 2:
            result[self.out_keys[1]] = weights
        return result
