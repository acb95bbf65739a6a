"""State critics V(s) for structured envs: per sub-step, shared, or delta (per sub-step residuals)."""

from __future__ import annotations

from typing import Any, Mapping

import torch
from torch import nn

from maze.core.agent.state_critic import StateCritic
from maze.core.agent.state_critic_input_output import StateCriticInput, StateCriticOutput, StateCriticStepOutput
from maze.core.env.structured_env import StepKeyType
from maze.train.agent.torch_critic_base import SharedCriticKeyMixin, StepCriticKeyMixin, TorchCriticBase
from maze.train.agent.value_transform import ReduceScaleValueTransform, ValueTransform

__all__ = ["ReduceScaleValueTransform", "TorchDeltaStateCritic", "TorchSharedStateCritic", "TorchStateCritic",
           "TorchStepStateCritic", "ValueTransform"]


def _value_of(out: Any) -> torch.Tensor:
    value = out["value"] if isinstance(out, Mapping) else out
    if value.dim() > 1 and value.shape[-1] == 1:
        value = value.squeeze(-1)
    return value


class TorchStateCritic(TorchCriticBase, StateCritic):
    """Encapsulates the value networks of a structured env (implements maze-core's :class:`StateCritic`).

    :param networks: value networks by key (sub-step key, or a single key for shared critics). Each maps an
        observation tensor dict to ``{"value": (batch, 1)}``.
    :param num_policies: number of policies (sub-steps) the critic serves.
    :param device: ``"cpu"`` or ``"cuda"``.
    :param value_transform: optional :class:`~maze.train.agent.value_transform.ValueTransform` (e.g.
        :class:`ReduceScaleValueTransform`); networks then predict transformed values.
    """

    network_kind = "value"

    #: True if values of later sub-steps are predicted relative to the previous sub-step's value.
    is_delta: bool = False

    def __init__(self, networks: Mapping[Any, nn.Module], num_policies: int | None = None, device: str = "cpu",
                 value_transform: ValueTransform | None = None) -> None:
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

    def predict_values(self, critic_input: StateCriticInput) -> StateCriticOutput:
        """Values of all sub-steps of a flat env step (delta critics add each sub-step's delta to the value of the
        sub-step before it).

        :param critic_input: batched observation tensor dicts of the sub-steps, with their actor IDs.
        :return: per sub-step, the values (value space, with gradients) and their detached copy.
        """
        output = StateCriticOutput()
        previous: torch.Tensor | None = None
        for step in critic_input:
            prediction = self.predict_value(step.tensor_dict, step.actor_id.step_key,
                                            prev_value=previous if self.is_delta else None)
            values = self.to_value(prediction)
            output.append(StateCriticStepOutput(values=values, detached_values=values.detach(), actor_id=step.actor_id))
            previous = values
        return output

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
