"""Graph convolution (Kipf & Welling, 2017, https://arxiv.org/abs/1609.02907)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

from maze.perception.blocks.base import ShapeType, check_int_list, resolve_non_lin
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock


def normalize_adjacency(adj: torch.Tensor, self_importance: torch.Tensor | float) -> torch.Tensor:
    """``D^-1/2 (A + s I) D^-1/2`` for a batch of adjacency matrices ``(batch, nodes, nodes)``."""
    eye = torch.eye(adj.shape[-1], dtype=adj.dtype, device=adj.device)
    a_bar = adj + self_importance * eye
    degree = a_bar.sum(-1).clamp(min=1e-8)
    d_inv_sqrt = degree.pow(-0.5)
    return d_inv_sqrt.unsqueeze(-1) * a_bar * d_inv_sqrt.unsqueeze(-2)


def check_graph_inputs(block_name: str, in_keys: Sequence[str], in_shapes: Sequence[ShapeType]) -> tuple[ShapeType, ShapeType]:
    """Validate the inputs of a graph block: a feature matrix ``(nodes, features)`` and an adjacency matrix
    ``(nodes, nodes)`` (shapes without the batch dimension), in this order.

    :param block_name: the block's name, for error messages.
    :param in_keys: the block's two input keys (features, adjacency).
    :param in_shapes: their shapes.
    :return: the feature and adjacency shapes.
    :raises ValueError: on a wrong number of keys or shapes that do not fit.
    """
    if len(in_keys) != 2:
        raise ValueError(f"{block_name}: needs two in_keys (features, adjacency), got {in_keys}")
    feat, adj = in_shapes
    if len(feat) < 2 or len(adj) < 2 or adj[-1] != adj[-2] or adj[-1] != feat[-2]:
        raise ValueError(f"{block_name}: features {feat} and adjacency {adj} do not fit: expected (nodes, features) and (nodes, nodes)")
    return feat, adj


class GraphConvBlock(ShapeNormalizationBlock):
    """Subsequent graph convolution stacks ``H' = non_lin(Â H W)``.

    Inputs: feature matrix ``(batch, nodes, features)`` (first in key) and adjacency matrix
    ``(batch, nodes, nodes)`` (second in key, symmetric). Output: ``(batch, nodes, hidden_features[-1])``.

    :param in_keys: the feature and adjacency keys.
    :param out_keys: one output key.
    :param in_shapes: shapes of features and adjacency.
    :param hidden_features: output features per layer.
    :param bias: use a bias per layer (bool or one per layer).
    :param non_lins: non-linearity for all layers or one per layer.
    :param node_self_importance: weight of a node's own features (``s`` in ``A + s I``).
    :param trainable_node_self_importance: make ``s`` a trainable parameter.
    :param preprocess_adj: normalise the adjacency in every forward pass; if False the input must
        already be normalised.
    """

    def __init__(self, in_keys: Sequence[str], out_keys: str | Sequence[str], in_shapes: Sequence[ShapeType],
                 hidden_features: Sequence[int], non_lins: str | type[nn.Module] | Sequence[str | type[nn.Module]] = nn.ReLU,
                 bias: bool | Sequence[bool] = True, node_self_importance: float = 1.0,
                 trainable_node_self_importance: bool = False, preprocess_adj: bool = True) -> None:
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=[3, 3], out_num_dims=3)
        feat, _ = check_graph_inputs(self.block_name, self.in_keys, self.in_shapes)
        self.hidden_features = check_int_list(hidden_features, "hidden_features", self.block_name)
        n = len(self.hidden_features)
        non_lin_list = list(non_lins) if isinstance(non_lins, (list, tuple)) else [non_lins] * n
        bias_list = list(bias) if isinstance(bias, (list, tuple)) else [bias] * n
        if len(non_lin_list) != n or len(bias_list) != n:
            raise ValueError(f"{self.block_name}: non_lins/bias need one entry per layer ({n})")
        self.non_lins = [resolve_non_lin(nl) for nl in non_lin_list]
        self.bias = [bool(b) for b in bias_list]
        self.preprocess_adj = preprocess_adj
        value = torch.tensor(float(node_self_importance))
        if trainable_node_self_importance:
            self.node_self_importance = nn.Parameter(value)
        else:
            self.register_buffer("node_self_importance", value)
        self.input_features = feat[-1]
        self.layers = nn.ModuleDict(self.build_layer_dict())

    def build_layer_dict(self) -> OrderedDict:
        """Linear transform and activation per layer."""
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        feats = [self.input_features, *self.hidden_features]
        for i in range(len(self.hidden_features)):
            layers[f"linear_{i}"] = nn.Linear(feats[i], feats[i + 1], bias=self.bias[i])
            layers[f"activation_{i}"] = self.non_lins[i]()
        return layers

    def normalized_forward(self, block_input: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        x = block_input[self.in_keys[0]]
        adj = block_input[self.in_keys[1]].to(x.dtype)
        if self.preprocess_adj:
            adj = normalize_adjacency(adj, self.node_self_importance)
        for i in range(len(self.hidden_features)):
            x = self.layers[f"activation_{i}"](torch.bmm(adj, self.layers[f"linear_{i}"](x)))
        return {self.out_keys[0]: x}
