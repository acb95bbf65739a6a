"""Flatten-and-concatenate networks: every observation is flattened, all are concatenated and processed by
dense layers. A good default for vector observations of any structure."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from maze.perception.blocks.base import PerceptionBlock
from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.general.concat import ConcatenationBlock
from maze.perception.blocks.general.flatten import FlattenBlock
from maze.perception.blocks.general.functional import FunctionalBlock
from maze.perception.blocks.inference import InferenceBlock
from maze.perception.blocks.output.linear import LinearOutputBlock
from maze.perception.weight_init import make_module_init_normc


def _unsqueeze_last(x: torch.Tensor) -> torch.Tensor:
    return x.unsqueeze(-1)


def flatten_concat_blocks(obs_shapes: Mapping[str, Sequence[int]], hidden_units: Sequence[int], non_lin: str | type[nn.Module],
                          latent_key: str = "latent") -> OrderedDict[str, PerceptionBlock]:
    """Blocks flattening each observation, concatenating them and applying a dense block → ``latent_key``."""
    blocks: OrderedDict[str, PerceptionBlock] = OrderedDict()
    flat_keys = []
    for key, shape in obs_shapes.items():
        shape = tuple(shape)
        flat_key = f"{key}_flat"
        if len(shape) == 0:
            blocks[flat_key] = FunctionalBlock(key, flat_key, shape, func=_unsqueeze_last)
        elif len(shape) == 1:
            flat_keys.append(key)
            continue
        else:
            blocks[flat_key] = FlattenBlock(key, flat_key, shape, num_flatten_dims=len(shape))
        flat_keys.append(flat_key)
    shapes = [blocks[k].out_shapes()[0] if k in blocks else tuple(obs_shapes[k]) for k in flat_keys]
    blocks["concat"] = ConcatenationBlock(flat_keys, "concat", shapes, concat_dim=-1)
    blocks[latent_key] = DenseBlock("concat", latent_key, blocks["concat"].out_shapes(), hidden_units=hidden_units, non_lin=non_lin)
    return blocks


class FlattenConcatBaseNet(nn.Module):
    """Base flatten-and-concatenate model: ``obs → flatten → concat → DenseBlock → latent``.

    :param obs_shapes: observation key → shape.
    :param hidden_units: units of the dense layers.
    :param non_lin: the non-linearity.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], hidden_units: Sequence[int], non_lin: str | type[nn.Module]) -> None:
        super().__init__()
        self.obs_shapes = {k: tuple(v) for k, v in obs_shapes.items()}
        self.hidden_units = list(hidden_units)
        self.perception_dict = flatten_concat_blocks(self.obs_shapes, self.hidden_units, non_lin)

    def _finish(self, out_keys: list[str], head_keys: list[str]) -> None:
        in_keys = list(self.obs_shapes)
        self.perception_net = InferenceBlock(in_keys=in_keys, out_keys=out_keys, in_shapes=[self.obs_shapes[k] for k in in_keys],
                                             perception_blocks=self.perception_dict)
        self.perception_net.apply(make_module_init_normc(1.0))
        for key in head_keys:
            self.perception_dict[key].apply(make_module_init_normc(0.01))

    def forward(self, in_tensor_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Forward pass (dict in, dict out)."""
        return self.perception_net(in_tensor_dict)


class FlattenConcatPolicyNet(FlattenConcatBaseNet):
    """Flatten-and-concatenate policy: one linear logits head per action.

    :param obs_shapes: observation key → shape.
    :param action_logits_shapes: action head → logits shape.
    :param hidden_units: units of the dense layers.
    :param non_lin: the non-linearity.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], action_logits_shapes: Mapping[str, Sequence[int]],
                 hidden_units: Sequence[int], non_lin: str | type[nn.Module]) -> None:
        super().__init__(obs_shapes, hidden_units, non_lin)
        latent_shape = self.perception_dict["latent"].out_shapes()
        for head, shape in action_logits_shapes.items():
            self.perception_dict[head] = LinearOutputBlock("latent", head, latent_shape, output_units=int(np.prod(shape)))
        self._finish(list(action_logits_shapes), list(action_logits_shapes))


class FlattenConcatStateValueNet(FlattenConcatBaseNet):
    """Flatten-and-concatenate state critic: returns ``{"value": (batch, 1)}``.

    :param obs_shapes: observation key → shape.
    :param hidden_units: units of the dense layers.
    :param non_lin: the non-linearity.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], hidden_units: Sequence[int], non_lin: str | type[nn.Module]) -> None:
        super().__init__(obs_shapes, hidden_units, non_lin)
        self.perception_dict["value"] = LinearOutputBlock("latent", "value", self.perception_dict["latent"].out_shapes(), output_units=1)
        self._finish(["value"], ["value"])


class FlattenConcatStateActionValueNet(FlattenConcatBaseNet):
    """Flatten-and-concatenate Q critic: observations (and, for non-discrete action spaces, actions) in,
    one linear head per output key (``<head>_q_values`` or ``q_value``) out.

    :param obs_shapes: observation (and action) key → shape.
    :param output_shapes: output key → shape.
    :param hidden_units: units of the dense layers.
    :param non_lin: the non-linearity.
    """

    def __init__(self, obs_shapes: Mapping[str, Sequence[int]], output_shapes: Mapping[str, Sequence[int]],
                 hidden_units: Sequence[int], non_lin: str | type[nn.Module]) -> None:
        super().__init__(obs_shapes, hidden_units, non_lin)
        latent_shape = self.perception_dict["latent"].out_shapes()
        for key, shape in output_shapes.items():
            self.perception_dict[key] = LinearOutputBlock("latent", key, latent_shape, output_units=int(np.prod(shape)))
        self._finish(list(output_shapes), list(output_shapes))
