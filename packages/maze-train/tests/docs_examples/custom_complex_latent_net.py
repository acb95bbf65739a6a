"""The docs' "Working with Custom Models", example 2: the shared low-level structure of a policy and a critic."""

from collections import OrderedDict
from typing import Dict, List, Sequence, Union

import torch.nn as nn

from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.general.concat import ConcatenationBlock
from maze.perception.blocks.joint_blocks.lstm_last_step import LSTMLastStepBlock
from maze.perception.blocks.joint_blocks.vgg_conv_dense import VGGConvolutionDenseBlock


class CustomComplexLatentNet:
    """Inventory features and screen pixels embedded, concatenated, a dense layer and an LSTM: ``latent``.

    :param obs_shapes: the shapes of the observations (``observation_inventory``, ``observation_screen``).
    :param non_lin: the activation of the blocks.
    :param hidden_units: units of the dense layer after the concatenation.
    """

    def __init__(self, obs_shapes: Dict[str, Sequence[int]], non_lin: Union[str, type(nn.Module)],
                 hidden_units: List[int]):
        self.obs_shapes = obs_shapes
        self.perception_dict = OrderedDict()
        self.perception_dict["latent_inventory"] = DenseBlock(
            in_keys="observation_inventory", out_keys="latent_inventory", in_shapes=obs_shapes["observation_inventory"],
            hidden_units=[128], non_lin=non_lin)
        self.perception_dict["latent_screen"] = VGGConvolutionDenseBlock(
            in_keys="observation_screen", out_keys="latent_screen", in_shapes=obs_shapes["observation_screen"],
            non_lin=non_lin, hidden_channels=[8, 16, 32], hidden_units=[32])
        self.perception_dict["latent_concat"] = ConcatenationBlock(
            in_keys=["latent_inventory", "latent_screen"], out_keys="latent_concat",
            in_shapes=self.perception_dict["latent_inventory"].out_shapes()
            + self.perception_dict["latent_screen"].out_shapes(), concat_dim=-1)
        self.perception_dict["latent_dense"] = DenseBlock(
            in_keys="latent_concat", out_keys="latent_dense", hidden_units=hidden_units, non_lin=non_lin,
            in_shapes=self.perception_dict["latent_concat"].out_shapes())
        self.perception_dict["latent"] = LSTMLastStepBlock(
            in_keys="latent_dense", out_keys="latent", in_shapes=self.perception_dict["latent_dense"].out_shapes(),
            hidden_size=32, num_layers=1, bidirectional=False, non_lin=non_lin)
