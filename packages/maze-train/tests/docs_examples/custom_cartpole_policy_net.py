"""The docs' "Working with Custom Models", example 1: a custom CartPole policy network of perception blocks."""

from collections import OrderedDict
from typing import Dict, List, Sequence, Union

import numpy as np
import torch
import torch.nn as nn

from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.inference import InferenceBlock
from maze.perception.blocks.output.linear import LinearOutputBlock
from maze.perception.weight_init import make_module_init_normc


class CustomCartpolePolicyNet(nn.Module):
    """A dense block and a linear action head.

    :param obs_shapes: the shapes of the observations, by key.
    :param action_logits_shapes: the shapes of the action logits, by key.
    :param non_lin: the activation of the dense block.
    :param hidden_units: units of the hidden layers.
    """

    def __init__(self, obs_shapes: Dict[str, Sequence[int]], action_logits_shapes: Dict[str, Sequence[int]],
                 non_lin: Union[str, type(nn.Module)], hidden_units: List[int]):
        super().__init__()
        # the inference graph, block by block
        self.perception_dict = OrderedDict()
        self.perception_dict["latent"] = DenseBlock(
            in_keys="observation", out_keys="latent", in_shapes=obs_shapes["observation"],
            hidden_units=hidden_units, non_lin=non_lin)
        self.perception_dict["action"] = LinearOutputBlock(
            in_keys="latent", out_keys="action", in_shapes=self.perception_dict["latent"].out_shapes(),
            output_units=int(np.prod(action_logits_shapes["action"])))
        self.perception_net = InferenceBlock(
            in_keys="observation", out_keys="action", in_shapes=obs_shapes["observation"],
            perception_blocks=self.perception_dict)
        # weight init: normalized columns, a small action head
        self.perception_net.apply(make_module_init_normc(1.0))
        self.perception_dict["action"].apply(make_module_init_normc(0.01))

    def forward(self, in_tensor_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """The action logits of the observations.

        :param in_tensor_dict: the observation tensors by key.
        :return: the logits by action key.
        """
        return self.perception_net(in_tensor_dict)
