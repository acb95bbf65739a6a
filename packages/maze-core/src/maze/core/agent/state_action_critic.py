"""The state-action critic (Q) interface for structured environments (implementations: maze-train)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Mapping

from maze.core.env.structured_env import StepKeyType


class StateActionCritic(ABC):
    """Structured state-action critic designed to work with structured environments (see ``StructuredEnv``).

    It encapsulates one or more Q functions and queries them according to the critic ID of the acting sub-step.
    The interface is torch-free; :class:`~maze.train.agent.torch_state_action_critic.TorchStateActionCritic` and
    its shared/step variants implement it with torch networks.
    """

    @abstractmethod
    def predict_q_values(self, observations: Mapping[StepKeyType, Mapping[str, Any]],
                         actions: Mapping[StepKeyType, Mapping[str, Any]], gather_output: bool) -> Mapping[StepKeyType, Any]:
        """Predict the Q values of the given observations and actions.

        :param observations: the (batched) observations by sub-step key.
        :param actions: the actions taken, by sub-step key.
        :param gather_output: for discrete actions, return the Q value of the taken action only (instead of the Q
            values of all actions).
        :return: the Q values by sub-step key (for discrete sub-steps one entry per action head).
        """
