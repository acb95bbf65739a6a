"""Weight initialisation helpers for perception models."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

_LAYERS = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


def normc_initializer(weight: torch.Tensor, std: float = 1.0) -> None:
    """Normal-column init: Gaussian weights scaled so each output unit's weight vector has norm ``std``."""
    with torch.no_grad():
        weight.normal_(0.0, 1.0)
        flat = weight.view(weight.shape[0], -1)
        flat.mul_(std / flat.norm(dim=1, keepdim=True).clamp(min=1e-12))


def make_module_init_normc(std: float = 1.0) -> Callable[[nn.Module], None]:
    """A function for ``module.apply(...)`` initialising linear/conv weights with normc (norm ``std``) and biases with 0.

    :param std: the norm of each output unit's weight vector (use 0.01 for policy heads).
    """

    def init(module: nn.Module) -> None:
        if isinstance(module, _LAYERS):
            normc_initializer(module.weight, std)
            if module.bias is not None:
                nn.init.zeros_(module.bias)

    return init


def make_module_init_orthogonal(gain: float = math.sqrt(2.0)) -> Callable[[nn.Module], None]:
    """A function for ``module.apply(...)`` initialising linear/conv weights orthogonally with ``gain`` and biases with 0.

    :param gain: scaling of the orthogonal matrix (sqrt(2) for ReLU layers, 0.01 for policy heads, 1 for values).
    """

    def init(module: nn.Module) -> None:
        if isinstance(module, _LAYERS):
            nn.init.orthogonal_(module.weight, gain=gain)
            if module.bias is not None:
                nn.init.zeros_(module.bias)

    return init


def compute_sigmoid_bias(probability: float) -> float:
    """Bias ``b`` with ``sigmoid(b) == probability`` (e.g. to start a Bernoulli head at a given selection probability).

    :param probability: the desired probability in (0, 1).
    """
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability must be in (0, 1), got {probability}")
    return math.log(probability / (1.0 - probability))
