"""State critics V(s) for structured envs: per sub-step, shared, or delta (per sub-step residuals)."""

from __future__ import annotations

from typing import Any, Mapping

import torch
from torch import nn

from maze.core.env.structured_env import StepKeyType
from maze.train.agent.torch_critic_base import SharedCriticKeyMixin, StepCriticKeyMixin, TorchCriticBase


class ReduceScaleValueTransform:
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


def _value_of(out: Any) -> torch.Tensor:
    value = out["value"] if isinstance(out, Mapping) else out
    if value.dim() > 1 and value.shape[-1] == 1:
        value = value.squeeze(-1)
    return value


class TorchStateCritic(TorchCriticBase):
    """Encapsulates the value networks of a structured env.

    :param networks: value networks by key (sub-step key, or a single key for shared critics). Each maps an
        observation tensor dict to ``{"value": (batch, 1)}``.
    :param num_policies: number of policies (sub-steps) the critic serves.
    :param device: ``"cpu"`` or ``"cuda"``.
    :param value_transform: optional :class:`ReduceScaleValueTransform`; networks then predict transformed values.
    """

    network_kind = "value"

    #: True if values of later sub-steps are predicted relative to the previous sub-step's value.
    is_delta: bool = False

    def __init__(self, networks: Mapping[Any, nn.Module], num_policies: int | None = None, device: str = "cpu",
                 value_transform: ReduceScaleValueTransform | None = None) -> None:
        super().__init__(networks, num_policies, device)
        self.value_transform = value_transform
        self.to(device)

    def predict_value(self, observation: Mapping[str, torch.Tensor], critic_id: StepKeyType,
                      prev_value: torch.Tensor | None = None) -> torch.Tensor:
        """Raw network prediction (in transformed space if a value transform is set), shape ``(batch,)``.

        :param observation: batched observation tensor dict of sub-step ``critic_id``.
        :param critic_id: the sub-step key.
        :param prev_value: values of the previous sub-step (only used by delta critics).
        """
        return _value_of(self.networks[self.critic_key(critic_id)](observation))

    def to_value(self, prediction: torch.Tensor) -> torch.Tensor:
        """Map a raw prediction back to value space (identity without a value transform)."""
        if self.value_transform is None:
            return prediction
        return self.value_transform.transform_value_inv(prediction)

    def to_prediction_target(self, returns: torch.Tensor) -> torch.Tensor:
        """Map returns into the network's prediction space (for the value loss)."""
        if self.value_transform is None:
            return returns
        return self.value_transform.transform_value(returns)


class TorchSharedStateCritic(SharedCriticKeyMixin, TorchStateCritic):
    """One value network shared by all sub-steps and actors (the default for flat gym envs)."""


class TorchStepStateCritic(StepCriticKeyMixin, TorchStateCritic):
    """One value network per sub-step key."""


class TorchDeltaStateCritic(TorchStepStateCritic):
    """The first sub-step has a regular value network; later sub-steps predict a delta w.r.t. the value of
    the previous sub-step (their networks receive it as the extra input ``"prev_value"`` of shape ``(batch, 1)``).
    """

    is_delta = True

    def predict_value(self, observation: Mapping[str, torch.Tensor], critic_id: StepKeyType,
                      prev_value: torch.Tensor | None = None) -> torch.Tensor:
        net = self.networks[self.critic_key(critic_id)]
        if prev_value is None:
            return _value_of(net(observation))
        prev = prev_value.detach()
        delta = _value_of(net({**observation, "prev_value": prev.unsqueeze(-1)}))
        return prev + delta
