"""The docs' "Working with Custom Models", example 2: the policy on the shared latent network."""

from typing import Dict, List, Sequence, Union

import numpy as np
import torch
import torch.nn as nn
from custom_complex_latent_net import CustomComplexLatentNet

from maze.perception.blocks.inference import InferenceBlock
from maze.perception.blocks.output.linear import LinearOutputBlock
from maze.perception.weight_init import make_module_init_normc


class CustomComplexPolicyNet(nn.Module, CustomComplexLatentNet):
    """A linear head per action on :class:`CustomComplexLatentNet`.

    :param obs_shapes: the shapes of the observations, by key.
    :param action_logits_shapes: the shapes of the action logits, by key.
    :param non_lin: the activation of the blocks.
    :param hidden_units: units of the latent dense layer.
    """

    def __init__(self, obs_shapes: Dict[str, Sequence[int]], action_logits_shapes: Dict[str, Sequence[int]],
                 non_lin: Union[str, type(nn.Module)], hidden_units: List[int]):
        nn.Module.__init__(self)
        CustomComplexLatentNet.__init__(self, obs_shapes, non_lin, hidden_units)
        for action_key, action_shape in action_logits_shapes.items():
            self.perception_dict[action_key] = LinearOutputBlock(
                in_keys="latent", out_keys=action_key, in_shapes=self.perception_dict["latent"].out_shapes(),
                output_units=int(np.prod(action_shape)))
        in_keys = list(self.obs_shapes.keys())
        self.perception_net = InferenceBlock(
            in_keys=in_keys, out_keys=list(action_logits_shapes.keys()), perception_blocks=self.perception_dict,
            in_shapes=[self.obs_shapes[key] for key in in_keys])
        self.perception_net.apply(make_module_init_normc(1.0))
        for action_key in action_logits_shapes:
            self.perception_dict[action_key].apply(make_module_init_normc(0.01))

    def forward(self, in_tensor_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """The logits of every action."""
        return self.perception_net(in_tensor_dict)
