"""The docs' "Working with Custom Models", example 2: the critic on the shared latent network."""

from typing import Dict, List, Sequence, Union

import torch
import torch.nn as nn
from custom_complex_latent_net import CustomComplexLatentNet

from maze.perception.blocks.inference import InferenceBlock
from maze.perception.blocks.output.linear import LinearOutputBlock
from maze.perception.weight_init import make_module_init_normc


class CustomComplexCriticNet(nn.Module, CustomComplexLatentNet):
    """A linear value head on :class:`CustomComplexLatentNet`.

    :param obs_shapes: the shapes of the observations, by key.
    :param non_lin: the activation of the blocks.
    :param hidden_units: units of the latent dense layer.
    """

    def __init__(self, obs_shapes: Dict[str, Sequence[int]], non_lin: Union[str, type(nn.Module)],
                 hidden_units: List[int]):
        nn.Module.__init__(self)
        CustomComplexLatentNet.__init__(self, obs_shapes, non_lin, hidden_units)
        self.perception_dict["value"] = LinearOutputBlock(
            in_keys="latent", out_keys="value", in_shapes=self.perception_dict["latent"].out_shapes(), output_units=1)
        in_keys = list(self.obs_shapes.keys())
        self.perception_net = InferenceBlock(
            in_keys=in_keys, out_keys="value", in_shapes=[self.obs_shapes[key] for key in in_keys],
            perception_blocks=self.perception_dict)
        self.perception_net.apply(make_module_init_normc(1.0))
        self.perception_dict["value"].apply(make_module_init_normc(0.01))

    def forward(self, in_tensor_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """The state value (key ``value``)."""
        return self.perception_net(in_tensor_dict)
