"""Value transformations for critics: invertible rescaling of value targets and the categorical (support)
representation of scalar values.

* :class:`ValueTransform` -- the interface: ``transform_value`` maps returns into the space the critic networks
  predict in, ``transform_value_inv`` maps predictions back.
* :class:`ReduceScaleValueTransform` -- ``h(x) = sign(x)(sqrt(|x| + 1) - 1) + eps * x`` (Pohlen et al. 2018,
  "Observe and Look Further"; used by R2D2 and MuZero).
* :func:`scalar_to_support` / :func:`support_to_scalar` -- MuZero's categorical value representation: a scalar
  becomes a "two-hot" distribution over the integers of a support range, and the expectation of a distribution
  (given as logits) over the support is the scalar again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import torch


class ValueTransform(ABC):
    """Interface of invertible value transformations: critics predict ``transform_value(value)``."""

    @abstractmethod
    def transform_value(self, x: torch.Tensor) -> torch.Tensor:
        """Map values (e.g. returns used as targets) into the prediction space."""

    @abstractmethod
    def transform_value_inv(self, x: torch.Tensor) -> torch.Tensor:
        """Map predictions back into value space (the inverse of :meth:`transform_value`)."""


class ReduceScaleValueTransform(ValueTransform):
    """Invertible value rescaling ``h(x) = sign(x)(sqrt(|x|+1) - 1) + eps*x`` (Pohlen et al. 2018, R2D2/MuZero).

    Critics with a value transform predict ``h(value)``; returns are transformed before the value loss and
    predictions are mapped back with :meth:`transform_value_inv`. Useful for large reward scales.

    :param epsilon: the linear term keeping ``h`` invertible with a Lipschitz inverse.
    """

    def __init__(self, epsilon: float = 1e-3) -> None:
        if epsilon <= 0:
            raise ValueError(f"ReduceScaleValueTransform.epsilon must be > 0, got {epsilon}")
        self.epsilon = float(epsilon)

    def transform_value(self, x: torch.Tensor) -> torch.Tensor:
        """``h(x)``."""
        return torch.sign(x) * (torch.sqrt(torch.abs(x) + 1) - 1) + self.epsilon * x

    def transform_value_inv(self, x: torch.Tensor) -> torch.Tensor:
        """``h^-1(x)`` (closed form)."""
        eps = self.epsilon
        return torch.sign(x) * (((torch.sqrt(1 + 4 * eps * (torch.abs(x) + 1 + eps)) - 1) / (2 * eps)) ** 2 - 1)


def _support(support_range: tuple[int, int], like: torch.Tensor) -> torch.Tensor:
    low, high = support_range
    if int(low) != low or int(high) != high or low >= high:
        raise ValueError(f"support_range must be two integers (min, max) with min < max, got {support_range}")
    return torch.arange(int(low), int(high) + 1, dtype=like.dtype if like.is_floating_point() else torch.float32,
                        device=like.device)


def scalar_to_support(x: torch.Tensor, support_range: tuple[int, int]) -> torch.Tensor:
    """Transform scalars into categorical ("two-hot") distributions over the integers of ``support_range``.

    A value ``x`` between the support points ``k`` and ``k + 1`` gets probability ``k + 1 - x`` at ``k`` and
    ``x - k`` at ``k + 1``; values outside the range are clipped to it first.

    :param x: scalars of any shape ``S``.
    :param support_range: ``(min, max)`` of the support (integers, inclusive).
    :return: probabilities of shape ``S + (max - min + 1,)``.
    """
    support = _support(support_range, x)
    low, high = float(support[0]), float(support[-1])
    clipped = x.to(support.dtype).clamp(low, high)
    lower = torch.floor(clipped)
    upper_weight = clipped - lower
    index = (lower - low).long()
    probs = torch.zeros(*x.shape, support.shape[0], dtype=support.dtype, device=x.device)
    probs.scatter_(-1, index.unsqueeze(-1), (1.0 - upper_weight).unsqueeze(-1))
    # the upper neighbour of the last support point gets weight 0: scatter it onto the last point itself (adds 0)
    upper_index = (index + 1).clamp(max=support.shape[0] - 1)
    probs.scatter_add_(-1, upper_index.unsqueeze(-1), upper_weight.unsqueeze(-1))
    return probs


def support_to_scalar(logits: torch.Tensor, support_range: tuple[int, int]) -> torch.Tensor:
    """Transform categorical representations (logits over the integers of ``support_range``) into scalars.

    The scalar is the expectation of the support under ``softmax(logits)``; it inverts :func:`scalar_to_support`
    when given the log of its probabilities.

    :param logits: shape ``S + (max - min + 1,)``.
    :param support_range: ``(min, max)`` of the support (integers, inclusive).
    :return: scalars of shape ``S``.
    """
    support = _support(support_range, logits)
    if logits.shape[-1] != support.shape[0]:
        raise ValueError(f"logits have {logits.shape[-1]} entries in their last dimension but support_range "
                         f"{tuple(support_range)} has {support.shape[0]} points")
    return (torch.softmax(logits, dim=-1) * support).sum(dim=-1)
