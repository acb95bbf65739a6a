"""Graph attention (Veličković et al., 2018, https://arxiv.org/abs/1710.10903)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType, check_int_list, resolve_non_lin
from maze.perception.blocks.feed_forward.graph_conv import check_graph_inputs
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


class _GraphAttentionLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int, n_heads: int, alpha: float, dropout: float, average: bool) -> None:
        super().__init__()
        self.n_heads, self.out_features, self.average = n_heads, out_features, average
        self.linear = nn.Linear(in_features, n_heads * out_features, bias=False)
        self.attn_src = nn.Parameter(torch.empty(n_heads, out_features))
        self.attn_dst = nn.Parameter(torch.empty(n_heads, out_features))
        nn.init.xavier_uniform_(self.attn_src)
        nn.init.xavier_uniform_(self.attn_dst)
        self.leaky_relu = nn.LeakyReLU(alpha)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        h = self.linear(x).view(b, n, self.n_heads, self.out_features)  # (b, n, heads, f)
        e_src = (h * self.attn_src).sum(-1)  # (b, n, heads)
        e_dst = (h * self.attn_dst).sum(-1)
        e = self.leaky_relu(e_src.unsqueeze(2) + e_dst.unsqueeze(1))  # (b, i, j, heads)
        connected = (adj + torch.eye(n, device=adj.device, dtype=adj.dtype)) > 0
        e = e.masked_fill(~connected.unsqueeze(-1), float("-inf"))
        attention = self.dropout(torch.softmax(e, dim=2))
        out = torch.einsum("bijh,bjhf->bihf", attention, h)
        return out.mean(2) if self.average else out.reshape(b, n, self.n_heads * self.out_features)


class GraphAttentionBlock(ShapeNormalizationBlock):
    """Subsequent graph multi-head attention stacks, each followed by a non-linearity.

    Inputs: feature matrix ``(batch, nodes, features)`` and adjacency ``(batch, nodes, nodes)``; nodes
    attend to their neighbours and themselves. Heads are concatenated, except in the last layer when
    ``avg_last_head_attentions`` (then averaged). Output: ``(batch, nodes, out_features)``.

    :param in_keys: feature and adjacency keys.
    :param out_keys: one output key.
    :param in_shapes: shapes of features and adjacency.
    :param hidden_features: output features per head and layer.
    :param non_lins: non-linearity for all layers or one per layer.
    :param n_heads: heads per layer (int or one per layer).
    :param attention_alpha: negative slope of the LeakyReLU of the attention scores.
    :param avg_last_head_attentions: average (instead of concatenate) the heads of the last layer.
    :param attention_dropout: dropout on the attention weights.
    """

    def __init__(self, in_keys: Sequence[str], out_keys: str | Sequence[str], in_shapes: Sequence[ShapeType],
                 hidden_features: Sequence[int], non_lins: str | type[nn.Module] | Sequence[str | type[nn.Module]] = nn.ELU,
                 n_heads: int | Sequence[int] = 4, attention_alpha: float = 0.2, avg_last_head_attentions: bool = True,
                 attention_dropout: float = 0.0) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=[3, 3], out_num_dims=3)
        feat, _ = check_graph_inputs(self.block_name, self.in_keys, self.in_shapes)
        self.hidden_features = check_int_list(hidden_features, "hidden_features", self.block_name)
        n = len(self.hidden_features)
        heads = [int(h) for h in n_heads] if isinstance(n_heads, (list, tuple)) else [int(n_heads)] * n
        nls = list(non_lins) if isinstance(non_lins, (list, tuple)) else [non_lins] * n
        if len(heads) != n or len(nls) != n:
            raise ValueError(f"{self.block_name}: n_heads/non_lins need one entry per layer ({n})")
        self.layers = nn.ModuleList()
        self.activations = nn.ModuleList()
        in_f = feat[-1]
        for i in range(n):
            average = avg_last_head_attentions and i == n - 1
            self.layers.append(_GraphAttentionLayer(in_f, self.hidden_features[i], heads[i], attention_alpha, attention_dropout, average))
            self.activations.append(resolve_non_lin(nls[i])())
            in_f = self.hidden_features[i] * (1 if average else heads[i])

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        x = block_input[self.in_keys[0]]
        adj = block_input[self.in_keys[1]].to(x.dtype)
        for layer, act in zip(self.layers, self.activations):
            x = act(layer(x, adj))
        return {self.out_keys[0]: x}


