"""Numerical helpers shared by the distributions."""

from __future__ import annotations

import torch

#: small constant keeping logs and divisions away from singularities
EPSILON = 1e-6


def atanh(x: torch.Tensor) -> torch.Tensor:
    """Inverse hyperbolic tangent, clamped to stay finite at +-1.

    :param x: the input tensor (values in [-1, 1]).
    :return: atanh(x).
    """
    x = x.clamp(-1.0 + EPSILON, 1.0 - EPSILON)
    return 0.5 * (torch.log1p(x) - torch.log1p(-x))


def tensor_clamp(x: torch.Tensor, t_min: torch.Tensor, t_max: torch.Tensor) -> torch.Tensor:
    """Clamp ``x`` element-wise between tensors ``t_min`` and ``t_max`` (broadcasting).

    :param x: the tensor to clamp.
    :param t_min: the minimum values.
    :param t_max: the maximum values.
    :return: the clamped tensor.
    """
    return torch.max(torch.min(x, t_max), t_min)


def check_temperature(temperature: float) -> float:
    """Validate a sampling temperature (must be > 0)."""
    temperature = float(temperature)
    if not temperature > 0.0:
        raise ValueError(f"temperature must be > 0 (1.0 = unmodified sampling, < 1.0 = closer to deterministic), got {temperature}")
    return temperature


def check_logits(logits: torch.Tensor, expected_last: int, name: str) -> None:
    """Raise a clear error when the last logits dimension does not fit the action space."""
    if logits.dim() == 0 or logits.shape[-1] != expected_last:
        raise ValueError(
            f"{name}: logits of shape {tuple(logits.shape)} do not fit the action space; "
            f"expected the last dimension to be {expected_last}"
        )
