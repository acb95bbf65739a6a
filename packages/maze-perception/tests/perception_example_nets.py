"""Networks of the docs' custom-model examples (written for these tests), referenced from YAML by import path."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from maze.perception.blocks.feed_forward.dense import DenseBlock
from maze.perception.blocks.general.concat import ConcatenationBlock
from maze.perception.blocks.inference import InferenceBlock
from maze.perception.blocks.joint_blocks.lstm_last_step import LSTMLastStepBlock
from maze.perception.blocks.joint_blocks.vgg_conv_dense import VGGConvolutionDenseBlock
from maze.perception.blocks.output.linear import LinearOutputBlock
from maze.perception.weight_init import make_module_init_normc


class CartpolePolicyNet(nn.Module):
    """Example 1 policy: one dense block and a linear action head."""

    def __init__(self, obs_shapes: dict[str, Sequence[int]], action_logits_shapes: dict[str, Sequence[int]],
                 non_lin: str, hidden_units: list[int]) -> None:
        super().__init__()
        self.perception_dict = OrderedDict()
        self.perception_dict["latent"] = DenseBlock("observation", "latent", obs_shapes["observation"], hidden_units, non_lin)
        self.perception_dict["action"] = LinearOutputBlock("latent", "action", self.perception_dict["latent"].out_shapes(),
                                                           output_units=int(np.prod(action_logits_shapes["action"])))
        self.perception_net = InferenceBlock("observation", "action", obs_shapes["observation"], self.perception_dict)
        self.perception_net.apply(make_module_init_normc(1.0))
        self.perception_dict["action"].apply(make_module_init_normc(0.01))

    def forward(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return self.perception_net(x)


class CartpoleCriticNet(nn.Module):
    """Example 1 critic."""

    def __init__(self, obs_shapes: dict[str, Sequence[int]], non_lin: str, hidden_units: list[int]) -> None:
        super().__init__()
        self.perception_dict = OrderedDict()
        self.perception_dict["latent"] = DenseBlock("observation", "latent", obs_shapes["observation"], hidden_units, non_lin)
        self.perception_dict["value"] = LinearOutputBlock("latent", "value", self.perception_dict["latent"].out_shapes(), output_units=1)
        self.perception_net = InferenceBlock("observation", "value", obs_shapes["observation"], self.perception_dict)

    def forward(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return self.perception_net(x)


class ComplexLatentNet:
    """Example 2 shared structure: dense inventory + VGG screen → concat → dense → LSTM last step."""

    def __init__(self, obs_shapes: dict[str, Sequence[int]], non_lin: str, hidden_units: list[int]) -> None:
        self.obs_shapes = obs_shapes
        d = OrderedDict()
        d["latent_inventory"] = DenseBlock("observation_inventory", "latent_inventory", obs_shapes["observation_inventory"], [128], non_lin)
        d["latent_screen"] = VGGConvolutionDenseBlock("observation_screen", "latent_screen", obs_shapes["observation_screen"],
                                                      hidden_channels=[8, 16, 32], hidden_units=[32], non_lin=non_lin)
        d["latent_concat"] = ConcatenationBlock(["latent_inventory", "latent_screen"], "latent_concat",
                                                d["latent_inventory"].out_shapes() + d["latent_screen"].out_shapes(), concat_dim=-1)
        d["latent_dense"] = DenseBlock("latent_concat", "latent_dense", d["latent_concat"].out_shapes(), hidden_units, non_lin)
        d["latent"] = LSTMLastStepBlock("latent_dense", "latent", d["latent_dense"].out_shapes(), hidden_size=32, num_layers=1,
                                        bidirectional=False, non_lin=non_lin)
        self.perception_dict = d


class ComplexPolicyNet(nn.Module, ComplexLatentNet):
    """Example 2 policy (``extra_out_keys`` makes it Example 4's shared-embedding policy)."""

    def __init__(self, obs_shapes: dict[str, Sequence[int]], action_logits_shapes: dict[str, Sequence[int]], non_lin: str,
                 hidden_units: list[int], extra_out_keys: list[str] | None = None) -> None:
        nn.Module.__init__(self)
        ComplexLatentNet.__init__(self, obs_shapes, non_lin, hidden_units)
        for key, shape in action_logits_shapes.items():
            self.perception_dict[key] = LinearOutputBlock("latent", key, self.perception_dict["latent"].out_shapes(),
                                                          output_units=int(np.prod(shape)))
        in_keys = list(obs_shapes)
        self.perception_net = InferenceBlock(in_keys, list(action_logits_shapes) + list(extra_out_keys or []),
                                             [obs_shapes[k] for k in in_keys], self.perception_dict)
        self.perception_net.apply(make_module_init_normc(1.0))

    def forward(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return self.perception_net(x)


class ComplexCriticNet(nn.Module, ComplexLatentNet):
    """Example 2 critic."""

    def __init__(self, obs_shapes: dict[str, Sequence[int]], non_lin: str, hidden_units: list[int]) -> None:
        nn.Module.__init__(self)
        ComplexLatentNet.__init__(self, obs_shapes, non_lin, hidden_units)
        self.perception_dict["value"] = LinearOutputBlock("latent", "value", self.perception_dict["latent"].out_shapes(), output_units=1)
        in_keys = list(obs_shapes)
        self.perception_net = InferenceBlock(in_keys, "value", [obs_shapes[k] for k in in_keys], self.perception_dict)

    def forward(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return self.perception_net(x)


class SharedComplexCriticNet(nn.Module):
    """Example 4 critic: reuses the policy's ``latent_screen`` (arrives in ``obs_shapes``)."""

    def __init__(self, obs_shapes: dict[str, Sequence[int]], non_lin: str, hidden_units: list[int]) -> None:
        super().__init__()
        d = OrderedDict()
        d["latent_inventory"] = DenseBlock("observation_inventory", "latent_inventory", obs_shapes["observation_inventory"], [128], non_lin)
        d["latent_concat"] = ConcatenationBlock(["latent_inventory", "latent_screen"], "latent_concat",
                                                d["latent_inventory"].out_shapes() + [obs_shapes["latent_screen"]], concat_dim=-1)
        d["latent_dense"] = DenseBlock("latent_concat", "latent_dense", d["latent_concat"].out_shapes(), hidden_units, non_lin)
        d["latent"] = LSTMLastStepBlock("latent_dense", "latent", d["latent_dense"].out_shapes(), hidden_size=32)
        d["value"] = LinearOutputBlock("latent", "value", d["latent"].out_shapes(), output_units=1)
        self.perception_dict = d
        in_keys = ["observation_inventory", "latent_screen"]
        self.perception_net = InferenceBlock(in_keys, "value", [obs_shapes[k] for k in in_keys], d)

    def forward(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return self.perception_net(x)


class PlainCartpolePolicyNet(nn.Module):
    """Example 3: plain torch, no perception blocks (no graph picture)."""

    def __init__(self, obs_shapes: dict[str, Sequence[int]], action_logits_shapes: dict[str, Sequence[int]],
                 hidden_layer_0: int, hidden_layer_1: int, use_bias: bool) -> None:
        super().__init__()
        self.observation_name = next(iter(obs_shapes))
        self.action_name = next(iter(action_logits_shapes))
        self.l0 = nn.Linear(obs_shapes[self.observation_name][0], hidden_layer_0, bias=use_bias)
        self.l1 = nn.Linear(hidden_layer_0, hidden_layer_1, bias=use_bias)
        self.l2 = nn.Linear(hidden_layer_1, action_logits_shapes[self.action_name][0], bias=use_bias)

    def forward(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        h = F.relu(self.l1(F.relu(self.l0(x[self.observation_name]))))
        return {self.action_name: self.l2(h)}


class PlainCartpoleCriticNet(nn.Module):
    """Example 3 critic."""

    def __init__(self, obs_shapes: dict[str, Sequence[int]], hidden_layer_0: int, hidden_layer_1: int, use_bias: bool) -> None:
        super().__init__()
        self.observation_name = next(iter(obs_shapes))
        self.l0 = nn.Linear(obs_shapes[self.observation_name][0], hidden_layer_0, bias=use_bias)
        self.l1 = nn.Linear(hidden_layer_0, hidden_layer_1, bias=use_bias)
        self.l2 = nn.Linear(hidden_layer_1, 1, bias=use_bias)

    def forward(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {"value": self.l2(F.relu(self.l1(F.relu(self.l0(x[self.observation_name])))))}
