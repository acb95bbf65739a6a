"""Lean plain-torch MLP networks for dict observations (fast default for small flat problems).

These are ordinary ``nn.Module``s following Maze's network contract (a dict of observation tensors with a
batch dimension in, a dict of logits/values out). Perception's template/custom model composers build richer
models (and their graph pictures); these nets are the minimal, low-overhead alternative, e.g. for
benchmarks, and are what :class:`MLPModelComposer` (``model=mlp``) composes.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import gymnasium as gym
import numpy as np
import torch
from torch import nn

_ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "elu": nn.ELU}


def _flat_dim(space: gym.spaces.Space) -> int:
    if isinstance(space, gym.spaces.Discrete):
        return 1
    return int(np.prod(space.shape)) if space.shape else 1


def _mlp(in_dim: int, hidden: Sequence[int], activation: str) -> tuple[nn.Sequential, int]:
    act = _ACTIVATIONS.get(activation)
    if act is None:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(_ACTIVATIONS)}")
    layers: list[nn.Module] = []
    dim = in_dim
    for h in hidden:
        linear = nn.Linear(dim, int(h))
        nn.init.orthogonal_(linear.weight, gain=math.sqrt(2))
        nn.init.zeros_(linear.bias)
        layers += [linear, act()]
        dim = int(h)
    return nn.Sequential(*layers), dim


class FlattenConcatMLP(nn.Module):
    """Flattens and concatenates the observation keys, then an MLP trunk and linear output heads.

    Action masking: the observation ``mask_keys[head]`` (default ``<head>_mask``; a 0/1 vector) masks the logits
    of output head ``head`` (masked logits are set to the most negative float, i.e. probability 0). Masks are
    network inputs too unless ``mask_as_input`` is false.

    :param observation_space: the sub-step's ``Dict`` observation space.
    :param output_shapes: output head name → shape (e.g. ``{"action": (2,)}`` or ``{"value": (1,)}``).
    :param hidden_units: MLP layer sizes.
    :param activation: ``tanh``, ``relu`` or ``elu``.
    :param output_gain: orthogonal init gain of the heads (0.01 for policies, 1.0 for values).
    :param mask_keys: ``{output head: observation key of its mask}`` (entries whose key is absent are ignored).
    :param mask_as_input: feed mask observations to the network as well.
    """

    def __init__(self, observation_space: gym.spaces.Dict, output_shapes: Mapping[str, Sequence[int]],
                 hidden_units: Sequence[int] = (64, 64), activation: str = "tanh", output_gain: float = 0.01,
                 mask_keys: Mapping[str, str] | None = None, mask_as_input: bool = True) -> None:
        super().__init__()
        keys = list(observation_space.spaces)
        masks = {h: f"{h}_mask" for h in output_shapes if f"{h}_mask" in keys}
        masks.update({h: k for h, k in (mask_keys or {}).items() if k in keys and h in output_shapes})
        self.mask_keys = masks
        self.in_keys = [k for k in keys if mask_as_input or k not in set(masks.values())]
        if not self.in_keys:
            raise ValueError(f"observation space has no input keys besides masks: {keys}")
        in_dim = sum(_flat_dim(observation_space[k]) for k in self.in_keys)
        self.trunk, dim = _mlp(in_dim, hidden_units, activation)
        self.heads = nn.ModuleDict()
        self.output_shapes = {k: tuple(int(s) for s in v) for k, v in output_shapes.items()}
        for name, shape in self.output_shapes.items():
            head = nn.Linear(dim, int(np.prod(shape)))
            nn.init.orthogonal_(head.weight, gain=output_gain)
            nn.init.zeros_(head.bias)
            self.heads[name] = head

    def forward(self, obs: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        parts = []
        for k in self.in_keys:
            x = obs[k]
            parts.append(x.reshape(x.shape[0], -1).float())
        latent = self.trunk(parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1))
        out = {}
        for name, head in self.heads.items():
            y = head(latent)
            shape = self.output_shapes[name]
            if len(shape) > 1:
                y = y.reshape(y.shape[0], *shape)
            mask_key = self.mask_keys.get(name)
            if mask_key is not None and mask_key in obs:
                y = y.masked_fill(obs[mask_key] <= 0, torch.finfo(y.dtype).min)
            out[name] = y
        return out
