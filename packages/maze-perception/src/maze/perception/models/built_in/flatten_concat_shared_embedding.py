"""Flatten-and-concatenate actor-critic networks sharing the embedding ``latent`` between actor and critic.

The policy returns its action logits and ``latent``; the critic receives ``latent`` (the model composer
adds it to the critic's ``obs_shapes``) and only adds a value head, so the embedding is trained by
both losses.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from maze.perception.blocks.base import PerceptionBlock
from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.inference import InferenceBlock
from maze.perception.blocks.output.linear import LinearOutputBlock
from maze.perception.models.built_in.flatten_concat import flatten_concat_blocks
from maze.perception.weight_init import make_module_init_normc

SHARED_KEY = "latent"


class FlattenConcatSharedEmbeddingPolicyNet(nn.Module):
    """Policy: ``flatten → concat → dense → latent`` (shared), then per head ``dense(head_units) → linear``.

    :param obs_shapes: observation key → shape.
    :param action_logits_shapes: action head → logits shape.
    :param hidden_units: units of the shared dense layers.
    :param head_units: units of the per-head dense layers.
    :param non_lin: the non-linearity.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], action_logits_shapes: Mapping[str, Sequence[int]],
                 hidden_units: Sequence[int], head_units: Sequence[int], non_lin: str | type[nn.Module]) -> None:
        super().__init__()
        obs_shapes = {k: tuple(v) for k, v in obs_shapes.items()}
        self.perception_dict: OrderedDict[str, PerceptionBlock] = flatten_concat_blocks(obs_shapes, hidden_units, non_lin, SHARED_KEY)
        latent_shape = self.perception_dict[SHARED_KEY].out_shapes()
        for head, shape in action_logits_shapes.items():
            self.perception_dict[f"{head}_head"] = DenseBlock(SHARED_KEY, f"{head}_head", latent_shape, hidden_units=head_units, non_lin=non_lin)
            self.perception_dict[head] = LinearOutputBlock(f"{head}_head", head, self.perception_dict[f"{head}_head"].out_shapes(),
                                                           output_units=int(np.prod(shape)))
        in_keys = list(obs_shapes)
        self.perception_net = InferenceBlock(in_keys=in_keys, out_keys=[*action_logits_shapes, SHARED_KEY],
                                             in_shapes=[obs_shapes[k] for k in in_keys], perception_blocks=self.perception_dict)
        self.perception_net.apply(make_module_init_normc(1.0))
        for head in action_logits_shapes:
            self.perception_dict[head].apply(make_module_init_normc(0.01))

    def forward(self, in_tensor_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Forward pass: action logits and the shared ``latent``."""
        return self.perception_net(in_tensor_dict)


class FlattenConcatSharedEmbeddingStateValueNet(nn.Module):
    """Critic on the shared ``latent``: ``dense(head_units) → value``.

    :param obs_shapes: must contain ``latent`` (added by the model composer from the policy output).
    :param head_units: units of the value head's dense layers.
    :param non_lin: the non-linearity.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], head_units: Sequence[int], non_lin: str | type[nn.Module]) -> None:
        super().__init__()
        if SHARED_KEY not in obs_shapes:
            raise ValueError(f"FlattenConcatSharedEmbeddingStateValueNet needs the shared embedding {SHARED_KEY!r} in obs_shapes "
                             f"(got {list(obs_shapes)}); use it with FlattenConcatSharedEmbeddingPolicyNet")
        shape = tuple(obs_shapes[SHARED_KEY])
        self.perception_dict: OrderedDict[str, PerceptionBlock] = OrderedDict()
        self.perception_dict["value_head"] = DenseBlock(SHARED_KEY, "value_head", shape, hidden_units=head_units, non_lin=non_lin)
        self.perception_dict["value"] = LinearOutputBlock("value_head", "value", self.perception_dict["value_head"].out_shapes(), output_units=1)
        self.perception_net = InferenceBlock(in_keys=SHARED_KEY, out_keys="value", in_shapes=shape, perception_blocks=self.perception_dict)
        self.perception_net.apply(make_module_init_normc(1.0))
        self.perception_dict["value"].apply(make_module_init_normc(0.01))

    def forward(self, in_tensor_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Forward pass: ``{"value": ...}``."""
        return self.perception_net(in_tensor_dict)
