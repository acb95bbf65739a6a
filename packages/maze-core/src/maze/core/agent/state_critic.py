"""The state critic (V) interface for structured environments (implementations: maze-train's torch critics)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Mapping

from maze.core.agent.state_critic_input_output import StateCriticInput, StateCriticOutput
from maze.core.env.structured_env import StepKeyType


class StateCritic(ABC):
    """Structured state critic designed to work with structured environments (see ``StructuredEnv``).

    It encapsulates one or more value functions and queries them according to the critic ID of the acting
    sub-step. The interface is torch-free; :class:`~maze.train.agent.torch_state_critic.TorchStateCritic` and its
    shared/step/delta variants implement it with torch networks.
    """

    @abstractmethod
    def predict_value(self, observation: Mapping[str, Any], critic_id: StepKeyType) -> Any:
        """Query the critic of ``critic_id`` for the state value.

        :param observation: the (batched) observation of the sub-step.
        :param critic_id: the critic to query (the sub-step key).
        :return: the values of the observation (one per batch entry).
        """

    @abstractmethod
    def predict_values(self, critic_input: StateCriticInput) -> StateCriticOutput:
        """Predict the values of all sub-steps of a flat env step.

        :param critic_input: the observations of the sub-steps with their actor IDs.
        :return: one output (values and detached values) per sub-step, in the order of ``critic_input``.
        """
